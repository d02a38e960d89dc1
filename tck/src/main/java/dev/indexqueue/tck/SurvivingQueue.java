package dev.indexqueue.tck;

import dev.indexqueue.spi.TaskQueue;

/**
 * A queue that outlives the service that closes it, like a persistent queue across a restart of the
 * process: every call but {@link #close()} goes to the wrapped queue; {@code close()} does nothing,
 * so the next service built on it reads what is left. Thread-safe as the wrapped queue.
 */
public final class SurvivingQueue extends ForwardingTaskQueue {
  /**
   * Wraps a queue.
   *
   * @param q the queue; the test closes it
   */
  public SurvivingQueue(TaskQueue q) {
    super(q);
  }

  @Override
  public boolean isPersistent() {
    return true;
  }

  @Override
  public void close() {
    // survives: the next service reads it again
  }

  @Override
  public String toString() {
    return "Surviving[" + delegate + "]";
  }
}
