package dev.indexqueue.spi;

import dev.indexqueue.IndexTask;
import java.util.Objects;

/**
 * A task as stored in a {@link TaskQueue}, with the position the queue gave it. The position is the
 * task's sequence number. Immutable and thread-safe.
 *
 * @param position the task's position in the queue (its sequence number)
 * @param task the task
 */
public record QueuedTask(long position, IndexTask task) {
  /** Validates the record. */
  public QueuedTask {
    if (position < 0) {
      throw new IllegalArgumentException("position: must not be negative, was: " + position);
    }
    Objects.requireNonNull(task, "task");
  }
}
