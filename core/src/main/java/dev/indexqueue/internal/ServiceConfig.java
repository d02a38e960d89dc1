package dev.indexqueue.internal;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.RetryPolicy;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * The validated settings of a service, as the builder collected them. Immutable; not part of the
 * API.
 */
public record ServiceConfig(
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
    IndexingListener listener) {}
