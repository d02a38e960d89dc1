package dev.indexqueue.internal;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.RetryPolicy;
import dev.indexqueue.Role;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The validated settings of a service, as the builder collected them, with the queue and backend it
 * opened. Immutable; not part of the API.
 *
 * @param threadFactory null for the default (daemon threads named after the service)
 * @param callbackExecutor null for the default (a pool owned by the service)
 */
public record Settings(
    String name,
    TaskQueue queue,
    IndexBackend backend,
    WorkspaceSource source,
    int lanes,
    int batchSize,
    int readAhead,
    boolean coalescing,
    CommitPolicy commitPolicy,
    Duration refreshInterval,
    Duration searchIdleAfter,
    BackpressurePolicy backpressure,
    Duration blockTimeout,
    RetryPolicy retryPolicy,
    Duration priorityAging,
    long maxContentBytes,
    int maxDeadLetters,
    Duration shutdownTimeout,
    Duration shutdownGrace,
    IndexClock clock,
    ThreadFactory threadFactory,
    Executor callbackExecutor,
    IndexingListener listener,
    Role role) {

  /** {@code d} in nanoseconds, or {@link Long#MAX_VALUE} when it does not fit. */
  /** {@code a + b}, saturated at {@link Long#MAX_VALUE} and {@link Long#MIN_VALUE}. */
  static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  /** {@code from} ({@link System#nanoTime()}) plus {@code d}, {@link Long#MAX_VALUE} beyond it. */
  static long deadline(long from, Duration d) {
    return deadline(from, saturatedNanos(d));
  }

  /** {@code from} plus {@code nanos} (not negative), {@link Long#MAX_VALUE} beyond it. */
  static long deadline(long from, long nanos) {
    long d = from + nanos;
    return d < from ? Long.MAX_VALUE : d;
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
