package dev.indexqueue;

import java.time.Duration;
import java.util.Objects;

/**
 * When the service commits the backend. Immutable and thread-safe.
 *
 * <p>A commit happens when {@code maxTasks} tasks were applied since the last commit, or {@code
 * interval} passed since the last commit with something applied, or someone waits for {@link
 * TaskStage#DURABLE}, or half the queue holds tasks that a commit would release (applied,
 * dead-lettered or coalesced away since the last commit; so an uncommitted tail never blocks
 * producers), and always at shutdown. A commit is skipped when nothing was applied since the last
 * one. Each commit stores the checkpoint, acknowledges the queue up to it and completes the DURABLE
 * stage of the tasks it covers.
 *
 * @param maxTasks commit after this many applied tasks (at least 1)
 * @param interval commit when this much time passed since the last commit (positive)
 */
public record CommitPolicy(int maxTasks, Duration interval) {

  /** Validates the record. */
  public CommitPolicy {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks: must be at least 1, was: " + maxTasks);
    }
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: must be positive, was: " + interval);
    }
  }

  /** The default: every 10,000 tasks or every second, whichever comes first. */
  public static CommitPolicy defaults() {
    return new CommitPolicy(10_000, Duration.ofSeconds(1));
  }

  /** Commit after every batch (slow with Lucene: one fsync per batch; for tests and tiny loads). */
  public static CommitPolicy everyBatch() {
    return new CommitPolicy(1, Duration.ofDays(365));
  }

  /** Commit after {@code maxTasks} applied tasks or after {@code interval}, whichever first. */
  public static CommitPolicy of(int maxTasks, Duration interval) {
    return new CommitPolicy(maxTasks, interval);
  }
}
