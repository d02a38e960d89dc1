package dev.indexqueue.internal;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.DeadLetter;
import dev.indexqueue.DeadLetters;
import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueFullException;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.SearchResults;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TransientBackendException;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link IndexingService}: validation, backpressure, the lane workers, retries,
 * dead letters, commits, refreshes, recovery and shutdown. Thread-safe. Not API: build it with
 * {@code IndexingService.builder()}.
 */
public final class DefaultIndexingService implements IndexingService {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultIndexingService.class);
  private static final AtomicInteger SERVICE_IDS = new AtomicInteger();

  private final ServiceConfig config;
  private final TaskQueue queue;
  private final IndexBackend backend;
  private final WorkspaceSource source;
  private final Progress progress = new Progress();
  private final DeadLetterStore deadLetters;
  private final Scheduler scheduler;
  private final Counters counters = new Counters();
  private final ConcurrentHashMap<String, AtomicLong> lastAccepted = new ConcurrentHashMap<>();
  private final LongAdder activeSubmits = new LongAdder();
  private final ReentrantLock spaceLock = new ReentrantLock();
  private final Condition spaceAvailable = spaceLock.newCondition();
  private final AtomicInteger blockedProducers = new AtomicInteger();
  private final ReentrantLock backoffLock = new ReentrantLock();
  private final Condition backoffCut = backoffLock.newCondition();
  private final Object lifecycle = new Object();
  private final List<Thread> workers = new ArrayList<>();
  private final CompletableFuture<Void> replayVisible = new CompletableFuture<>();

  /**
   * Runs commits and refreshes off the lane workers, so a lane keeps applying while the backend
   * flushes and syncs (IndexBackend allows commit and makeVisible concurrently with apply). One
   * thread: rounds never overlap (the scheduler hands out one plan at a time anyway).
   */
  private final java.util.concurrent.ExecutorService maintainer;

  /** The maintenance thread once started, so shutdown can join it. */
  private final java.util.concurrent.atomic.AtomicReference<Thread> maintenanceThread =
      new java.util.concurrent.atomic.AtomicReference<>();

  private volatile LifecycleState state = LifecycleState.NEW;
  private volatile boolean accepting;
  private volatile String failure;
  private volatile boolean closedResources;
  private volatile long lastCheckpoint;
  private long replayHorizon;
  private ShutdownReport report;

  /** Counters for status and metrics. */
  static final class Counters {
    final LongAdder accepted = new LongAdder();
    final LongAdder applied = new LongAdder();
    final LongAdder coalesced = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
  }

  private DefaultIndexingService(ServiceConfig config) {
    this.config = config;
    this.queue = config.queue();
    this.backend = config.backend();
    this.source = config.source();
    this.deadLetters = new DeadLetterStore(config.maxDeadLetters());
    this.scheduler =
        new Scheduler(
            queue,
            config.clock(),
            config.lanes(),
            config.batchSize(),
            config.readAhead(),
            config.coalescing(),
            config.priorityAging().toNanos(),
            config.commitPolicy().maxTasks(),
            config.commitPolicy().interval().toNanos(),
            config.refreshInterval().toNanos(),
            saturatedNanos(config.searchIdleAfter()),
            progress,
            counters.coalesced,
            this::recoveryPoint);
    ThreadFactory tf = config.threadFactory();
    String threadName = config.name() + "-maintenance";
    this.maintainer =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t;
              if (tf != null) {
                t = tf.newThread(r);
              } else {
                t = new Thread(r, threadName);
                t.setDaemon(true);
              }
              maintenanceThread.set(t);
              return t;
            });
  }

  /** Creates the service, recovers from the backend's checkpoint and starts the lane workers. */
  public static DefaultIndexingService start(ServiceConfig config) {
    DefaultIndexingService s = new DefaultIndexingService(config);
    s.startWorkers();
    return s;
  }

  /** Where reading starts after a start or a rewind: the committed checkpoint, within the queue. */
  private long recoveryPoint() {
    long cp = backend.committedCheckpoint();
    long first = queue.firstPosition();
    long end = queue.endPosition();
    if (cp < first) {
      if (cp > 0 || queue.isPersistent()) {
        LOG.warn(
            "{}: the backend's checkpoint {} is below the queue's first position {}; tasks in"
                + " between were acknowledged without a commit that covers them",
            config.name(),
            cp,
            first);
      }
      return first;
    }
    if (cp > end) {
      if (queue.isPersistent()) {
        LOG.warn(
            "{}: the backend's checkpoint {} is past the queue's end {} (was the queue replaced?);"
                + " reading new tasks only",
            config.name(),
            cp,
            end);
      }
      return queue.isPersistent() ? end : first;
    }
    return cp;
  }

  private void startWorkers() {
    long from = recoveryPoint();
    lastCheckpoint = backend.committedCheckpoint();
    replayHorizon = queue.endPosition();
    if (replayHorizon <= from) {
      replayVisible.complete(null);
    } else {
      LOG.info(
          "{}: replaying the queue from position {} to {}", config.name(), from, replayHorizon);
    }
    scheduler.startAt(from);
    ThreadFactory tf = config.threadFactory();
    int id = SERVICE_IDS.incrementAndGet();
    for (int lane = 0; lane < config.lanes(); lane++) {
      LaneWorker w = new LaneWorker(lane);
      Thread t;
      if (tf != null) {
        t = tf.newThread(w);
      } else {
        t = new Thread(w, config.name() + "-" + id + "-lane-" + lane);
        t.setDaemon(true);
      }
      workers.add(t);
    }
    state = LifecycleState.RUNNING;
    accepting = true;
    for (Thread t : workers) {
      t.start();
    }
  }

  // ------------------------------------------------------------------------------ submit

  @Override
  public Ticket submit(IndexTask task) {
    if (task == null) {
      throw new IllegalArgumentException("task: is required, was: null");
    }
    task.checkContentSize(config.maxContentBytes());
    if (task.type() == IndexTaskType.REINDEX_WORKSPACE && source == WorkspaceSource.none()) {
      throw new IllegalStateException(
          "REINDEX_WORKSPACE needs a workspace source: configure"
              + " IndexingService.builder().workspaceSource(...)");
    }
    activeSubmits.increment();
    try {
      checkAccepting();
      long position = queue.append(task);
      if (position == TaskQueue.FULL) {
        position = waitForSpace(task);
      }
      counters.accepted.increment();
      AtomicLong last = lastAccepted.get(task.workspace());
      if (last == null) {
        last = lastAccepted.computeIfAbsent(task.workspace(), k -> new AtomicLong(-1));
      }
      long seen = last.get();
      while (seen < position && !last.compareAndSet(seen, position)) {
        seen = last.get();
      }
      scheduler.dataArrived();
      return new DefaultTicket(position, task.workspace());
    } finally {
      activeSubmits.decrement();
    }
  }

  private void checkAccepting() {
    if (!accepting) {
      LifecycleState s = state;
      if (s == LifecycleState.FAILED) {
        throw new IllegalStateException(
            "IndexingService " + config.name() + " has FAILED and refuses tasks: " + failure);
      }
      if (s == LifecycleState.NEW) {
        throw new IllegalStateException("IndexingService " + config.name() + " is not started");
      }
      throw new IllegalStateException(
          "IndexingService " + config.name() + " is shutting down (" + s + "): submit refused");
    }
  }

  private long waitForSpace(IndexTask task) {
    if (config.backpressure() == BackpressurePolicy.REJECT) {
      throw new QueueFullException(
          "queue full: " + queue.size() + " of " + queue.capacity() + " tasks (policy REJECT)");
    }
    long deadline = System.nanoTime() + config.blockTimeout().toNanos();
    spaceLock.lock();
    blockedProducers.incrementAndGet();
    try {
      while (true) {
        long position = queue.append(task);
        if (position != TaskQueue.FULL) {
          return position;
        }
        checkAccepting();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new QueueFullException(
              "queue full: "
                  + queue.capacity()
                  + " tasks, and no space freed within "
                  + config.blockTimeout()
                  + " (policy BLOCK)");
        }
        try {
          spaceAvailable.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new QueueFullException("interrupted while waiting for queue space");
        }
      }
    } finally {
      blockedProducers.decrementAndGet();
      spaceLock.unlock();
    }
  }

  private void wakeProducers() {
    if (blockedProducers.get() > 0) {
      spaceLock.lock();
      try {
        spaceAvailable.signalAll();
      } finally {
        spaceLock.unlock();
      }
    }
  }

  // ------------------------------------------------------------------------------ waiting

  private final class DefaultTicket implements Ticket {
    private final long sequence;
    private final String workspace;

    DefaultTicket(long sequence, String workspace) {
      this.sequence = sequence;
      this.workspace = workspace;
    }

    @Override
    public long sequence() {
      return sequence;
    }

    @Override
    public String workspace() {
      return workspace;
    }

    @Override
    public CompletableFuture<Ticket> future(TaskStage stage) {
      CompletableFuture<Void> f = progress.register(stage, workspace, sequence);
      if (!f.isDone()) {
        scheduler.wakeAll();
      }
      return f.thenApply(v -> this);
    }

    @Override
    public String toString() {
      return "Ticket[" + workspace + "#" + sequence + "]";
    }
  }

  @Override
  public boolean awaitIndexReady(String workspace, Duration timeout) throws InterruptedException {
    IndexTask.checkWorkspace(workspace);
    long deadline = System.nanoTime() + timeout.toNanos();
    AtomicLong last = lastAccepted.get(workspace);
    long target = last == null ? -1 : last.get();
    try {
      if (!replayVisible.isDone()) {
        progress.addWaiter(TaskStage.VISIBLE, 1);
        try {
          scheduler.wakeAll();
          replayVisible.get(
              Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } finally {
          progress.addWaiter(TaskStage.VISIBLE, -1);
        }
      }
      if (target < 0) {
        return true;
      }
      CompletableFuture<Void> f = progress.register(TaskStage.VISIBLE, workspace, target);
      if (!f.isDone()) {
        scheduler.wakeAll();
      }
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof dev.indexqueue.TaskFailedException) {
          return true; // the last task was dead-lettered: nothing more will become visible
        }
        throw e;
      }
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
    }
  }

  // ------------------------------------------------------------------------------ workers

  private final class LaneWorker implements Runnable {
    private final int lane;

    LaneWorker(int lane) {
      this.lane = lane;
    }

    @Override
    public void run() {
      LifecycleState end = LifecycleState.STOPPED;
      try {
        while (true) {
          Scheduler.Work work = scheduler.next(lane);
          if (work.kind() == Scheduler.Kind.STOP) {
            break;
          }
          if (work.kind() == Scheduler.Kind.BATCH) {
            process(work.batch());
          }
          maintainInBackground();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("{}: lane {} worker interrupted; stopping it", config.name(), lane);
      } catch (Error e) {
        end = LifecycleState.FAILED;
        scheduler.laneState(lane, end);
        fail(e);
      } catch (RuntimeException e) {
        // a bug of ours: never leave silently
        end = LifecycleState.FAILED;
        scheduler.laneState(lane, end);
        fail(new AssertionError("lane " + lane + " worker crashed: " + e, e));
      } finally {
        scheduler.laneState(lane, end);
      }
    }

    private void process(List<Entry> batch) {
      List<QueuedTask> tasks = new ArrayList<>(batch.size());
      for (Entry e : batch) {
        tasks.add(e.queued());
      }
      queue.sync();
      long started = config.clock().nanoTime();
      long oldestRead = Long.MAX_VALUE;
      for (Entry e : batch) {
        oldestRead = Math.min(oldestRead, e.readNanos);
      }
      boolean abandoned = false;
      try {
        backend.apply(new Batch(lane, tasks, source));
      } catch (BackendStateLostException e) {
        abandoned = true;
        rewind(e);
      } catch (RuntimeException e) {
        LOG.debug(
            "{}: batch of {} failed ({}); applying one by one",
            config.name(),
            batch.size(),
            e.toString());
        abandoned = !applyOneByOne(batch, e);
      }
      Map<String, Long> marks = scheduler.completed(lane, batch, abandoned);
      if (!abandoned) {
        counters.applied.add(batch.size());
        progress.advanceAll(TaskStage.APPLIED, marks);
        long took = config.clock().nanoTime() - started;
        long waited = Math.max(0, started - oldestRead);
        notifyListener(l -> l.batchApplied(lane, batch.size(), took, waited));
      }
    }

    /** Applies each entry alone with retries; false when the backend lost its state. */
    private boolean applyOneByOne(List<Entry> batch, RuntimeException batchFailure) {
      for (Entry e : batch) {
        int attempt = 0;
        Instant first = null;
        RuntimeException last = batch.size() == 1 ? batchFailure : null;
        while (true) {
          if (last == null) {
            try {
              attempt++;
              backend.apply(new Batch(lane, List.of(e.queued()), source));
              break;
            } catch (BackendStateLostException x) {
              rewind(x);
              return false;
            } catch (RuntimeException x) {
              last = x;
            }
          } else {
            attempt++;
          }
          if (first == null) {
            first = config.clock().now();
          }
          boolean transientFailure = last instanceof TransientBackendException;
          if (transientFailure && attempt < config.retryPolicy().maxAttempts() && !stopping()) {
            counters.retried.increment();
            backoff(
                config
                    .retryPolicy()
                    .backoff(attempt, ThreadLocalRandom.current().nextDouble())
                    .toNanos());
            last = null;
            continue;
          }
          deadLetter(e, last, !transientFailure, attempt, first);
          break;
        }
      }
      return true;
    }
  }

  private boolean stopping() {
    return state == LifecycleState.FAILED || closedResources;
  }

  private void backoff(long nanos) {
    backoffLock.lock();
    try {
      config.clock().awaitNanos(backoffCut, nanos);
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
    } finally {
      backoffLock.unlock();
    }
  }

  private void deadLetter(
      Entry e, RuntimeException cause, boolean permanent, int attempts, Instant first) {
    DeadLetter letter =
        new DeadLetter(
            e.sequence,
            e.task,
            cause.getClass().getName() + ": " + cause.getMessage(),
            permanent,
            attempts,
            first,
            config.clock().now());
    LOG.warn(
        "{}: task {} of workspace {} dead-lettered after {} attempt(s): {}",
        config.name(),
        e.sequence,
        e.task.workspace(),
        attempts,
        letter.error());
    deadLetters.add(letter);
    counters.deadLettered.increment();
    progress.recordFailure(e.sequence, letter, cause);
    for (int i = 0; i < e.supersededCount; i++) {
      progress.recordFailure(e.superseded[i], letter, cause);
    }
  }

  private final AtomicInteger rewinds = new AtomicInteger();

  private void rewind(BackendStateLostException e) {
    int n = rewinds.incrementAndGet();
    counters.retried.increment();
    LOG.warn(
        "{}: the backend lost uncommitted work ({}); replaying from its last commit (rewind {})",
        config.name(),
        e.getMessage(),
        n);
    backoff(
        config
            .retryPolicy()
            .backoff(Math.min(n, 30), ThreadLocalRandom.current().nextDouble())
            .toNanos());
    scheduler.requestRewind();
  }

  /**
   * Claims a due commit and/or refresh and hands it to the maintenance thread; the calling lane
   * goes on applying. Runs it here when that thread no longer takes work (shutting down).
   */
  private void maintainInBackground() {
    Scheduler.Plan plan = scheduler.planMaintenance(false);
    if (plan == null) {
      return;
    }
    try {
      maintainer.execute(
          () -> {
            try {
              runMaintenance(plan);
            } catch (Error e) {
              fail(e);
            } catch (RuntimeException e) {
              fail(new AssertionError("maintenance crashed: " + e, e));
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      runMaintenance(plan);
    }
  }

  /** Runs a commit and/or refresh if one is due (or {@code force}) and no other round runs. */
  private void maintain(boolean force) {
    Scheduler.Plan plan = scheduler.planMaintenance(force);
    if (plan == null) {
      return;
    }
    runMaintenance(plan);
  }

  private void runMaintenance(Scheduler.Plan plan) {
    boolean commitFailed = false;
    boolean refreshFailed = false;
    try {
      if (plan.commit()) {
        try {
          long started = config.clock().nanoTime();
          backend.commit(plan.checkpoint());
          long took = config.clock().nanoTime() - started;
          notifyListener(l -> l.committed(plan.checkpoint(), took));
          rewinds.set(0);
          lastCheckpoint = plan.checkpoint();
          queue.acknowledge(plan.checkpoint());
          wakeProducers();
          progress.advanceAll(TaskStage.DURABLE, plan.commitMarks());
        } catch (BackendStateLostException e) {
          commitFailed = false;
          rewind(e);
        } catch (RuntimeException e) {
          commitFailed = true;
          LOG.warn("{}: commit failed; will retry: {}", config.name(), e.toString(), e);
        }
      }
      if (plan.refresh()) {
        try {
          long started = config.clock().nanoTime();
          backend.makeVisible();
          long took = config.clock().nanoTime() - started;
          notifyListener(l -> l.refreshed(took));
          progress.advanceAll(TaskStage.VISIBLE, plan.refreshMarks());
          if (plan.refreshCheckpoint() >= replayHorizon) {
            replayVisible.complete(null);
          }
        } catch (RuntimeException e) {
          refreshFailed = true;
          LOG.warn("{}: refresh failed; will retry: {}", config.name(), e.toString(), e);
        }
      }
    } finally {
      scheduler.maintenanceDone(plan, commitFailed, refreshFailed);
    }
  }

  private void notifyListener(java.util.function.Consumer<IndexingListener> call) {
    try {
      call.accept(config.listener());
    } catch (RuntimeException e) {
      LOG.warn("{}: listener {} failed: {}", config.name(), config.listener(), e.toString(), e);
    }
  }

  private void fail(Error e) {
    synchronized (lifecycle) {
      if (state == LifecycleState.FAILED) {
        return;
      }
      failure = e.toString();
      state = LifecycleState.FAILED;
      accepting = false;
    }
    LOG.error(
        "{}: FAILED: {}. Workers stopped; nothing more is applied. Tasks of a persistent queue"
            + " beyond the last commit (checkpoint {}) are kept for the next start.",
        config.name(),
        e.toString(),
        lastCheckpoint,
        e);
    scheduler.stopNow();
    wakeProducers();
    backoffLock.lock();
    try {
      backoffCut.signalAll();
    } finally {
      backoffLock.unlock();
    }
    progress.terminate(
        new IllegalStateException("IndexingService " + config.name() + " FAILED: " + failure, e));
    replayVisible.completeExceptionally(
        new IllegalStateException("IndexingService FAILED: " + failure));
  }

  // ------------------------------------------------------------------------------ status

  @Override
  public QueueStatus queueStatus() {
    Scheduler.Snapshot snap = scheduler.snapshot();
    boolean running = false;
    for (Thread t : workers) {
      running |= t.isAlive();
    }
    LifecycleState s = state;
    long size = closedResources ? 0 : queue.size();
    long capacity = closedResources ? 0 : queue.capacity();
    return new QueueStatus(
        s,
        size,
        capacity,
        snap.pending(),
        snap.inFlight(),
        snap.lanes(),
        running,
        s != LifecycleState.RUNNING && s != LifecycleState.NEW,
        counters.accepted.sum(),
        counters.applied.sum(),
        counters.coalesced.sum(),
        counters.retried.sum(),
        counters.deadLettered.sum(),
        Duration.ofNanos(snap.oldestPendingNanos()),
        lastCheckpoint,
        failure);
  }

  @Override
  public IndexStatus indexStatus(String workspace) {
    IndexTask.checkWorkspace(workspace);
    beforeRead(workspace);
    return IndexStatusCalculator.compute(workspace, source, backend.documents(workspace));
  }

  @Override
  public SearchResults search(String workspace, String query, int limit) {
    IndexTask.checkWorkspace(workspace);
    SearchResults.checkQuery(query);
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be at least 1, was: " + limit);
    }
    beforeRead(workspace);
    return backend.search(workspace, query, limit);
  }

  /**
   * Notes a read; when the service was search-idle (no interval refreshes ran), first waits until
   * what was applied to {@code workspace} is visible, so a read never sees older data than an
   * active service would show. The wait is bounded by {@link #READ_REFRESH_WAIT}: when refreshes
   * keep failing the read goes on with what is visible.
   */
  private void beforeRead(String workspace) {
    if (!scheduler.noteRead()) {
      return;
    }
    long applied = progress.mark(TaskStage.APPLIED, workspace);
    if (applied < 0) {
      return;
    }
    CompletableFuture<Void> f = progress.register(TaskStage.VISIBLE, workspace, applied);
    if (f.isDone()) {
      return;
    }
    scheduler.wakeAll();
    try {
      f.get(READ_REFRESH_WAIT.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.debug(
          "{}: reading {} without a fresh refresh: {}", config.name(), workspace, e.toString());
    }
  }

  /** The longest a read of a search-idle service waits for the refresh it asked for. */
  static final Duration READ_REFRESH_WAIT = Duration.ofSeconds(30);

  /** {@code d} in nanoseconds, or {@link Long#MAX_VALUE} when it does not fit. */
  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Counters for the optional metrics binding. */
  Counters counters() {
    return counters;
  }

  // ------------------------------------------------------------------------------ dead letters

  @Override
  public DeadLetters deadLetters() {
    return new DeadLetters() {
      @Override
      public List<DeadLetter> list() {
        return deadLetters.list();
      }

      @Override
      public int count() {
        return deadLetters.count();
      }

      @Override
      public List<Ticket> replay() {
        List<DeadLetter> letters = deadLetters.drain();
        List<Ticket> tickets = new ArrayList<>(letters.size());
        int i = 0;
        try {
          for (; i < letters.size(); i++) {
            tickets.add(submit(letters.get(i).task()));
          }
        } finally {
          for (int j = i; j < letters.size(); j++) {
            deadLetters.add(letters.get(j)); // not resubmitted: keep them
          }
        }
        return tickets;
      }

      @Override
      public int clear() {
        return deadLetters.drain().size();
      }
    };
  }

  // ------------------------------------------------------------------------------ shutdown

  @Override
  public void close() {
    shutdown(config.shutdownTimeout());
  }

  @Override
  public ShutdownReport shutdown(Duration timeout) {
    synchronized (lifecycle) {
      if (report != null) {
        return report;
      }
      long start = System.nanoTime();
      boolean failed = state == LifecycleState.FAILED;
      if (!failed) {
        state = LifecycleState.DRAINING;
      }
      accepting = false;
      wakeProducers();
      while (activeSubmits.sum() > 0) {
        wakeProducers();
        Thread.onSpinWait();
        Thread.yield();
      }
      boolean drained = false;
      try {
        if (!failed) {
          scheduler.beginDrain();
          drained = scheduler.awaitDrained(System.nanoTime() + timeout.toNanos());
        }
        scheduler.stopNow();
        backoffLock.lock();
        try {
          backoffCut.signalAll();
        } finally {
          backoffLock.unlock();
        }
        long graceEnd = System.nanoTime() + config.shutdownGrace().toNanos();
        for (Thread t : workers) {
          long left = graceEnd - System.nanoTime();
          if (left > 0 && t != Thread.currentThread()) {
            t.join(Math.max(1, left / 1_000_000));
          }
          if (t.isAlive()) {
            LOG.warn(
                "{}: worker {} is still in the backend after the shutdown grace; closing anyway",
                config.name(),
                t.getName());
          }
        }
        maintainer.shutdown();
        long left = graceEnd - System.nanoTime();
        if (!maintainer.awaitTermination(
            Math.max(1, left), java.util.concurrent.TimeUnit.NANOSECONDS)) {
          LOG.warn(
              "{}: a commit or refresh is still running after the shutdown grace; closing anyway",
              config.name());
        }
        Thread m = maintenanceThread.get();
        if (m != null && m != Thread.currentThread()) {
          m.join(Math.max(1, (graceEnd - System.nanoTime()) / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long remaining;
      if (!failed) {
        maintain(true);
      }
      remaining = queue.size();
      progress.terminate(
          new IllegalStateException(
              "IndexingService " + config.name() + " stopped before the task reached this stage"));
      replayVisible.completeExceptionally(new IllegalStateException("IndexingService stopped"));
      closedResources = true;
      closeQuietly(queue, "queue");
      closeQuietly(backend, "backend");
      if (!failed) {
        state = LifecycleState.STOPPED;
      }
      report =
          new ShutdownReport(
              counters.applied.sum(),
              remaining,
              !drained && !failed,
              Duration.ofNanos(System.nanoTime() - start));
      LOG.info("{}: {}", config.name(), report);
      return report;
    }
  }

  private void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("{}: closing the {} failed: {}", config.name(), what, e.toString(), e);
    }
  }
}
