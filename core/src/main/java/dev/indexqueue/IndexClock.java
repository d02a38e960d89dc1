package dev.indexqueue;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The service's source of time and of timed waits, injectable so that tests control time.
 * Implementations must be thread-safe.
 *
 * <p>Every timed wait of the service (retry backoff, commit and refresh intervals) goes through
 * {@link #awaitNanos}: a test clock may advance its time and return at once instead of waiting.
 */
public interface IndexClock {

  /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock time, for timestamps in status and dead letters. */
  Instant now();

  /**
   * Waits on {@code condition} (whose lock the caller holds) for at most {@code nanos}.
   *
   * @return an estimate of the time left, as {@link Condition#awaitNanos(long)}; zero or less on
   *     timeout
   * @throws InterruptedException if the thread is interrupted
   */
  long awaitNanos(Condition condition, long nanos) throws InterruptedException;

  /** The real clock. */
  static IndexClock system() {
    return SystemClock.INSTANCE;
  }
}

/** The real clock: {@link System#nanoTime()}, {@link Instant#now()}, real waits. */
enum SystemClock implements IndexClock {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long awaitNanos(Condition condition, long nanos) throws InterruptedException {
    if (nanos <= 0) {
      return 0;
    }
    return condition.awaitNanos(Math.min(nanos, TimeUnit.DAYS.toNanos(1)));
  }
}
