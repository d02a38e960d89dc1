package dev.indexqueue;

/**
 * Observes the service's work, for metrics and tracing. Implementations must be thread-safe and
 * fast: the lane workers call them inline (several lanes at once). A listener that throws is logged
 * and otherwise ignored; it never stops a worker.
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
   * @param checkpoint the checkpoint it stored
   * @param nanos how long it took
   */
  default void committed(long checkpoint, long nanos) {}

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
