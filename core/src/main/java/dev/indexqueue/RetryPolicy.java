package dev.indexqueue;

import java.time.Duration;
import java.util.Objects;

/**
 * How transient backend failures are retried: exponential backoff with full jitter. Immutable and
 * thread-safe.
 *
 * <p>Attempt {@code n} (1-based) that fails transiently is followed, while {@code n < maxAttempts},
 * by a wait drawn uniformly from {@code [0, min(maxBackoff, initialBackoff × multiplier^(n-1))]}
 * ("full jitter"). When attempt {@code maxAttempts} fails too, the task goes to the dead-letter
 * store. A failure classed permanent goes there at once.
 *
 * @param maxAttempts attempts in all, including the first (at least 1)
 * @param initialBackoff the cap of the first wait (not negative)
 * @param maxBackoff the cap of any wait (at least {@code initialBackoff})
 * @param multiplier how much the cap grows per attempt (at least 1.0)
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

  /** Validates the record. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: must be at least 1, was: " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "initialBackoff: must not be negative, was: " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff: must be at least initialBackoff ("
              + initialBackoff
              + "), was: "
              + maxBackoff);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "multiplier: must be a finite number >= 1.0, was: " + multiplier);
    }
  }

  /** The default: 5 attempts, waits capped at 10 ms, 20 ms, 40 ms, 80 ms (max 5 s), ×2. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(10), Duration.ofSeconds(5), 2.0);
  }

  /** No retries: the first failure of any kind dead-letters the task. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
  }

  /**
   * The cap of the wait after failed attempt {@code attempt} (1-based), before jitter.
   *
   * @param attempt the attempt that just failed, at least 1
   */
  public Duration backoffCap(int attempt) {
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(nanos, (double) maxBackoff.toNanos());
    return Duration.ofNanos(capped);
  }

  /**
   * The wait after failed attempt {@code attempt}, given a uniform random number in [0, 1).
   *
   * @param attempt the attempt that just failed, at least 1
   * @param random01 a uniform random number in [0, 1)
   */
  public Duration backoff(int attempt, double random01) {
    return Duration.ofNanos((long) (backoffCap(attempt).toNanos() * random01));
  }
}
