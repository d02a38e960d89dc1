package dev.indexqueue.internal;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.DeadLetters;
import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LaneStatus;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.PartitionStatus;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.SearchResults;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.TaskFailedException;
import dev.indexqueue.TaskId;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link IndexingService}. It wires the parts and owns the lifecycle: {@link
 * Admission} (submit and backpressure), one {@link LaneScheduler} and {@link LaneWorker} per lane
 * (reading and applying), the {@link Maintainer} (commits, refreshes, waiters), {@link Recovery} at
 * start, and shutdown. Thread-safe. Not API: build it with {@code IndexingService.builder()}.
 *
 * <p>Lifecycle: a compare-and-set state machine, NEW → RUNNING → DRAINING → STOPPED, and to FAILED
 * at once from any non-final state when an {@link Error} escapes; STOPPED and FAILED are final.
 * {@link #shutdown} is run by the first caller; later and concurrent callers wait for its report.
 * No monitor is held while draining.
 */
public final class DefaultIndexingService implements IndexingService {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultIndexingService.class);
  private static final AtomicInteger SERVICE_IDS = new AtomicInteger();

  /** The longest a read of a search-idle service waits for the refresh it asked for. */
  static final Duration READ_REFRESH_WAIT = Duration.ofSeconds(30);

  private final Settings settings;
  private final TaskQueue queue;
  private final IndexBackend backend;
  private final int partitions;
  private final Progress progress = new Progress();
  private final DeadLetterStore deadLetters;
  private final Counters counters = new Counters();
  private final LaneControl control;
  private final LaneScheduler[] lanes;
  private final Maintainer maintainer;
  private final Admission admission;
  private final Backoff backoff;
  private final Retrier retrier;
  private final List<Thread> workers = new ArrayList<>();
  private final Thread maintainerThread;
  private final Thread committerThread;

  /**
   * The partitions this process owns, each with the positions it started reading its logs at (for
   * the checkpoint watcher: tasks below were applied by another process).
   */
  private final java.util.Map<Integer, long[]> owned = CheckpointWatcher.newOwnedMap();

  /** Waits for tasks other processes apply; null when every task is applied here. */
  private final CheckpointWatcher watcher;

  private final Thread watcherThread;
  private final Executor callbacks;
  private final ExecutorService ownedCallbackPool;
  private final CompletableFuture<Void> replayVisible = new CompletableFuture<>();
  private final AtomicReference<LifecycleState> state = new AtomicReference<>(LifecycleState.NEW);
  private final AtomicBoolean shutdownClaimed = new AtomicBoolean();
  private final CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
  private final AtomicInteger rewinds = new AtomicInteger();
  private volatile String failure;
  private volatile boolean closedResources;

  private DefaultIndexingService(Settings settings, Checkpoint committedAtStart) {
    this.settings = settings;
    this.queue = settings.queue();
    this.backend = settings.backend();
    this.partitions = queue.partitions();
    this.deadLetters = new DeadLetterStore(settings.maxDeadLetters());
    this.control = new LaneControl(settings.lanes());
    this.backoff = new Backoff(settings.clock());
    int id = SERVICE_IDS.incrementAndGet();
    String prefix = settings.name() + "-" + id;

    this.lanes = new LaneScheduler[settings.lanes()];
    for (int l = 0; l < lanes.length; l++) {
      lanes[l] =
          new LaneScheduler(
              l,
              queue,
              settings.clock(),
              control,
              settings.batchSize(),
              settings.readAhead(),
              settings.coalescing(),
              Settings.saturatedNanos(settings.priorityAging()),
              counters.coalesced);
    }
    this.maintainer =
        new Maintainer(
            settings,
            progress,
            lanes,
            control,
            committedAtStart,
            () -> admissionWakeProducers(),
            this::wakeLanes,
            this::fail,
            replayVisible);
    this.admission =
        new Admission(settings, lanes, counters.accepted, maintainer::committed, this::refusal);
    this.retrier = new Retrier(settings, counters, progress, deadLetters, backoff, this::stopping);

    if (settings.callbackExecutor() != null) {
      this.ownedCallbackPool = null;
      Executor given = settings.callbackExecutor();
      this.callbacks = inlineWhenRejected(given);
    } else {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              60,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> {
                Thread t = new Thread(r, prefix + "-callback-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      this.ownedCallbackPool = pool;
      this.callbacks = inlineWhenRejected(pool);
    }

    ThreadFactory tf = settings.threadFactory();
    for (LaneScheduler lane : lanes) {
      LaneWorker w =
          new LaneWorker(
              settings, lane, counters, progress, retrier, maintainer, new WorkerHooks());
      workers.add(newThread(tf, w, prefix + "-lane-" + lane.lane));
    }
    this.maintainerThread = newThread(tf, maintainer.maintainer(), prefix + "-maintainer");
    this.committerThread = newThread(tf, maintainer.committer(), prefix + "-committer");
    if (queue.isShared() || !settings.role().applies()) {
      this.watcher =
          new CheckpointWatcher(
              settings.name(),
              backend,
              progress,
              settings.clock(),
              Settings.saturatedNanos(settings.refreshInterval()),
              owned);
      this.watcherThread = newThread(tf, watcher, prefix + "-checkpoint-watcher");
    } else {
      this.watcher = null;
      this.watcherThread = null;
    }
  }

  /**
   * Creates the service, subscribes to the queue's partitions (a local queue assigns them all at
   * once: each is read from the backend's committed checkpoint) and starts the threads.
   */
  public static DefaultIndexingService start(Settings settings) {
    settings.backend().partitions(settings.queue().partitions());
    Checkpoint committed =
        Recovery.committed(settings.name(), settings.queue(), settings.backend());
    DefaultIndexingService s = new DefaultIndexingService(settings, committed);
    if (settings.role().applies()) {
      s.queue.subscribe(s.new Ownership(committed));
    }
    if (!s.firstAssignment.isDone()) {
      // nothing assigned yet (a cluster queue assigns later): there is no replay to wait for
      s.replayVisible.complete(null);
    }
    s.state.set(LifecycleState.RUNNING);
    s.admission.open();
    for (Thread t : s.workers) {
      t.start();
    }
    s.maintainerThread.start();
    s.committerThread.start();
    if (s.watcherThread != null) {
      s.watcherThread.start();
    }
    return s;
  }

  private static Thread newThread(ThreadFactory tf, Runnable r, String name) {
    if (tf != null) {
      return tf.newThread(r);
    }
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static Executor inlineWhenRejected(Executor e) {
    return r -> {
      try {
        e.execute(r);
      } catch (RejectedExecutionException x) {
        r.run();
      }
    };
  }

  private void admissionWakeProducers() {
    Admission a = admission;
    if (a != null) {
      a.wakeProducers();
    }
  }

  private void wakeLanes() {
    for (LaneScheduler lane : lanes) {
      lane.wakeUp();
    }
  }

  private boolean stopping() {
    return control.stopping() || closedResources;
  }

  private String refusal() {
    LifecycleState s = state.get();
    if (s == LifecycleState.FAILED) {
      return "IndexingService " + settings.name() + " has FAILED and refuses tasks: " + failure;
    }
    if (s == LifecycleState.NEW) {
      return "IndexingService " + settings.name() + " is not started";
    }
    return "IndexingService " + settings.name() + " is shutting down (" + s + "): submit refused";
  }

  // ------------------------------------------------------------------------------ ownership

  /** Completed at the first assignment of partitions (the start's replay). */
  private final CompletableFuture<Void> firstAssignment = new CompletableFuture<>();

  /** Follows which partitions this process owns; called by the queue (at start for local ones). */
  private final class Ownership implements dev.indexqueue.spi.PartitionListener {
    private final Checkpoint atStart;

    Ownership(Checkpoint atStart) {
      this.atStart = atStart;
    }

    @Override
    public void assigned(java.util.Set<Integer> assigned) {
      boolean first = !firstAssignment.isDone();
      Checkpoint cp = first ? atStart : Recovery.committed(settings.name(), queue, backend);
      Recovery.Start start = Recovery.forPartitions(settings.name(), queue, cp, assigned);
      counters.replayed.add(start.replayed());
      for (Recovery.Gap g : start.gaps()) {
        reportLoss(
            g.partition(),
            g.band(),
            g.from(),
            g.to(),
            null,
            "the backend's checkpoint is "
                + g.from()
                + " but the queue's first position is "
                + g.to()
                + ": the tasks in between were deleted by the queue's retention (or"
                + " acknowledged) before a backend commit covered them");
      }
      for (Map.Entry<String, long[]> t : start.tails().entrySet()) {
        admission.restoreTail(t.getKey(), (int) t.getValue()[0], t.getValue()[1]);
      }
      for (int p : assigned) {
        lanes[LaneScheduler.laneOf(p, lanes.length)].assign(p, start.from(), start.ends());
        long[] from = new long[queue.bands()];
        for (int b = 0; b < from.length; b++) {
          from[b] = start.from().position(p, b);
        }
        owned.put(p, from);
      }
      waitersChanged();
      if (first) {
        firstAssignment.complete(null);
        if (start.replayed() == 0) {
          replayVisible.complete(null);
        }
      }
      if (first) {
        LOG.debug("{}: owns partitions {}", settings.name(), assigned);
      } else {
        LOG.info("{}: now also owns partitions {}", settings.name(), assigned);
      }
    }

    @Override
    public void revoked(java.util.Set<Integer> revoked) {
      try {
        for (int p : revoked) {
          owned.remove(p);
          lanes[LaneScheduler.laneOf(p, lanes.length)].revoke(p);
        }
        if (!stopping()) {
          maintainer.commitNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IllegalStateException e) {
        LOG.warn(
            "{}: no commit before giving up partitions {}: {}; the next owner replays from the"
                + " last commit",
            settings.name(),
            revoked,
            e.getMessage());
      } finally {
        for (int p : revoked) {
          lanes[LaneScheduler.laneOf(p, lanes.length)].release(p);
        }
        waitersChanged();
      }
      LOG.info("{}: gave up partitions {}", settings.name(), revoked);
    }

    @Override
    public void arrived(int partition) {
      lanes[LaneScheduler.laneOf(partition, lanes.length)].dataArrived();
    }

    @Override
    public void lost(int partition, int band, long from, long to, String workspace, String reason) {
      reportLoss(partition, band, from, to, workspace, reason);
    }
  }

  /**
   * Tasks that can never be applied (see {@link dev.indexqueue.spi.PartitionListener#lost}): an
   * error in the log, and a REINDEX_WORKSPACE dead letter per affected workspace (the one named, or
   * every workspace of the partition the backend holds), whose replay is the way back. Not counted
   * as dead-lettered tasks: they were never read, so no counter of the shutdown report holds them.
   */
  private void reportLoss(
      int partition, int band, long from, long to, String workspace, String reason) {
    java.util.SortedSet<String> affected = new java.util.TreeSet<>();
    if (workspace != null && IndexTask.isValidWorkspace(workspace)) {
      affected.add(workspace);
    } else {
      try {
        for (String ws : backend.workspaces()) {
          if (Partitioning.partitionOf(ws, partitions) == partition) {
            affected.add(ws);
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot list the backend's workspaces: {}", settings.name(), e.toString());
      }
    }
    String what =
        "partition "
            + partition
            + (band == 1 ? " (urgent band)" : "")
            + ", positions "
            + from
            + " to "
            + (to - 1)
            + " ("
            + (to - from)
            + " task(s))";
    java.time.Instant now = settings.clock().now();
    for (String ws : affected) {
      deadLetters.add(
          new DeadLetter(
              new TaskId(partition, band, from),
              IndexTask.reindexWorkspace(ws),
              "lost before it was applied: " + what + ": " + reason,
              true,
              1,
              now,
              now));
    }
    LOG.error(
        "{}: LOST {}: {}. {}",
        settings.name(),
        what,
        reason,
        affected.isEmpty()
            ? "The index holds no workspace of partition "
                + partition
                + ": reindex every workspace whose name maps to it (Partitioning.partitionOf) from"
                + " its files"
            : "Stored "
                + affected.size()
                + " REINDEX_WORKSPACE dead letter(s) for "
                + affected
                + ": replaying them (deadLetters().replay(), with a workspace source) reindexes"
                + " those workspaces from their files");
  }

  // ------------------------------------------------------------------------------ submit

  @Override
  public Ticket submit(IndexTask task) {
    if (!settings.role().submits()) {
      throw new IllegalStateException(
          "IndexingService " + settings.name() + " is a WORKER: it applies tasks, submit refused");
    }
    TaskId id = admission.submit(task);
    return new DefaultTicket(id, task.workspace());
  }

  private final class DefaultTicket implements Ticket {
    private final TaskId id;
    private final String workspace;

    DefaultTicket(TaskId id, String workspace) {
      this.id = id;
      this.workspace = workspace;
    }

    @Override
    public TaskId id() {
      return id;
    }

    @Override
    public String workspace() {
      return workspace;
    }

    @Override
    public CompletableFuture<Ticket> future(TaskStage stage) {
      CompletableFuture<Void> f = progress.register(stage, workspace, id);
      if (!f.isDone()) {
        maintainer.roundMayBeDue();
        waitersChanged();
      }
      return f.thenApplyAsync(v -> this, callbacks);
    }

    @Override
    public String toString() {
      return "Ticket[" + workspace + " " + id + "]";
    }
  }

  // ------------------------------------------------------------------------------ waiting

  @Override
  public boolean awaitIndexReady(String workspace, Duration timeout) throws InterruptedException {
    IndexTask.checkWorkspace(workspace);
    long deadline = Settings.deadline(System.nanoTime(), timeout);
    TaskId last = admission.lastAccepted(workspace);
    try {
      if (!replayVisible.isDone()) {
        progress.addUntiedWaiter(TaskStage.VISIBLE, 1);
        try {
          maintainer.roundMayBeDue();
          replayVisible.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } finally {
          progress.addUntiedWaiter(TaskStage.VISIBLE, -1);
        }
      }
      if (last == null) {
        checkNotTerminated();
        return true;
      }
      CompletableFuture<Void> f = progress.register(TaskStage.VISIBLE, workspace, last);
      if (!f.isDone()) {
        maintainer.roundMayBeDue();
        waitersChanged();
      }
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TaskFailedException) {
          return true; // the last task was dead-lettered: nothing more will become visible
        }
        throw e;
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
    }
  }

  private void checkNotTerminated() {
    LifecycleState s = state.get();
    if (s == LifecycleState.FAILED) {
      throw new IllegalStateException("IndexingService " + settings.name() + " FAILED: " + failure);
    }
  }

  /** Tells the checkpoint watcher (if any) that a waiter was added or ownership changed. */
  private void waitersChanged() {
    CheckpointWatcher w = watcher;
    if (w != null) {
      w.changed();
    }
  }

  // ------------------------------------------------------------------------------ workers

  private final class WorkerHooks implements LaneWorker.Service {
    @Override
    public void stateLost(BackendStateLostException e) {
      maintainer.stateLost();
      int n = rewinds.incrementAndGet();
      counters.retried.increment();
      LOG.warn(
          "{}: the backend lost uncommitted work ({}); replaying from its last commit (rewind {})",
          settings.name(),
          e.getMessage(),
          n);
      backoff.await(
          settings
              .retryPolicy()
              .backoff(Math.min(n, 30), ThreadLocalRandom.current().nextDouble())
              .toNanos());
      control.requestRewind();
      wakeLanes();
    }

    @Override
    public void parkForRewind() throws InterruptedException {
      control.parkForRewind(DefaultIndexingService.this::rewind);
      // the rewind's own wake-up (Maintainer.rewound) comes before the request is cleared: a
      // maintainer that saw the request still set sleeps until woken again, and a replay with
      // nothing to apply would not wake it for the refresh that restores what searches saw
      maintainer.roundMayBeDue();
    }

    @Override
    public void fail(Error e) {
      DefaultIndexingService.this.fail(e);
    }
  }

  /** Runs with every lane parked: reads every lane again from the backend's commit. */
  private void rewind() {
    try {
      maintainer.awaitIdle();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Checkpoint cp = backend.startReplay();
    if (!cp.isNone() && !cp.hasLayout(partitions, queue.bands())) {
      cp = Checkpoint.none();
    }
    long forgotten = 0;
    for (LaneScheduler lane : lanes) {
      forgotten += lane.rewindTo(cp);
    }
    counters.replayed.add(forgotten);
    maintainer.rewound(cp);
    LOG.info(
        "{}: rewound to checkpoint {}; {} finished task(s) will be applied again",
        settings.name(),
        cp.encode(),
        forgotten);
  }

  private void fail(Error e) {
    while (true) {
      LifecycleState s = state.get();
      if (s == LifecycleState.FAILED || s == LifecycleState.STOPPED) {
        return;
      }
      failure = e.toString();
      if (state.compareAndSet(s, LifecycleState.FAILED)) {
        break;
      }
    }
    LOG.error(
        "{}: FAILED: {}. Workers stopped; nothing more is applied. Tasks of a persistent queue"
            + " beyond the last commit ({}) are kept for the next start.",
        settings.name(),
        e.toString(),
        maintainer.committed().encode(),
        e);
    admission.close();
    control.stop();
    backoff.cancel();
    maintainer.stop();
    if (watcher != null) {
      watcher.stop();
    }
    wakeLanes();
    progress.terminate(
        new IllegalStateException("IndexingService " + settings.name() + " FAILED: " + failure, e));
    replayVisible.completeExceptionally(
        new IllegalStateException("IndexingService FAILED: " + failure));
  }

  // ------------------------------------------------------------------------------ status

  @Override
  public QueueStatus queueStatus() {
    LifecycleState s = state.get();
    boolean stopped = closedResources;
    boolean running = false;
    for (Thread t : workers) {
      running |= t.isAlive();
    }
    List<LaneStatus> laneStatus = new ArrayList<>(lanes.length);
    List<PartitionStatus> partitionStatus = new ArrayList<>(partitions);
    long pending = 0;
    long inFlight = 0;
    long oldest = -1;
    Checkpoint committed = maintainer.committed();
    for (LaneScheduler lane : lanes) {
      LaneStatus ls = lane.status(stopped);
      laneStatus.add(ls);
      pending += ls.depth();
      inFlight += ls.inFlight();
      partitionStatus.addAll(lane.partitionStatus(committed, stopped));
      if (!stopped) {
        long o = lane.oldestPendingReadNanos();
        if (o >= 0 && (oldest < 0 || o < oldest)) {
          oldest = o;
        }
      }
    }
    partitionStatus.sort(Comparator.comparingInt(PartitionStatus::partition));
    long size = stopped ? 0 : queue.size();
    long capacity = stopped ? 0 : queue.capacity();
    return new QueueStatus(
        s,
        size,
        capacity,
        pending,
        inFlight,
        laneStatus,
        partitionStatus,
        running,
        s != LifecycleState.RUNNING && s != LifecycleState.NEW,
        counters.accepted.sum(),
        counters.replayed.sum(),
        counters.applied.sum(),
        counters.coalesced.sum(),
        counters.retried.sum(),
        counters.deadLettered.sum(),
        oldest < 0
            ? Duration.ZERO
            : Duration.ofNanos(Math.max(0, settings.clock().nanoTime() - oldest)),
        failure);
  }

  @Override
  public IndexStatus indexStatus(String workspace) {
    IndexTask.checkWorkspace(workspace);
    beforeRead(workspace);
    return IndexStatusCalculator.compute(
        workspace, settings.source(), backend.documents(workspace));
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
    if (!maintainer.noteRead() || !settings.role().applies()) {
      return; // a producer applies nothing: it reads what the backend shows
    }
    int partition = Partitioning.partitionOf(workspace, partitions);
    List<CompletableFuture<Void>> waits = new ArrayList<>(2);
    for (int band = 0; band < queue.bands(); band++) {
      long applied = progress.mark(TaskStage.APPLIED, workspace, band);
      if (applied >= 0) {
        CompletableFuture<Void> f =
            progress.register(TaskStage.VISIBLE, workspace, new TaskId(partition, band, applied));
        if (!f.isDone()) {
          waits.add(f);
        }
      }
    }
    if (waits.isEmpty()) {
      return;
    }
    maintainer.roundMayBeDue();
    try {
      CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]))
          .get(READ_REFRESH_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug(
          "{}: reading {} without a fresh refresh: {}", settings.name(), workspace, e.toString());
    }
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
    shutdown(settings.shutdownTimeout());
  }

  @Override
  public ShutdownReport shutdown(Duration timeout) {
    if (!shutdownClaimed.compareAndSet(false, true)) {
      // another caller runs the shutdown: wait for its report
      boolean interrupted = false;
      while (true) {
        try {
          return report.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException("shutdown failed", e.getCause());
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
    try {
      ShutdownReport r = runShutdown(timeout);
      report.complete(r);
      return r;
    } catch (RuntimeException | Error e) {
      report.completeExceptionally(e);
      throw e;
    }
  }

  private ShutdownReport runShutdown(Duration timeout) {
    long start = System.nanoTime();
    state.compareAndSet(LifecycleState.RUNNING, LifecycleState.DRAINING);
    admission.close();
    boolean drained = false;
    boolean interrupted = false;
    long deadline = Settings.deadline(start, timeout);
    try {
      // submits in progress get the timeout, and at least the grace: one stuck in the queue's
      // append (a cluster that does not answer) fails when the queue closes, or ends in the queue
      long submitsUntil = Math.max(deadline, Settings.deadline(start, settings.shutdownGrace()));
      long stuck = admission.awaitNoSubmits(submitsUntil);
      if (stuck > 0) {
        LOG.warn(
            "{}: {} submit(s) still waiting for the queue after {} ms; closing the queue anyway"
                + " (each fails, or its task stays in a persistent queue for the next start)",
            settings.name(),
            stuck,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
      if (state.get() == LifecycleState.DRAINING) {
        control.beginDrain();
        wakeLanes();
        drained = control.awaitDrained(deadline);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    control.stop();
    backoff.cancel();
    maintainer.stop();
    if (watcher != null) {
      watcher.stop();
    }
    wakeLanes();
    admission.wakeProducers();
    long graceEnd = Settings.deadline(System.nanoTime(), settings.shutdownGrace());
    boolean allStopped = true;
    List<Thread> threads = new ArrayList<>(workers);
    threads.add(maintainerThread);
    threads.add(committerThread);
    if (watcherThread != null) {
      threads.add(watcherThread);
    }
    for (Thread t : threads) {
      if (t == Thread.currentThread()) {
        continue;
      }
      long left = graceEnd - System.nanoTime();
      try {
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (t.isAlive()) {
        allStopped = false;
        LOG.warn(
            "{}: {} is still busy in the backend after the shutdown grace; closing anyway",
            settings.name(),
            t.getName());
      }
    }
    boolean failed = state.get() == LifecycleState.FAILED;
    if (!failed && allStopped) {
      try {
        maintainer.finalRound();
      } catch (RuntimeException e) {
        LOG.warn("{}: the final commit failed: {}", settings.name(), e.toString(), e);
      } catch (Error e) {
        fail(e);
        failed = true;
      }
    }
    long remaining = 0;
    for (LaneScheduler lane : lanes) {
      remaining += lane.unfinished();
    }
    progress.terminate(
        new IllegalStateException(
            "IndexingService " + settings.name() + " stopped before the task reached this stage"));
    replayVisible.completeExceptionally(new IllegalStateException("IndexingService stopped"));
    closedResources = true;
    closeQuietly(queue, "queue");
    closeQuietly(backend, "backend");
    state.compareAndSet(LifecycleState.DRAINING, LifecycleState.STOPPED);
    state.compareAndSet(LifecycleState.RUNNING, LifecycleState.STOPPED);
    if (ownedCallbackPool != null) {
      ownedCallbackPool.shutdown();
    }
    ShutdownReport r =
        new ShutdownReport(
            counters.accepted.sum(),
            counters.replayed.sum(),
            counters.applied.sum(),
            counters.coalesced.sum(),
            counters.deadLettered.sum(),
            remaining,
            !drained && !failed,
            Duration.ofNanos(System.nanoTime() - start));
    LOG.info("{}: {}", settings.name(), r);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return r;
  }

  private void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("{}: closing the {} failed: {}", settings.name(), what, e.toString(), e);
    }
  }

  /** The counters, for tests in this package. */
  long appliedCount() {
    return counters.applied.sum();
  }
}
