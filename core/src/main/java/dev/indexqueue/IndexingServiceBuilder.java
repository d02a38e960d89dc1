package dev.indexqueue;

import dev.indexqueue.internal.DefaultIndexingService;
import dev.indexqueue.internal.ServiceConfig;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Builds and starts an {@link IndexingService}. Not thread-safe: configure it on one thread, then
 * call {@link #build()} once.
 *
 * <p>Every setting has a default but the queue and the backend. Invalid values throw {@link
 * IllegalArgumentException} naming the setting at once.
 */
public final class IndexingServiceBuilder {
  private TaskQueue queue;
  private IndexBackend backend;
  private WorkspaceSource source = WorkspaceSource.none();
  private int lanes = 1;
  private int batchSize = 256;
  private int readAhead = 4096;
  private boolean coalescing = true;
  private CommitPolicy commitPolicy = CommitPolicy.defaults();
  private Duration refreshInterval = Duration.ofSeconds(1);
  private Duration searchIdleAfter = Duration.ofSeconds(30);
  private BackpressurePolicy backpressure = BackpressurePolicy.BLOCK;
  private Duration blockTimeout = Duration.ofSeconds(30);
  private RetryPolicy retryPolicy = RetryPolicy.defaults();
  private Duration priorityAging = Duration.ofSeconds(1);
  private long maxContentBytes = 16L * 1024 * 1024;
  private int maxDeadLetters = 10_000;
  private Duration shutdownTimeout = Duration.ofSeconds(30);
  private Duration shutdownGrace = Duration.ofSeconds(10);
  private IndexClock clock = IndexClock.system();
  private ThreadFactory threadFactory;
  private String name = "indexqueue";
  private IndexingListener listener = IndexingListener.none();

  IndexingServiceBuilder() {}

  /** The queue to use (required, or {@link #queue(String, Map)}). The service closes it. */
  public IndexingServiceBuilder queue(TaskQueue queue) {
    this.queue = Objects.requireNonNull(queue, "queue");
    return this;
  }

  /** Creates the queue with the provider named {@code name} (such as {@code memory}). */
  public IndexingServiceBuilder queue(String providerName, Map<String, String> config) {
    this.queue = Providers.taskQueue(providerName, config);
    return this;
  }

  /** The backend to use (required, or {@link #backend(String, Map)}). The service closes it. */
  public IndexingServiceBuilder backend(IndexBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    return this;
  }

  /** Creates the backend with the provider named {@code name} (such as {@code lucene}). */
  public IndexingServiceBuilder backend(String providerName, Map<String, String> config) {
    this.backend = Providers.indexBackend(providerName, config);
    return this;
  }

  /** Where REINDEX_WORKSPACE and the index status read workspaces' files. Default: none. */
  public IndexingServiceBuilder workspaceSource(WorkspaceSource source) {
    this.source = Objects.requireNonNull(source, "workspaceSource");
    return this;
  }

  /** Number of lanes (serializing workers), 1–256. Default 1: one global FIFO. */
  public IndexingServiceBuilder lanes(int lanes) {
    this.lanes = range("lanes", lanes, 1, 256);
    return this;
  }

  /** Most tasks per backend batch, 1–1,000,000. Default 256. */
  public IndexingServiceBuilder batchSize(int batchSize) {
    this.batchSize = range("batchSize", batchSize, 1, 1_000_000);
    return this;
  }

  /**
   * Most tasks read ahead from the queue into lanes (the window where priorities and coalescing
   * act), 1–10,000,000. Default 4096.
   */
  public IndexingServiceBuilder readAhead(int readAhead) {
    this.readAhead = range("readAhead", readAhead, 1, 10_000_000);
    return this;
  }

  /** Whether superseded pending tasks are dropped. Default true. */
  public IndexingServiceBuilder coalescing(boolean coalescing) {
    this.coalescing = coalescing;
    return this;
  }

  /** When to commit. Default {@link CommitPolicy#defaults()}. */
  public IndexingServiceBuilder commitPolicy(CommitPolicy policy) {
    this.commitPolicy = Objects.requireNonNull(policy, "commitPolicy");
    return this;
  }

  /**
   * How often applied work is made visible while the service is search-active (see {@link
   * #searchIdleAfter}) and nobody waits for it. Default 1 s. Waiting on VISIBLE or {@code
   * awaitIndexReady} refreshes sooner.
   */
  public IndexingServiceBuilder refreshInterval(Duration interval) {
    this.refreshInterval = positive("refreshInterval", interval);
    return this;
  }

  /**
   * After how long without a read ({@code search} or {@code indexStatus}) the service is
   * search-idle. Default 30 s. A search-idle service skips interval refreshes: each refresh flushes
   * a small segment that later has to be merged, work nobody asked for during a bulk load. The
   * first read of an idle service first makes what was applied to its workspace visible (waiting
   * for one refresh), then reads; reads within {@code searchIdleAfter} of each other keep the
   * service active, and refreshes run on {@link #refreshInterval}. A new service is idle until its
   * first read. Waiters (VISIBLE, {@code awaitIndexReady}) always refresh as soon as their task is
   * applied.
   *
   * <p>{@code ChronoUnit.FOREVER.getDuration()} (any duration too long to count in nanoseconds)
   * turns idling off: interval refreshes always run. Use it when the backend's documents are read
   * outside the service, e.g. a backend that feeds a remote search engine.
   */
  public IndexingServiceBuilder searchIdleAfter(Duration idleAfter) {
    this.searchIdleAfter = positive("searchIdleAfter", idleAfter);
    return this;
  }

  /** What submit does when the queue is full, and how long BLOCK waits. Default BLOCK, 30 s. */
  public IndexingServiceBuilder backpressure(BackpressurePolicy policy, Duration blockTimeout) {
    this.backpressure = Objects.requireNonNull(policy, "backpressure");
    this.blockTimeout = notNegative("blockTimeout", blockTimeout);
    return this;
  }

  /** How transient failures are retried. Default {@link RetryPolicy#defaults()}. */
  public IndexingServiceBuilder retryPolicy(RetryPolicy policy) {
    this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
    return this;
  }

  /**
   * Age that raises a waiting task's effective priority by one level (so low priority work is never
   * starved). Default 1 s.
   */
  public IndexingServiceBuilder priorityAging(Duration step) {
    this.priorityAging = positive("priorityAging", step);
    return this;
  }

  /** Largest content of a task, in UTF-8 bytes, checked at submit. Default 16 MiB. */
  public IndexingServiceBuilder maxContentBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxContentBytes: must not be negative, was: " + maxBytes);
    }
    this.maxContentBytes = maxBytes;
    return this;
  }

  /** Most dead letters kept; the oldest are dropped beyond it. Default 10,000. */
  public IndexingServiceBuilder maxDeadLetters(int max) {
    this.maxDeadLetters = range("maxDeadLetters", max, 1, 10_000_000);
    return this;
  }

  /**
   * The drain timeout of {@link IndexingService#close()}, and how long shutdown then waits for a
   * worker stuck in the backend before closing anyway. Defaults 30 s and 10 s.
   */
  public IndexingServiceBuilder shutdownTimeouts(Duration drainTimeout, Duration grace) {
    this.shutdownTimeout = notNegative("shutdownTimeout", drainTimeout);
    this.shutdownGrace = notNegative("shutdownGrace", grace);
    return this;
  }

  /** The clock for timestamps and timed waits; tests inject a controlled one. */
  public IndexingServiceBuilder clock(IndexClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Creates the worker threads. Default: daemon threads named {@code <name>-lane-<n>}. */
  public IndexingServiceBuilder threadFactory(ThreadFactory factory) {
    this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
    return this;
  }

  /**
   * Observes batches, commits and refreshes (for example {@code
   * dev.indexqueue.micrometer.MicrometerMetrics}). Default: none.
   */
  public IndexingServiceBuilder listener(IndexingListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** The service's name, used in thread names and logs. Default {@code indexqueue}. */
  public IndexingServiceBuilder name(String name) {
    IndexTask.checkWorkspace(name);
    this.name = name;
    return this;
  }

  /**
   * Builds the service, recovers (replays the queue from the backend's committed checkpoint) and
   * starts the workers.
   *
   * @throws IllegalStateException when the queue or the backend is missing
   */
  public IndexingService build() {
    if (queue == null) {
      throw new IllegalStateException("queue: is required; call queue(...) on the builder");
    }
    if (backend == null) {
      throw new IllegalStateException("backend: is required; call backend(...) on the builder");
    }
    return DefaultIndexingService.start(
        new ServiceConfig(
            name,
            queue,
            backend,
            source,
            lanes,
            batchSize,
            readAhead,
            coalescing,
            commitPolicy,
            refreshInterval,
            searchIdleAfter,
            backpressure,
            blockTimeout,
            retryPolicy,
            priorityAging,
            maxContentBytes,
            maxDeadLetters,
            shutdownTimeout,
            shutdownGrace,
            clock,
            threadFactory,
            listener));
  }

  private static int range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": must be between " + min + " and " + max + ", was: " + value);
    }
    return value;
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": must be positive, was: " + d);
    }
    return d;
  }

  private static Duration notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + ": must not be negative, was: " + d);
    }
    return d;
  }
}
