package dev.indexqueue;

/**
 * Observes the service's work, for metrics and tracing. Implementations must be thread-safe and
 * fast: they are called inline by the service's own threads — {@link #batchApplied} by the lane
 * worker that applied the batch (several lanes at once), {@link #committed} and {@link #refreshed}
 * by the maintainer thread. A slow listener slows that lane or delays commits and refreshes. A
 * listener that throws is logged and otherwise ignored; it never stops a worker. Each call comes
 * before the waiters its work releases are told: a caller whose ticket reached a stage finds that
 * batch, commit or refresh already counted.
 *
 * <p>Every method has an empty default, so implement only what you need.
 */
public interface IndexingListener {

  /**
   * A batch was applied (or finished with some tasks dead-lettered).
   *
   * @param lane the lane that applied it
   * @param tasks how many tasks it held
   * @param applyNanos how long the backend took, retries included
   * @param oldestWaitNanos how long its oldest task waited between being read from the queue and
   *     the start of the apply
   */
  default void batchApplied(int lane, int tasks, long applyNanos, long oldestWaitNanos) {}

  /**
   * A commit finished.
   *
   * @param tasks how many tasks applied since the previous commit it made durable
   * @param nanos how long it took
   */
  default void committed(long tasks, long nanos) {}

  /**
   * A refresh (make visible) finished.
   *
   * @param nanos how long it took
   */
  default void refreshed(long nanos) {}

  /** The listener that does nothing. */
  static IndexingListener none() {
    return NoListener.INSTANCE;
  }
}

/** The empty listener. */
enum NoListener implements IndexingListener {
  INSTANCE
}
