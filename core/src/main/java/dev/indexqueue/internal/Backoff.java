package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Timed waits between retries, on the service's clock, that shutdown and failure cut short.
 * Thread-safe.
 */
final class Backoff {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition cut = lock.newCondition();
  private final IndexClock clock;
  private volatile boolean cancelled;

  Backoff(IndexClock clock) {
    this.clock = clock;
  }

  /** Waits about {@code nanos}, or less when {@link #cancel()} is called. */
  void await(long nanos) {
    lock.lock();
    try {
      if (!cancelled) {
        clock.awaitNanos(cut, nanos);
      }
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait in progress and every later one at once. */
  void cancel() {
    cancelled = true;
    lock.lock();
    try {
      cut.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
