package dev.indexqueue.workspace;

import java.time.Duration;

/**
 * A snapshot of a {@link WorkspaceManager#index} run, for a progress bar. Immutable and
 * thread-safe.
 *
 * @param workspace the workspace
 * @param total the tasks the run submits: files new or changed since the index last saw them, and
 *     removals of documents whose files are gone
 * @param unchanged files already indexed with their current content (no task)
 * @param skipped files the source skips (binary, too large, unreadable, ...)
 * @param submitted tasks submitted so far
 * @param done tasks applied or failed so far
 * @param failed tasks that failed (dead-lettered) or were refused
 * @param elapsed time since the run started
 */
public record IndexProgress(
    String workspace,
    int total,
    int unchanged,
    int skipped,
    int submitted,
    int done,
    int failed,
    Duration elapsed) {

  /** Whether every task is done. */
  public boolean finished() {
    return done >= total;
  }

  /** What the run submits, as a percentage done (100 when there is nothing to do). */
  public double percent() {
    return total == 0 ? 100.0 : Math.min(100.0, done * 100.0 / total);
  }
}
