package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.TaskStage;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of commits and refreshes: decides when they are due and runs them on its two
 * threads (the maintainer thread plans, waits on the clock and refreshes; the committer thread
 * commits what the maintainer thread hands it, so that a refresh never waits for a commit's flush
 * and fsync), acknowledges the queue after each commit and wakes the waiters they reach. Lanes only
 * apply, and tell it what they applied. Modelled on Lucene's {@code
 * ControlledRealTimeReopenThread}: its own timed waits, woken early by waiters. Thread-safe: one
 * lock guards the policy state; no SPI call is made under it. The backend's {@code commit} and
 * {@code makeVisible} may therefore run at the same time (the SPI allows it); each is only ever
 * called by its one thread, one call at a time.
 *
 * <p>A commit is due when something was applied since the last one and: {@code maxTasks} were, or
 * {@code interval} passed, or the tasks a commit would release from the queue (applied,
 * dead-lettered or coalesced away since the last one) fill half of it, or a DURABLE waiter's task
 * is applied. A refresh is due when something was applied since the last one and: a VISIBLE
 * waiter's task is applied, or the replay is waited for, or the service is search-active and {@code
 * refreshInterval} passed, or the replay after a backend's loss of its uncommitted work has caught
 * up (so searches see again what they saw before the loss). When VISIBLE waiters are all a refresh
 * is for and the backend refreshes by workspace ({@code refreshesByWorkspace}), it refreshes only
 * the waiters' workspaces, so a waiter never waits for a flush of another shard's backlog. From a
 * loss until the lanes have rewound, no round runs and no refresh tells a waiter; what counted as
 * applied or visible beyond the commit counts no more. (A refresh every 1,000 applied tasks,
 * searched or not, would halve the wait of an urgent task behind a backlog, but cost a third of the
 * end-to-end throughput in smaller segments: measured and left out.) <b>Group commit</b> (and group
 * refresh): when a waiter's task is applied while another waiter's task is accepted into a
 * partition this process applies but not applied yet (it is on its way), the round waits for it —
 * at most as long as {@value #GROUP_COMMITS} commits (one refresh) took, and never past the
 * interval — so one commit covers every batch waiting at that moment. For the same reason an
 * interval commit waits, up to a second interval, while DURABLE waiters' tasks are on their way:
 * their commit will come within moments and covers it.
 */
final class Maintainer {
  private static final Logger LOG = LoggerFactory.getLogger(Maintainer.class);

  /** What one round does; the marks are per workspace, one position per band. */
  private record Round(
      boolean commit,
      Map<String, long[]> commitMarks,
      long committedTasks,
      boolean refresh,
      Map<String, long[]> refreshMarks,
      Set<String> refreshOnly,
      List<CompletableFuture<Void>> requests) {}

  /** A group commit waits for other waiters at most as long as this many commits take. */
  static final int GROUP_COMMITS = 4;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private final Condition commitReady = lock.newCondition();
  private final Condition waitedRefreshDone = lock.newCondition();

  /**
   * Whether a refresh that someone waits for runs now; lanes hold their next batch until it ends
   * (at most {@link #PAUSE_NANOS}), so that on a machine the backlog keeps busy the refresh an
   * urgent or other-lane task waits for gets the processor. Written under the lock.
   */
  private volatile boolean waitedRefreshRunning;

  /** The longest a lane holds its next batch for a waited refresh. */
  private static final long PAUSE_NANOS = 1_000_000_000L;

  private final String name;
  private final TaskQueue queue;
  private final IndexBackend backend;
  private final IndexClock clock;
  private final Progress progress;
  private final LaneScheduler[] lanes;
  private final LaneControl control;
  private final IndexingListener listener;
  private final int partitions;
  private final int bands;
  private final long capacity;
  private final int commitMaxTasks;
  private final long commitIntervalNanos;

  /** Whether the backend refreshes single workspaces for less ({@code refreshesByWorkspace}). */
  private final boolean byWorkspace;

  private final long refreshIntervalNanos;
  private final long searchIdleNanos;

  /**
   * The queue is shared and the backend's refreshes reach other processes (docs/DESIGN.md §12.1):
   * readers and waiters are elsewhere, so interval refreshes always run, and a commit is followed
   * by a refresh within one refresh interval (other nodes learn what is visible from the backend's
   * visible checkpoint, which only a refresh after the commit moves past the committed tasks). A
   * backend only this process searches ({@link IndexBackend#refreshesReachOtherProcesses()} false,
   * a Lucene writer) is refreshed as on a queue of its own.
   */
  private final boolean shared;

  private final Runnable spaceFreed;
  private final Runnable wakeLanes;
  private final Consumer<Error> fail;
  private final CompletableFuture<Void> replayVisible;

  /** The last committed checkpoint (merged); read by admission and status without the lock. */
  private volatile Checkpoint committed;

  // ---- guarded by lock
  private long appliedSinceCommit;

  /**
   * Tasks the next commit's acknowledge releases from the queue: applied and dead-lettered ones and
   * those coalesced away (superseded, never applied). Coalesced tasks hold queue space until a
   * commit covers them too, so a queue full of them must be committed as one full of applied ones.
   */
  private long releasableSinceCommit;

  private boolean appliedSinceRefresh;
  private long lastCommitNanos;
  private long lastRefreshNanos;
  private long commitTookNanos;
  private long refreshTookNanos;
  private long commitRetryAt = Long.MIN_VALUE;
  private long refreshRetryAt = Long.MIN_VALUE;
  private final long[] reachedSince = {-1, -1, -1};
  private final Map<String, long[]> appliedMarks = new HashMap<>();
  private final Set<String> changedSinceCommit = new HashSet<>();
  private final Set<String> changedSinceRefresh = new HashSet<>();
  private long lastReadNanos;
  private boolean readSeen;
  private int roundsRunning;

  /** A commit planned by the maintainer thread, not yet taken by the committer thread. */
  private Round commitJob;

  /** Whether the committer thread runs a commit now. */
  private boolean committing;

  private boolean stopped;

  /**
   * The backend lost its uncommitted work and the lanes have not rewound yet: a refresh now tells
   * no waiter, since what it shows may lack tasks that counted as visible.
   */
  private boolean lost;

  /**
   * The lanes rewound after a loss and replay what the backend lost: once they have finished every
   * task accepted before the rewind, one refresh restores what searches saw before the loss, even
   * when nobody waits and nobody searches.
   */
  private boolean restoring;

  /**
   * Batches a lane has marked finished ({@link LaneScheduler#completed}) but not yet reported
   * ({@link #batchApplied}): while one is, a lane may show its replay finished before this knows
   * the last batch's marks, and a refresh planned then would not tell its waiters. Incremented
   * before the lane marks the batch and read after the lanes' state (the lane's lock orders the
   * two: a finished replay seen comes with its count), decremented under {@link #lock} with the
   * report.
   */
  private final java.util.concurrent.atomic.AtomicInteger reporting =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Callers of {@link #commitNow} waiting for the next round, which commits whatever applied. */
  private final java.util.List<CompletableFuture<Void>> commitRequests =
      new java.util.ArrayList<>();

  Maintainer(
      Settings settings,
      Progress progress,
      LaneScheduler[] lanes,
      LaneControl control,
      Checkpoint committed,
      Runnable spaceFreed,
      Runnable wakeLanes,
      Consumer<Error> fail,
      CompletableFuture<Void> replayVisible) {
    this.name = settings.name();
    this.queue = settings.queue();
    this.backend = settings.backend();
    this.clock = settings.clock();
    this.listener = settings.listener();
    this.progress = progress;
    this.lanes = lanes;
    this.control = control;
    this.partitions = queue.partitions();
    this.bands = queue.bands();
    this.capacity = queue.capacity();
    this.commitMaxTasks = settings.commitPolicy().maxTasks();
    this.commitIntervalNanos = Settings.saturatedNanos(settings.commitPolicy().interval());
    this.refreshIntervalNanos = Settings.saturatedNanos(settings.refreshInterval());
    this.searchIdleNanos = Settings.saturatedNanos(settings.searchIdleAfter());
    this.shared = queue.isShared() && backend.refreshesReachOtherProcesses();
    this.byWorkspace = backend.refreshesByWorkspace();
    this.committed = committed;
    this.spaceFreed = spaceFreed;
    this.wakeLanes = wakeLanes;
    this.fail = fail;
    this.replayVisible = replayVisible;
    long now = clock.nanoTime();
    this.lastCommitNanos = now;
    this.lastRefreshNanos = now;
  }

  /** The last committed checkpoint. */
  Checkpoint committed() {
    return committed;
  }

  // ---------------------------------------------------------------- told by others

  /**
   * A lane applied (or dead-lettered) {@code tasks}; {@code marks} is how far each workspace got.
   */
  void batchApplied(int tasks, int coalesced, Map<String, long[]> marks) {
    lock.lock();
    try {
      reporting.decrementAndGet();
      for (Map.Entry<String, long[]> m : marks.entrySet()) {
        long[] v = m.getValue();
        long[] cur = appliedMarks.get(m.getKey());
        if (cur == null) {
          appliedMarks.put(m.getKey(), v.clone());
        } else {
          cur[0] = Math.max(cur[0], v[0]);
          cur[1] = Math.max(cur[1], v[1]);
        }
      }
      changedSinceCommit.addAll(marks.keySet());
      changedSinceRefresh.addAll(marks.keySet());
      appliedSinceCommit += tasks;
      releasableSinceCommit += tasks + (long) coalesced;
      appliedSinceRefresh = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * A lane is about to mark a batch finished; {@link #batchApplied} or {@link #batchAbandoned}
   * follows on the same thread.
   */
  void batchCompleting() {
    reporting.incrementAndGet();
  }

  /** A batch announced by {@link #batchCompleting} will not be reported (the backend lost it). */
  void batchAbandoned() {
    lock.lock();
    try {
      reporting.decrementAndGet();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Someone started waiting for a stage, or a rewind ended: a round may be due now. */
  void roundMayBeDue() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Notes a read (search or index status) now.
   *
   * @return whether the service was search-idle before it
   */
  boolean noteRead() {
    lock.lock();
    try {
      long now = clock.nanoTime();
      boolean wasIdle = !searchActive(now);
      readSeen = true;
      lastReadNanos = now;
      return wasIdle;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread after its current round. */
  void stop() {
    List<CompletableFuture<Void>> waiting;
    lock.lock();
    try {
      stopped = true;
      wake.signalAll();
      commitReady.signalAll();
      waitedRefreshDone.signalAll();
      idle.signalAll();
      waiting = new ArrayList<>(commitRequests);
      commitRequests.clear();
    } finally {
      lock.unlock();
    }
    for (CompletableFuture<Void> f : waiting) {
      f.completeExceptionally(new IllegalStateException("the service stopped before the commit"));
    }
  }

  /**
   * Asks for a commit now, even if nothing was applied since the last one (the checkpoint may have
   * moved: a partition is given up), and waits until a round made it.
   *
   * @throws IllegalStateException when the service stops first, or the commit failed
   */
  void commitNow() throws InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    lock.lock();
    try {
      if (stopped) {
        throw new IllegalStateException("the service stopped before the commit");
      }
      commitRequests.add(done);
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      done.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the commit failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Called by a lane before it takes its next batch: while a refresh that someone waits for runs,
   * waits for its end (at most {@link #PAUSE_NANOS}).
   */
  void awaitWaitedRefresh() throws InterruptedException {
    if (!waitedRefreshRunning) {
      return;
    }
    lock.lock();
    try {
      long left = PAUSE_NANOS;
      while (waitedRefreshRunning && !stopped && left > 0) {
        left = waitedRefreshDone.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no round runs; rounds do not start while a rewind is requested. */
  void awaitIdle() throws InterruptedException {
    lock.lock();
    try {
      while (roundsRunning > 0 && !stopped) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The backend lost its uncommitted work (a lane's apply or a commit said so): what was applied or
   * visible beyond the last commit is gone, so waiters registered from now on wait for the replay
   * to apply and refresh it again ({@code awaitIndexReady} too), and refreshes tell no waiter until
   * the lanes have {@link #rewound}.
   */
  void stateLost() {
    lock.lock();
    try {
      lost = true;
      lowerToCommitted();
    } finally {
      lock.unlock();
    }
  }

  /** Lowers the APPLIED and VISIBLE marks to the DURABLE ones (holds the lock). */
  private void lowerToCommitted() {
    progress.lowerTo(TaskStage.APPLIED, TaskStage.DURABLE);
    progress.lowerTo(TaskStage.VISIBLE, TaskStage.DURABLE);
  }

  /**
   * The backend lost what it applied after its last commit and the lanes read again from there:
   * nothing beyond the commit counts as applied any more. What was committed survived, and is still
   * to be made visible where it was not yet.
   */
  void rewound(Checkpoint checkpoint) {
    lock.lock();
    try {
      lost = false;
      restoring = true;
      lowerToCommitted();
      Map<String, long[]> committedMarks = new HashMap<>();
      for (Map.Entry<String, long[]> m : appliedMarks.entrySet()) {
        String ws = m.getKey();
        long[] applied = m.getValue();
        int partition = Partitioning.partitionOf(ws, partitions);
        long[] kept = new long[2];
        boolean raised = false;
        for (int b = 0; b < 2; b++) {
          long durable = progress.mark(TaskStage.DURABLE, ws, b);
          // everything of the workspace applied below the commit's checkpoint is in the commit,
          // also what the commit's marks missed (applied between its planning and its checkpoint)
          boolean inCommit =
              b < bands
                  && !checkpoint.isNone()
                  && checkpoint.hasLayout(partitions, bands)
                  && checkpoint.covers(partition, b)
                  && applied[b] < checkpoint.position(partition, b);
          kept[b] = inCommit ? applied[b] : Math.min(applied[b], durable);
          raised |= kept[b] > durable;
        }
        if (kept[0] >= 0 || kept[1] >= 0) {
          committedMarks.put(ws, kept);
          if (raised) {
            progress.advance(TaskStage.DURABLE, ws, kept);
          }
          // the loss lowered APPLIED to the DURABLE marks, which may lag behind the commit (a
          // commit whose marks were not yet advanced, or planned before the lanes finished what its
          // checkpoint covers): what the commit holds is applied and is not replayed, so raise it
          // here, or an APPLIED waiter for it waits forever
          progress.advance(TaskStage.APPLIED, ws, kept);
          if (kept[0] > progress.mark(TaskStage.VISIBLE, ws, 0)
              || kept[1] > progress.mark(TaskStage.VISIBLE, ws, 1)) {
            changedSinceRefresh.add(ws); // committed, to be made visible (again)
          }
        }
      }
      appliedMarks.clear();
      appliedMarks.putAll(committedMarks);
      changedSinceCommit.clear();
      changedSinceRefresh.retainAll(committedMarks.keySet());
      appliedSinceCommit = 0;
      releasableSinceCommit = 0;
      appliedSinceRefresh = !changedSinceRefresh.isEmpty();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- the threads

  /**
   * The body of the maintainer thread: the only one that plans and waits on the clock (one
   * timeline, also for a test's manual clock). It runs the refreshes itself and hands each commit
   * to the committer thread, so a refresh never waits behind a commit's flush and sync.
   */
  Runnable maintainer() {
    return this::planAndRefresh;
  }

  /** The body of the committer thread: runs the commits the maintainer thread hands it. */
  Runnable committer() {
    return this::commitJobs;
  }

  private void planAndRefresh() {
    guarded(
        () -> {
          while (true) {
            Round round;
            lock.lock();
            try {
              while (true) {
                if (stopped) {
                  return;
                }
                long now = clock.nanoTime();
                boolean rewinding = control.rewindRequested();
                if (!rewinding && commitJob == null && !committing) {
                  Round c = plan(now, false, true, false);
                  if (c != null) {
                    commitJob = c;
                    roundsRunning++;
                    commitReady.signalAll();
                  }
                }
                round = rewinding ? null : plan(now, false, false, true);
                if (round != null) {
                  break;
                }
                long wait =
                    rewinding
                        ? Long.MAX_VALUE
                        : Math.min(
                            commitJob != null || committing
                                ? Long.MAX_VALUE
                                : nanosUntilCommitDue(now),
                            nanosUntilRefreshDue(now));
                if (wait == Long.MAX_VALUE) {
                  wake.await();
                } else {
                  clock.awaitNanos(wake, wait);
                }
              }
              roundsRunning++;
              waitedRefreshRunning =
                  progress.waiting(TaskStage.VISIBLE) > 0 || progress.untied(TaskStage.VISIBLE) > 0;
            } finally {
              lock.unlock();
            }
            runRound(
                round,
                () -> {
                  waitedRefreshRunning = false;
                  waitedRefreshDone.signalAll();
                });
          }
        },
        "refreshes");
  }

  private void commitJobs() {
    guarded(
        () -> {
          while (true) {
            Round round;
            lock.lock();
            try {
              // a job handed over is run even when stopping: its tasks count as committed
              while (commitJob == null) {
                if (stopped) {
                  return;
                }
                commitReady.await();
              }
              round = commitJob;
              commitJob = null;
              committing = true;
            } finally {
              lock.unlock();
            }
            runRound(
                round,
                () -> {
                  committing = false;
                  wake.signalAll();
                });
          }
        },
        "commits");
  }

  /**
   * Runs a round counted in {@code roundsRunning}; then, under the lock, counts it out and runs
   * {@code ended} (the thread's own bookkeeping).
   */
  private void runRound(Round round, Runnable ended) {
    try {
      execute(round);
    } finally {
      lock.lock();
      try {
        ended.run();
        roundsRunning--;
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private interface Body {
    void run() throws InterruptedException;
  }

  private void guarded(Body body, String what) {
    try {
      body.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("{}: maintainer interrupted; {} stop", name, what);
    } catch (Error e) {
      fail.accept(e);
    } catch (RuntimeException e) {
      fail.accept(new AssertionError("maintainer crashed: " + e, e));
    }
  }

  /**
   * One last round at shutdown, on the caller's thread once the maintainer thread has stopped:
   * commits and refreshes whatever was applied.
   */
  void finalRound() {
    Round round;
    lock.lock();
    try {
      round = plan(clock.nanoTime(), true, true, true);
    } finally {
      lock.unlock();
    }
    if (round != null) {
      execute(round);
    }
  }

  // ---------------------------------------------------------------- policy (holds the lock)

  private Round plan(long now, boolean force, boolean commits, boolean refreshes) {
    if (lost && !force) {
      return null; // the backend refuses until the lanes rewound (rewound() wakes the planner)
    }
    boolean requested = commits && !commitRequests.isEmpty();
    boolean commit =
        commits && (requested || (appliedSinceCommit > 0 && (force || commitDue(now))));
    boolean refresh = refreshes && appliedSinceRefresh && (force || refreshDue(now));
    if (!commit && !refresh) {
      return null;
    }
    List<CompletableFuture<Void>> requests = List.of();
    if (requested) {
      requests = new ArrayList<>(commitRequests);
      commitRequests.clear();
    }
    Map<String, long[]> commitMarks = Map.of();
    long tasks = 0;
    if (commit) {
      commitMarks = marksOf(changedSinceCommit);
      changedSinceCommit.clear();
      tasks = appliedSinceCommit;
      appliedSinceCommit = 0;
      releasableSinceCommit = 0;
      lastCommitNanos = now;
      reachedSince[TaskStage.DURABLE.ordinal()] = -1;
    }
    Map<String, long[]> refreshMarks = Map.of();
    Set<String> refreshOnly = null;
    if (refresh) {
      refreshOnly = force ? null : waitersOnly(now);
      if (refreshOnly == null) {
        refreshMarks = marksOf(changedSinceRefresh);
        changedSinceRefresh.clear();
        appliedSinceRefresh = false;
        lastRefreshNanos = now; // a targeted refresh leaves searches their interval refresh
      } else {
        refreshMarks = marksOf(refreshOnly);
        changedSinceRefresh.removeAll(refreshOnly);
        appliedSinceRefresh = !changedSinceRefresh.isEmpty();
      }
      reachedSince[TaskStage.VISIBLE.ordinal()] = -1;
    }
    return new Round(commit, commitMarks, tasks, refresh, refreshMarks, refreshOnly, requests);
  }

  /**
   * The workspaces a due refresh needs to make visible when VISIBLE waiters are all it is for and
   * the backend refreshes by workspace: those changed since the last refresh whose waiters' tasks
   * are applied. Null when the refresh must show everything: the backend refreshes only as a whole,
   * the queue is shared, the replay is awaited or restored, searches are due their interval
   * refresh, or no such workspace is found (holds the lock).
   */
  private Set<String> waitersOnly(long now) {
    if (!byWorkspace
        || shared
        || replayAwaited()
        || restored()
        || (searchActive(now) && now - lastRefreshNanos >= refreshIntervalNanos)) {
      return null;
    }
    Set<String> only = new HashSet<>();
    progress.forEachWaited(
        TaskStage.VISIBLE,
        (ws, partition, band, lowest, highest) -> {
          long[] applied = appliedMarks.get(ws);
          if (applied != null && lowest <= applied[band] && changedSinceRefresh.contains(ws)) {
            only.add(ws);
          }
          return true;
        });
    return only.isEmpty() ? null : only;
  }

  private Map<String, long[]> marksOf(Set<String> workspaces) {
    Map<String, long[]> marks = new HashMap<>();
    for (String ws : workspaces) {
      long[] m = appliedMarks.get(ws);
      if (m != null) {
        marks.put(ws, m.clone());
      }
    }
    return marks;
  }

  private boolean commitDue(long now) {
    if (now < commitRetryAt) {
      return false;
    }
    if (appliedSinceCommit >= commitMaxTasks || releasableSinceCommit * 2 >= capacity) {
      return true;
    }
    int waiters = waiters(TaskStage.DURABLE, now);
    if (waitersDue(TaskStage.DURABLE, waiters, now, commitGroupDelay())) {
      return true;
    }
    return now - lastCommitNanos >= commitInterval(waiters);
  }

  /**
   * How long a commit that would complete a DURABLE waiter waits for other waiters' tasks on their
   * way: as long as {@value #GROUP_COMMITS} commits take (the commits it saves cost more when that
   * many batches join), never past the commit interval.
   */
  private long commitGroupDelay() {
    return Math.min(commitIntervalNanos, GROUP_COMMITS * commitTookNanos);
  }

  /** The interval after which a commit is due: doubled while DURABLE waiters' tasks are coming. */
  private long commitInterval(int waiters) {
    return (waiters & ON_THEIR_WAY) != 0
        ? Settings.saturatedAdd(commitIntervalNanos, commitIntervalNanos)
        : commitIntervalNanos;
  }

  private boolean refreshDue(long now) {
    if (now < refreshRetryAt) {
      return false;
    }
    return replayAwaited()
        || restored()
        || (searchActive(now) && now - lastRefreshNanos >= refreshIntervalNanos)
        || waitersDue(
            TaskStage.VISIBLE,
            waiters(TaskStage.VISIBLE, now),
            now,
            Math.min(refreshTookNanos, refreshIntervalNanos));
  }

  /**
   * Whether someone waits for the replay at start ({@code awaitIndexReady} before it is visible: an
   * untied VISIBLE waiter) and the replay has finished: one refresh then shows all of it. A refresh
   * before the replay finished would not release that waiter; refreshing after every replayed batch
   * made a small segment per batch, and merges, on the way to a restart's first VISIBLE (holds the
   * lock).
   */
  private boolean replayAwaited() {
    return progress.untied(TaskStage.VISIBLE) > 0 && replayFinished();
  }

  /** Whether the replay after a loss has finished what was accepted before it (holds the lock). */
  private boolean restored() {
    return restoring && replayFinished();
  }

  private boolean searchActive(long now) {
    return shared
        || searchIdleNanos == Long.MAX_VALUE
        || (readSeen && now - lastReadNanos < searchIdleNanos);
  }

  /** {@link #waiters}: some waiter's task is applied. */
  private static final int REACHED = 1;

  /**
   * {@link #waiters}: some waiter's task is not applied yet but accepted into a partition this
   * process applies: it is on its way.
   */
  private static final int ON_THEIR_WAY = 2;

  /**
   * What the waiters for {@code stage} wait for: {@link #REACHED} and/or {@link #ON_THEIR_WAY}.
   * Records in {@code reachedSince} when a waiter's task was first seen applied.
   */
  private int waiters(TaskStage stage, long now) {
    if (progress.waiting(stage) == 0) {
      reachedSince[stage.ordinal()] = -1;
      return 0;
    }
    int[] seen = {0};
    progress.forEachWaited(
        stage,
        (ws, partition, band, lowest, highest) -> {
          long[] applied = appliedMarks.get(ws);
          long mark = applied == null ? -1 : applied[band];
          if (lowest <= mark) {
            seen[0] |= REACHED;
          }
          if (highest > mark
              && partition >= 0
              && lanes[LaneScheduler.laneOf(partition, lanes.length)].readPosition(partition, band)
                  != Long.MAX_VALUE) {
            // MAX_VALUE: a partition this process does not own; its tasks are not on their way
            seen[0] |= ON_THEIR_WAY;
          }
          return seen[0] != (REACHED | ON_THEIR_WAY);
        });
    if ((seen[0] & REACHED) == 0) {
      reachedSince[stage.ordinal()] = -1;
    } else if (reachedSince[stage.ordinal()] < 0) {
      reachedSince[stage.ordinal()] = now;
    }
    return seen[0];
  }

  /**
   * Whether a round now would complete a waiter of {@code stage}: some waiter's task is applied,
   * and no other waiter's task is on its way (or the group delay is over).
   */
  private boolean waitersDue(TaskStage stage, int waiters, long now, long groupDelayNanos) {
    if ((waiters & REACHED) == 0) {
      return false;
    }
    return (waiters & ON_THEIR_WAY) == 0 || now - reachedSince[stage.ordinal()] >= groupDelayNanos;
  }

  private long nanosUntilCommitDue(long now) {
    if (appliedSinceCommit == 0) {
      return Long.MAX_VALUE;
    }
    int waiters = waiters(TaskStage.DURABLE, now);
    long due = Settings.saturatedAdd(lastCommitNanos, commitInterval(waiters));
    if (reachedSince[TaskStage.DURABLE.ordinal()] >= 0) {
      due = Math.min(due, reachedSince[TaskStage.DURABLE.ordinal()] + commitGroupDelay());
    }
    return afterRetryDelay(Math.max(1, due - now), commitRetryAt, now);
  }

  private long nanosUntilRefreshDue(long now) {
    if (!appliedSinceRefresh) {
      return Long.MAX_VALUE;
    }
    long due = Long.MAX_VALUE;
    if (replayAwaited() || restored()) {
      due = now; // due but for a failed refresh's retry delay
    }
    if (searchActive(now)) {
      due = Math.min(due, Settings.saturatedAdd(lastRefreshNanos, refreshIntervalNanos));
    }
    waiters(TaskStage.VISIBLE, now);
    if (reachedSince[TaskStage.VISIBLE.ordinal()] >= 0) {
      due =
          Math.min(
              due,
              reachedSince[TaskStage.VISIBLE.ordinal()]
                  + Math.min(refreshTookNanos, refreshIntervalNanos));
    }
    if (due == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return afterRetryDelay(Math.max(1, due - now), refreshRetryAt, now);
  }

  /** {@code wait}, or longer while a failed round's retry delay (until {@code retryAt}) runs. */
  private static long afterRetryDelay(long wait, long retryAt, long now) {
    return retryAt > now ? Math.max(wait, retryAt - now) : wait;
  }

  // ---------------------------------------------------------------- a round (no lock held)

  private void execute(Round round) {
    boolean commitFailed = false;
    boolean refreshFailed = false;
    RuntimeException commitFailure = null;
    if (round.commit()) {
      long[] positions = new long[partitions * bands];
      java.util.Arrays.fill(positions, Checkpoint.NOT_COVERED);
      for (LaneScheduler lane : lanes) {
        lane.checkpoint(positions);
      }
      Checkpoint cp = Checkpoint.of(partitions, bands, positions);
      try {
        long started = clock.nanoTime();
        backend.commit(cp);
        long took = clock.nanoTime() - started;
        committed =
            committed.isNone() || !committed.hasLayout(partitions, bands)
                ? cp
                : committed.mergedWith(cp);
        for (LaneScheduler lane : lanes) {
          lane.committed(cp);
        }
        for (int p = 0; p < partitions; p++) {
          for (int b = 0; b < bands; b++) {
            if (cp.covers(p, b)) {
              queue.acknowledge(p, b, cp.position(p, b));
            }
          }
        }
        spaceFreed.run();
        notifyListener(l -> l.committed(round.committedTasks(), took));
        progress.advanceAll(TaskStage.DURABLE, round.commitMarks());
        lock.lock();
        try {
          commitTookNanos = took;
          if (shared && !round.refresh()) {
            appliedSinceRefresh =
                true; // a refresh within one interval moves the visible checkpoint
          }
        } finally {
          lock.unlock();
        }
      } catch (BackendStateLostException e) {
        LOG.warn("{}: the backend lost uncommitted work during a commit: {}", name, e.toString());
        stateLost();
        commitFailure = e;
        control.requestRewind();
        wakeLanes.run();
      } catch (RuntimeException e) {
        commitFailed = true;
        commitFailure = e;
        LOG.warn("{}: commit failed; will retry: {}", name, e.toString(), e);
      }
      for (CompletableFuture<Void> f : round.requests()) {
        if (commitFailure == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(commitFailure);
        }
      }
    }
    if (round.refresh()) {
      // only a refresh of everything shows the whole replay (a targeted one shows its workspaces)
      boolean replayed = round.refreshOnly() == null && replayFinished();
      boolean replayDone = !replayVisible.isDone() && replayed;
      try {
        long started = clock.nanoTime();
        if (round.refreshOnly() == null) {
          backend.makeVisible();
        } else {
          backend.makeVisible(round.refreshOnly());
        }
        long took = clock.nanoTime() - started;
        notifyListener(l -> l.refreshed(took)); // before the waiters it releases
        boolean told;
        lock.lock();
        try {
          refreshTookNanos = took;
          // under the lock, so a loss cannot come between the check and the marks: the marks are
          // lowered after this, or this refresh tells no one
          told = !lost;
          if (told) {
            progress.advanceAll(TaskStage.VISIBLE, round.refreshMarks());
            if (replayed) {
              restoring = false; // this refresh shows everything the loss took
            }
          } else {
            // to be refreshed again after the rewind, where committed (rewound keeps those)
            changedSinceRefresh.addAll(round.refreshMarks().keySet());
            appliedSinceRefresh = true;
          }
        } finally {
          lock.unlock();
        }
        if (replayDone && told) {
          replayVisible.complete(null);
        }
      } catch (RuntimeException e) {
        refreshFailed = true;
        LOG.warn("{}: refresh failed; will retry: {}", name, e.toString(), e);
      }
    }
    if (commitFailed || refreshFailed) {
      lock.lock();
      try {
        long now = clock.nanoTime();
        if (commitFailed) {
          changedSinceCommit.addAll(round.commitMarks().keySet());
          appliedSinceCommit += Math.max(1, round.committedTasks());
          releasableSinceCommit += Math.max(1, round.committedTasks());
          commitRetryAt = now + Math.min(commitIntervalNanos, 1_000_000_000L);
        }
        if (refreshFailed) {
          changedSinceRefresh.addAll(round.refreshMarks().keySet());
          appliedSinceRefresh = true;
          refreshRetryAt = now + Math.min(refreshIntervalNanos, 1_000_000_000L);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean replayFinished() {
    for (LaneScheduler lane : lanes) {
      if (!lane.replayFinished()) {
        return false;
      }
    }
    // after the lanes, not before: a lane counts a batch in reporting before it marks it finished,
    // so a finished replay seen above comes with its last batch's count here, unless reported
    return reporting.get() == 0;
  }

  private void notifyListener(Consumer<IndexingListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("{}: listener {} failed: {}", name, listener, e.toString(), e);
    }
  }
}
