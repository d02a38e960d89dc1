package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.TaskStage;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
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
 * The one owner of commits and refreshes: decides when they are due, runs them on its own thread,
 * acknowledges the queue after each commit and wakes the waiters they reach. Lanes only apply, and
 * tell it what they applied. Modelled on Lucene's {@code ControlledRealTimeReopenThread}: one
 * thread, its own timed wait, woken early by waiters. Thread-safe: one lock guards the policy
 * state; no SPI call is made under it.
 *
 * <p>A commit is due when something was applied since the last one and: {@code maxTasks} were, or
 * {@code interval} passed, or the applied-but-uncommitted tasks fill half the queue, or a DURABLE
 * waiter's task is applied. A refresh is due when something was applied since the last one and: a
 * VISIBLE waiter's task is applied, or the replay is waited for, or the service is search-active
 * and {@code refreshInterval} passed. <b>Group commit</b>: when a waiter's task is applied while
 * another waiter's task is already read into a lane (so it will be applied within moments), the
 * round waits for it — at most as long as the last commit (or refresh) took, and never past the
 * interval — so one commit covers every batch waiting at that moment.
 */
final class Maintainer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Maintainer.class);

  /** What one round does; the marks are per workspace, one position per band. */
  private record Round(
      boolean commit,
      Map<String, long[]> commitMarks,
      long committedTasks,
      boolean refresh,
      Map<String, long[]> refreshMarks,
      List<CompletableFuture<Void>> requests) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Condition idle = lock.newCondition();

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
  private final long refreshIntervalNanos;
  private final long searchIdleNanos;

  /**
   * The queue is shared (docs/DESIGN.md §12.1): readers and waiters are elsewhere, so interval
   * refreshes always run, and a commit is followed by a refresh within one refresh interval (other
   * nodes learn what is visible from the backend's visible checkpoint, which only a refresh after
   * the commit moves past the committed tasks).
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
  private boolean roundRunning;
  private boolean stopped;

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
    this.shared = queue.isShared();
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
  void batchApplied(int tasks, Map<String, long[]> marks) {
    lock.lock();
    try {
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
      appliedSinceRefresh = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Someone started waiting for a stage: a round may be due now. */
  void waiterAdded() {
    lock.lock();
    try {
      wake.signal();
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

  /** Waits until no round runs; rounds do not start while a rewind is requested. */
  void awaitIdle() throws InterruptedException {
    lock.lock();
    try {
      while (roundRunning && !stopped) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The backend lost what it applied after its last commit and the lanes read again from there:
   * nothing beyond the commit counts as applied any more. What was committed survived, and is still
   * to be made visible where it was not yet.
   */
  void rewound() {
    lock.lock();
    try {
      Map<String, long[]> committedMarks = new HashMap<>();
      for (Map.Entry<String, long[]> m : appliedMarks.entrySet()) {
        String ws = m.getKey();
        long[] kept = {
          Math.min(m.getValue()[0], progress.mark(TaskStage.DURABLE, ws, 0)),
          Math.min(m.getValue()[1], progress.mark(TaskStage.DURABLE, ws, 1))
        };
        if (kept[0] >= 0 || kept[1] >= 0) {
          committedMarks.put(ws, kept);
        }
      }
      appliedMarks.clear();
      appliedMarks.putAll(committedMarks);
      changedSinceCommit.clear();
      changedSinceRefresh.retainAll(committedMarks.keySet());
      appliedSinceCommit = 0;
      appliedSinceRefresh = !changedSinceRefresh.isEmpty();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- the thread

  @Override
  public void run() {
    try {
      while (true) {
        Round round;
        lock.lock();
        try {
          while (true) {
            if (stopped) {
              return;
            }
            long now = clock.nanoTime();
            round = control.rewindRequested() ? null : plan(now, false);
            if (round != null) {
              break;
            }
            long wait = control.rewindRequested() ? Long.MAX_VALUE : nanosUntilDue(now);
            if (wait == Long.MAX_VALUE) {
              wake.await();
            } else {
              clock.awaitNanos(wake, wait);
            }
          }
          roundRunning = true;
        } finally {
          lock.unlock();
        }
        try {
          execute(round);
        } finally {
          lock.lock();
          try {
            roundRunning = false;
            idle.signalAll();
          } finally {
            lock.unlock();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("{}: maintainer interrupted; commits and refreshes stop", name);
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
      round = plan(clock.nanoTime(), true);
    } finally {
      lock.unlock();
    }
    if (round != null) {
      execute(round);
    }
  }

  // ---------------------------------------------------------------- policy (holds the lock)

  private Round plan(long now, boolean force) {
    boolean requested = !commitRequests.isEmpty();
    boolean commit = requested || (appliedSinceCommit > 0 && (force || commitDue(now)));
    boolean refresh = appliedSinceRefresh && (force || refreshDue(now));
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
      lastCommitNanos = now;
      reachedSince[TaskStage.DURABLE.ordinal()] = -1;
    }
    Map<String, long[]> refreshMarks = Map.of();
    if (refresh) {
      refreshMarks = marksOf(changedSinceRefresh);
      changedSinceRefresh.clear();
      appliedSinceRefresh = false;
      lastRefreshNanos = now;
      reachedSince[TaskStage.VISIBLE.ordinal()] = -1;
    }
    return new Round(commit, commitMarks, tasks, refresh, refreshMarks, requests);
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
    return appliedSinceCommit >= commitMaxTasks
        || now - lastCommitNanos >= commitIntervalNanos
        || appliedSinceCommit * 2 >= capacity
        || waitersDue(TaskStage.DURABLE, now, Math.min(commitTookNanos, commitIntervalNanos));
  }

  private boolean refreshDue(long now) {
    if (now < refreshRetryAt) {
      return false;
    }
    return progress.untied(TaskStage.VISIBLE) > 0
        || (searchActive(now) && now - lastRefreshNanos >= refreshIntervalNanos)
        || waitersDue(TaskStage.VISIBLE, now, Math.min(refreshTookNanos, refreshIntervalNanos));
  }

  private boolean searchActive(long now) {
    return shared
        || searchIdleNanos == Long.MAX_VALUE
        || (readSeen && now - lastReadNanos < searchIdleNanos);
  }

  /**
   * Whether a round now would complete a waiter of {@code stage}: some waiter's task is applied,
   * and no other waiter's task is read and about to be applied (or the group delay is over).
   */
  private boolean waitersDue(TaskStage stage, long now, long groupDelayNanos) {
    if (progress.waiting(stage) == 0) {
      reachedSince[stage.ordinal()] = -1;
      return false;
    }
    boolean[] seen = new boolean[2]; // reached, read-but-not-applied
    progress.forEachWaited(
        stage,
        (ws, partition, band, lowest, highest) -> {
          long[] applied = appliedMarks.get(ws);
          long mark = applied == null ? -1 : applied[band];
          if (lowest <= mark) {
            seen[0] = true;
          }
          if (highest > mark && partition >= 0) {
            LaneScheduler lane = lanes[LaneScheduler.laneOf(partition, lanes.length)];
            long read = lane.readPosition(partition, band);
            // MAX_VALUE: a partition this process does not own; its tasks are not on their way
            if (read != Long.MAX_VALUE && highest < read) {
              seen[1] = true;
            }
          }
          return !(seen[0] && seen[1]);
        });
    if (!seen[0]) {
      reachedSince[stage.ordinal()] = -1;
      return false;
    }
    if (reachedSince[stage.ordinal()] < 0) {
      reachedSince[stage.ordinal()] = now;
    }
    return !seen[1] || now - reachedSince[stage.ordinal()] >= groupDelayNanos;
  }

  private long nanosUntilDue(long now) {
    long wait = Long.MAX_VALUE;
    if (appliedSinceCommit > 0) {
      wait = Math.min(wait, Math.max(1, lastCommitNanos + commitIntervalNanos - now));
      if (reachedSince[TaskStage.DURABLE.ordinal()] >= 0) {
        long until =
            reachedSince[TaskStage.DURABLE.ordinal()]
                + Math.min(commitTookNanos, commitIntervalNanos);
        wait = Math.min(wait, Math.max(1, until - now));
      }
      if (commitRetryAt > now) {
        wait = Math.max(wait, commitRetryAt - now);
      }
    }
    if (appliedSinceRefresh) {
      if (searchActive(now)) {
        wait = Math.min(wait, Math.max(1, lastRefreshNanos + refreshIntervalNanos - now));
      }
      if (reachedSince[TaskStage.VISIBLE.ordinal()] >= 0) {
        long until =
            reachedSince[TaskStage.VISIBLE.ordinal()]
                + Math.min(refreshTookNanos, refreshIntervalNanos);
        wait = Math.min(wait, Math.max(1, until - now));
      }
    }
    return wait;
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
        progress.advanceAll(TaskStage.DURABLE, round.commitMarks());
        notifyListener(l -> l.committed(round.committedTasks(), took));
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
      boolean replayDone = !replayVisible.isDone() && replayFinished();
      try {
        long started = clock.nanoTime();
        backend.makeVisible();
        long took = clock.nanoTime() - started;
        progress.advanceAll(TaskStage.VISIBLE, round.refreshMarks());
        notifyListener(l -> l.refreshed(took));
        if (replayDone) {
          replayVisible.complete(null);
        }
        lock.lock();
        try {
          refreshTookNanos = took;
        } finally {
          lock.unlock();
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
    return true;
  }

  private void notifyListener(Consumer<IndexingListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("{}: listener {} failed: {}", name, listener, e.toString(), e);
    }
  }
}
