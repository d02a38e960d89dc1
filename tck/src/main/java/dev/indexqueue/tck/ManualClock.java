package dev.indexqueue.tck;

import dev.indexqueue.IndexClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * An {@link IndexClock} for tests: time moves only when a timed wait asks for it or the test calls
 * {@link #advance}, and timed waits return at once after advancing time by their length.
 * Thread-safe. It records every timed wait, so a test can check retry backoffs without waiting in
 * real time.
 */
public final class ManualClock implements IndexClock {
  private final AtomicLong nanos = new AtomicLong();
  private final Instant epoch;
  private final List<Long> waits = new ArrayList<>();

  /** A clock starting at 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * A clock starting at {@code start}.
   *
   * @param start the wall-clock time at nano time 0
   */
  public ManualClock(Instant start) {
    this.epoch = start;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public Instant now() {
    return epoch.plusNanos(nanos.get());
  }

  /** Moves time forward. */
  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Override
  public long awaitNanos(Condition condition, long waitNanos) {
    synchronized (waits) {
      waits.add(waitNanos);
    }
    nanos.addAndGet(Math.max(0, waitNanos));
    return 0;
  }

  /** Every timed wait asked for so far, in nanoseconds, in order. */
  public List<Long> waits() {
    synchronized (waits) {
      return List.copyOf(waits);
    }
  }
}
