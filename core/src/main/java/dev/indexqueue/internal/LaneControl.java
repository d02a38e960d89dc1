package dev.indexqueue.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every lane must know of the service as a whole: whether to stop, whether the service drains
 * (and which lanes have nothing left), and the rewind barrier after the backend lost uncommitted
 * work. Thread-safe: the flags are volatile; the barrier and the drain count take one lock, never
 * while holding a lane's lock.
 */
final class LaneControl {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final int lanes;

  private volatile boolean stopping;
  private volatile boolean draining;
  private volatile boolean rewindRequested;

  /** Guarded by {@link #lock}. */
  private final boolean[] drained;

  private int drainedCount;
  private int parked;
  private long rewindGeneration;

  LaneControl(int lanes) {
    this.lanes = lanes;
    this.drained = new boolean[lanes];
  }

  boolean stopping() {
    return stopping;
  }

  boolean draining() {
    return draining;
  }

  boolean rewindRequested() {
    return rewindRequested;
  }

  /** Lanes finish what is in the queue; each reports when it has nothing left. */
  void beginDrain() {
    draining = true;
    signal();
  }

  /** Lanes stop after their current batch; parked lanes leave the rewind barrier. */
  void stop() {
    stopping = true;
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A lane reports whether it has nothing pending, in flight or unread. */
  void laneDrained(int lane, boolean isDrained) {
    lock.lock();
    try {
      if (drained[lane] != isDrained) {
        drained[lane] = isDrained;
        drainedCount += isDrained ? 1 : -1;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every lane reported drained with no rewind pending, the service stops, or the
   * deadline (real time) passes.
   *
   * @return whether every lane is drained
   */
  boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!(drainedCount == lanes && !rewindRequested) && !stopping) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return drainedCount == lanes && !rewindRequested;
    } finally {
      lock.unlock();
    }
  }

  /** Asks every lane to stop taking work so the queue can be read again from the checkpoint. */
  void requestRewind() {
    lock.lock();
    try {
      rewindRequested = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called by a lane that saw the rewind request (with no batch in flight): waits until every lane
   * is parked here; the last one to arrive runs {@code rewind} (which must read every lane again
   * from the checkpoint) without holding this object's lock (the rewind waits for the maintainer,
   * which may itself request a rewind meanwhile), then all go on. Returns at once when the service
   * stops.
   */
  void parkForRewind(Runnable rewind) throws InterruptedException {
    lock.lock();
    try {
      if (!rewindRequested) {
        return;
      }
      long generation = rewindGeneration;
      parked++;
      if (parked == lanes) {
        lock.unlock();
        try {
          rewind.run();
        } finally {
          lock.lock();
          parked--;
          rewindRequested = false;
          rewindGeneration++;
          changed.signalAll();
        }
        return;
      }
      try {
        while (rewindGeneration == generation && !stopping) {
          changed.await();
        }
      } finally {
        parked--;
      }
    } finally {
      lock.unlock();
    }
  }
}
