package dev.indexqueue.spi;

import java.util.List;
import java.util.Objects;

/**
 * Tasks a lane worker hands to {@link IndexBackend#apply}, in the order they must be applied.
 * Immutable and thread-safe.
 *
 * <p>Guarantee from the core: the tasks of one workspace appear in acceptance (position) order; no
 * other batch holding tasks of these workspaces is applied at the same time.
 *
 * @param lane the lane applying the batch
 * @param tasks the tasks, not empty
 * @param source where {@code REINDEX_WORKSPACE} reads the workspace's files
 */
public record Batch(int lane, List<QueuedTask> tasks, WorkspaceSource source) {
  /** Validates and copies. */
  public Batch {
    tasks = List.copyOf(tasks);
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks: must not be empty");
    }
    Objects.requireNonNull(source, "source");
  }
}
