package dev.indexqueue;

import dev.indexqueue.internal.DefaultIndexingService;
import dev.indexqueue.internal.Settings;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexBackendProvider;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TaskQueueProvider;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Builds and starts an {@link IndexingService}. Not thread-safe: configure it on one thread, then
 * call {@link #build()} once.
 *
 * <p>Guarantees: setters only record settings and check them (an invalid value throws {@link
 * IllegalArgumentException} naming the setting at once); nothing is opened or started before {@link
 * #build()}. The queue and the backend are each set once, as an instance or as a provider name with
 * settings; a second call is refused with {@link IllegalStateException}. When {@code build()}
 * fails, it closes the queue and the backend it created itself, so a Chronicle directory or a
 * Lucene index is never left locked; instances passed in are left open for their owner.
 */
public final class IndexingServiceBuilder {
  private Supplier<TaskQueue> queue;
  private boolean queueOwned;
  private String queueDescription;
  private Supplier<IndexBackend> backend;
  private boolean backendOwned;
  private WorkspaceSource source = WorkspaceSource.none();
  private int lanes = 1;

  /** 0: the backend's {@link IndexBackend#preferredBatchSize()}. */
  private int batchSize;

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
  private Executor callbackExecutor;
  private String name = "indexqueue";
  private Role role = Role.BOTH;
  private IndexingListener listener = IndexingListener.none();

  IndexingServiceBuilder() {}

  /**
   * The queue to use (required, or {@link #queue(String, Map)}). The service closes it once built.
   *
   * @throws IllegalStateException when a queue was already set
   */
  public IndexingServiceBuilder queue(TaskQueue queue) {
    Objects.requireNonNull(queue, "queue");
    requireUnset(this.queue, "queue");
    this.queue = () -> queue;
    this.queueOwned = false;
    this.queueDescription = queue.toString();
    return this;
  }

  /**
   * Creates the queue at {@link #build()} with the provider named {@code providerName} (such as
   * {@code memory} or {@code chronicle}). The provider is looked up now, so an unknown name fails
   * here, listing the names available. Unless {@code config} sets {@value
   * TaskQueueProvider#PARTITIONS}, the queue gets as many partitions as the service has lanes.
   *
   * @throws IllegalArgumentException when no provider, or two, have that name
   * @throws IllegalStateException when a queue was already set
   */
  public IndexingServiceBuilder queue(String providerName, Map<String, String> config) {
    requireUnset(this.queue, "queue");
    TaskQueueProvider provider = Providers.taskQueueProvider(providerName, contextLoader());
    Map<String, String> copy = Map.copyOf(config);
    this.queue =
        () -> {
          Map<String, String> c = new HashMap<>(copy);
          c.putIfAbsent(TaskQueueProvider.PARTITIONS, Integer.toString(lanes));
          return provider.create(c);
        };
    this.queueOwned = true;
    this.queueDescription = providerName;
    return this;
  }

  /**
   * The backend to use (required, or {@link #backend(String, Map)}). The service closes it once
   * built.
   *
   * @throws IllegalStateException when a backend was already set
   */
  public IndexingServiceBuilder backend(IndexBackend backend) {
    Objects.requireNonNull(backend, "backend");
    requireUnset(this.backend, "backend");
    this.backend = () -> backend;
    this.backendOwned = false;
    return this;
  }

  /**
   * Creates the backend at {@link #build()} with the provider named {@code providerName} (such as
   * {@code lucene}). The provider is looked up now, so an unknown name fails here.
   *
   * @throws IllegalArgumentException when no provider, or two, have that name
   * @throws IllegalStateException when a backend was already set
   */
  public IndexingServiceBuilder backend(String providerName, Map<String, String> config) {
    requireUnset(this.backend, "backend");
    IndexBackendProvider provider = Providers.indexBackendProvider(providerName, contextLoader());
    Map<String, String> copy = Map.copyOf(config);
    this.backend = () -> provider.create(copy);
    this.backendOwned = true;
    return this;
  }

  /** Where REINDEX_WORKSPACE and the index status read workspaces' files. Default: none. */
  public IndexingServiceBuilder workspaceSource(WorkspaceSource source) {
    this.source = Objects.requireNonNull(source, "workspaceSource");
    return this;
  }

  /**
   * Number of lanes (serializing workers), 1–256. Default 1: with one partition, one global FIFO.
   * Each lane owns the partitions {@code p} with {@code p % lanes == lane} and reads only those;
   * the queue needs at least as many partitions as there are lanes.
   */
  public IndexingServiceBuilder lanes(int lanes) {
    this.lanes = range("lanes", lanes, 1, 256);
    return this;
  }

  /**
   * Most tasks per backend batch, 1–1,000,000. Default: the backend's {@link
   * IndexBackend#preferredBatchSize()} (256; the Lucene backend's 64). A lane cannot interrupt the
   * batch in progress, so its length bounds how long an urgent task waits to start.
   */
  public IndexingServiceBuilder batchSize(int batchSize) {
    this.batchSize = range("batchSize", batchSize, 1, 1_000_000);
    return this;
  }

  /**
   * Most tasks each lane reads ahead from its partitions (the window where priorities within a band
   * and coalescing act), 1–10,000,000. Default 4096. Urgent tasks (priority below 0, on a queue
   * with an urgent band) do not wait for this window: they have a log of their own.
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
   * awaitIndexReady} refreshes sooner. On a shared queue ({@code TaskQueue.isShared()}, such as
   * Kafka) a node whose backend other nodes search ({@code
   * IndexBackend.refreshesReachOtherProcesses()}, such as Solr) refreshes on this interval whenever
   * it applied something; every node reads the backend's checkpoints at most this often to complete
   * waits for tasks another node applies.
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
   * outside the service, e.g. a backend that feeds a remote search engine. On a shared queue idling
   * is always off: searches and waiters are on other nodes.
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
   * Age that raises a waiting task's effective priority by one level within its band (so low
   * priority work is never starved by normal work). Default 1 s. Urgent tasks (priority below 0)
   * always go before normal ones whatever their age.
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

  /**
   * Creates the service's threads: one per lane and the maintainer's two (one plans and refreshes,
   * one commits). Default: daemon threads named {@code <name>-<id>-lane-<n>}, {@code
   * <name>-<id>-maintainer} and {@code <name>-<id>-committer}.
   */
  public IndexingServiceBuilder threadFactory(ThreadFactory factory) {
    this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
    return this;
  }

  /**
   * Where {@link Ticket} futures complete, so that callbacks ({@code thenRun}, {@code thenApply},
   * ...) never run on a lane or the maintainer thread: a callback may block, wait for another
   * ticket, or even shut the service down. Default: a pool of daemon threads owned by the service
   * ({@code <name>-<id>-callback-<n>}), created on demand, idle ones ending after 60 s, shut down
   * after the service stopped and completed every future. An executor passed here is not shut down
   * by the service. {@code Runnable::run} completes futures on the service's threads: only for
   * callbacks that never block.
   */
  public IndexingServiceBuilder callbackExecutor(Executor executor) {
    this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
    return this;
  }

  /**
   * Observes batches, commits and refreshes (for example the Micrometer binding). Default: none.
   */
  public IndexingServiceBuilder listener(IndexingListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * What the service does: {@link Role#BOTH} (default), {@link Role#PRODUCER} (only submits: it
   * never subscribes to the queue's partitions, so a cluster queue gives them all to the workers)
   * or {@link Role#WORKER} (only applies: {@code submit} throws {@link IllegalStateException}).
   *
   * <p>A producer's tickets still reach every stage, and its {@code awaitIndexReady} still returns:
   * for a task another process applies, the service watches the backend's checkpoints (DURABLE: the
   * committed checkpoint of the task's partition passes it; VISIBLE: the visible one does), reading
   * them at most once per {@link #refreshInterval} and only while someone waits. The same holds on
   * any node of a shared queue for the partitions it does not own (docs/DESIGN.md §12.1).
   */
  public IndexingServiceBuilder role(Role role) {
    this.role = Objects.requireNonNull(role, "role");
    return this;
  }

  /** The service's name, used in thread names and logs. Default {@code indexqueue}. */
  public IndexingServiceBuilder name(String name) {
    IndexTask.checkWorkspace(name);
    this.name = name;
    return this;
  }

  /**
   * Creates the queue and the backend (when given by provider name), recovers (replays each
   * partition from the backend's committed checkpoint) and starts the lanes and the maintainer.
   * When anything fails, what this call created is closed before the exception is thrown.
   *
   * @throws IllegalStateException when the queue or the backend is missing, when the queue has
   *     fewer partitions than the service has lanes, or when the backend's checkpoint describes
   *     another partitioning than the queue's while the queue holds tasks
   * @throws IllegalArgumentException when a provider refuses its settings
   */
  public IndexingService build() {
    if (queue == null) {
      throw new IllegalStateException("queue: is required; call queue(...) on the builder");
    }
    if (backend == null) {
      throw new IllegalStateException("backend: is required; call backend(...) on the builder");
    }
    TaskQueue q = null;
    IndexBackend b = null;
    try {
      q = queue.get();
      if (q.partitions() < lanes) {
        throw new IllegalStateException(
            "lanes: must be at most the queue's partitions ("
                + q.partitions()
                + "), was: "
                + lanes
                + "; give the queue more partitions (setting '"
                + TaskQueueProvider.PARTITIONS
                + "') or use fewer lanes");
      }
      b = backend.get();
      int batch = batchSize != 0 ? batchSize : preferredBatchSize(b);
      return DefaultIndexingService.start(
          new Settings(
              name,
              q,
              b,
              source,
              lanes,
              batch,
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
              callbackExecutor,
              listener,
              role));
    } catch (RuntimeException | Error e) {
      if (backendOwned && b != null) {
        closeAfterFailure(b, e);
      }
      if (queueOwned && q != null) {
        closeAfterFailure(q, e);
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "IndexingServiceBuilder[name=" + name + ", queue=" + queueDescription + "]";
  }

  private static void closeAfterFailure(AutoCloseable c, Throwable failure) {
    try {
      c.close();
    } catch (Exception | Error e) {
      failure.addSuppressed(e);
    }
  }

  private static void requireUnset(Object current, String what) {
    if (current != null) {
      throw new IllegalStateException(
          what + ": was already set; a builder takes one " + what + " (as an instance or a name)");
    }
  }

  private static ClassLoader contextLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : IndexingServiceBuilder.class.getClassLoader();
  }

  /** The backend's batch size, checked: a backend's bug fails the build naming it. */
  private static int preferredBatchSize(IndexBackend b) {
    int n = b.preferredBatchSize();
    if (n < 1 || n > 1_000_000) {
      throw new IllegalStateException(
          "batchSize: the backend "
              + b
              + " prefers batches of "
              + n
              + " tasks, outside 1–1,000,000; set batchSize(...) on the builder");
    }
    return n;
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
