package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.LaneStatus;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.TaskStage;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads ahead from the queue into lanes, coalesces, picks each lane's next batch by priority, and
 * tracks the checkpoint and what a commit or refresh must cover. Thread-safe: one lock guards all
 * state; lane workers call {@link #next}, {@link #completed} and the maintenance methods; producers
 * call {@link #dataArrived()} after appending.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A workspace always maps to the same lane ({@link #laneOf}); a lane applies one batch at a
 *       time, so a workspace is never applied by two workers at once.
 *   <li>Within a workspace entries leave in sequence order. Across workspaces of a lane, the next
 *       pick is the workspace whose first pending entry has the best effective priority: its
 *       priority minus one level per {@code priorityAging} waited (so nothing starves), ties broken
 *       by acceptance order.
 *   <li>Coalescing (when on) drops a pending entry only when a later pending entry of the same
 *       workspace makes it irrelevant: the same path indexed or removed again, or the workspace
 *       removed or reindexed. The later entry inherits the dropped one's rank and sequences.
 *   <li>The checkpoint is the sequence of the oldest read entry not finished, or the read position
 *       when all are: every task below it was applied (or dropped, or dead-lettered).
 * </ul>
 */
final class Scheduler {
  /** What a lane worker should do next. */
  enum Kind {
    BATCH,
    MAINTAIN,
    STOP
  }

  /** The answer of {@link #next}. */
  record Work(Kind kind, List<Entry> batch) {
    static final Work MAINTAIN = new Work(Kind.MAINTAIN, List.of());
    static final Work STOP = new Work(Kind.STOP, List.of());
  }

  /** What one maintenance round must do; marks are per workspace. */
  record Plan(
      boolean commit,
      long checkpoint,
      Map<String, Long> commitMarks,
      boolean refresh,
      Map<String, Long> refreshMarks,
      long refreshCheckpoint) {}

  private static final class Lane {
    final int index;
    final Condition wake;

    /** Workspaces with pending entries, best first (see {@link #RANK}). */
    final java.util.TreeSet<WorkspacePending> active = new java.util.TreeSet<>(RANK);

    int depth;
    int inFlight;
    LifecycleState state = LifecycleState.NEW;

    Lane(int index, Condition wake) {
      this.index = index;
      this.wake = wake;
    }
  }

  /**
   * Orders workspaces by their head's rank: priority first, each {@code agingNanos} waited worth
   * one level (the key {@code priority × agingNanos + readNanos} orders heads exactly as "priority
   * minus levels waited" does at any moment), then acceptance order.
   */
  private static final java.util.Comparator<WorkspacePending> RANK =
      (a, b) -> {
        int c = Long.compare(a.rankKey, b.rankKey);
        if (c == 0) {
          c = Long.compare(a.rankSequence, b.rankSequence);
        }
        return c != 0 ? c : a.workspace.compareTo(b.workspace);
      };

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private final TaskQueue queue;
  private final IndexClock clock;
  private final Lane[] lanes;
  private final int batchSize;
  private final int readAhead;
  private final boolean coalescing;
  private final long agingNanos;
  private final int commitMaxTasks;
  private final long commitIntervalNanos;
  private final long refreshIntervalNanos;

  /** After how long without a read the service is search-idle; {@code Long.MAX_VALUE}: never. */
  private final long searchIdleNanos;

  private final Progress progress;
  private final LongAdder coalescedCount;
  private final java.util.function.LongSupplier recoveryPoint;

  private final Map<String, WorkspacePending> pendingByWorkspace = new HashMap<>();
  private final ArrayDeque<Entry> outstanding = new ArrayDeque<>();
  private final AtomicInteger sleepers = new AtomicInteger();

  /**
   * Set by the producer that wakes sleeping workers, cleared by a worker each time it goes to sleep
   * (before its last look at the queue): while set, a wake-up is on its way and later producers
   * need not take the lock. See {@link #dataArrived()}.
   */
  private final java.util.concurrent.atomic.AtomicBoolean wakeSent =
      new java.util.concurrent.atomic.AtomicBoolean();

  private long readPosition;
  private int pendingCount;
  private int inFlightBatches;

  private final Map<String, Long> appliedMarks = new HashMap<>();
  private final Set<String> changedSinceCommit = new HashSet<>();
  private final Set<String> changedSinceRefresh = new HashSet<>();
  private long appliedSinceCommit;
  private boolean appliedSinceRefresh;
  private long lastCommitNanos;
  private long lastRefreshNanos;
  private long lastReadNanos;
  private boolean readSeen;
  private boolean maintaining;
  private boolean draining;
  private boolean stopped;
  private boolean rewindRequested;

  Scheduler(
      TaskQueue queue,
      IndexClock clock,
      int laneCount,
      int batchSize,
      int readAhead,
      boolean coalescing,
      long agingNanos,
      int commitMaxTasks,
      long commitIntervalNanos,
      long refreshIntervalNanos,
      long searchIdleNanos,
      Progress progress,
      LongAdder coalescedCount,
      java.util.function.LongSupplier recoveryPoint) {
    this.recoveryPoint = recoveryPoint;
    this.queue = queue;
    this.clock = clock;
    this.batchSize = batchSize;
    this.readAhead = readAhead;
    this.coalescing = coalescing;
    this.agingNanos = agingNanos;
    this.commitMaxTasks = commitMaxTasks;
    this.commitIntervalNanos = commitIntervalNanos;
    this.refreshIntervalNanos = refreshIntervalNanos;
    this.searchIdleNanos = searchIdleNanos;
    this.progress = progress;
    this.coalescedCount = coalescedCount;
    this.lanes = new Lane[laneCount];
    for (int i = 0; i < laneCount; i++) {
      lanes[i] = new Lane(i, lock.newCondition());
    }
    long now = clock.nanoTime();
    this.lastCommitNanos = now;
    this.lastRefreshNanos = now;
  }

  /** The lane of a workspace: stable across runs and JVMs (String.hashCode is specified). */
  static int laneOf(String workspace, int laneCount) {
    int h = workspace.hashCode();
    h ^= (h >>> 16);
    h *= 0x45d9f3b;
    h ^= (h >>> 16);
    return Math.floorMod(h, laneCount);
  }

  int laneCount() {
    return lanes.length;
  }

  /** Starts reading at {@code position} (the recovery point). */
  void startAt(long position) {
    lock.lock();
    try {
      readPosition = position;
      for (Lane l : lanes) {
        l.state = LifecycleState.RUNNING;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called by producers after an append: wakes sleeping workers, cheaply when none sleeps or a
   * wake-up is already on its way.
   *
   * <p>No lost wake-up: a worker going to sleep increments {@code sleepers}, clears {@code
   * wakeSent}, then looks at the queue's end, all under the lock, and awaits. A producer appends,
   * then reads {@code sleepers} and {@code wakeSent}. If the worker's look missed the append, the
   * producer's reads come after the worker's writes: it sees a sleeper, and either sets {@code
   * wakeSent} and wakes it, or finds it set by another producer after the worker cleared it, which
   * wakes it. A wake takes the lock, so it reaches the worker once it awaits.
   */
  void dataArrived() {
    if (sleepers.get() > 0 && !wakeSent.get() && wakeSent.compareAndSet(false, true)) {
      wakeAll();
    }
  }

  /** Wakes every worker (a waiter registered, shutdown, rewind). */
  void wakeAll() {
    lock.lock();
    try {
      for (Lane l : lanes) {
        l.wake.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- reading and coalescing

  /**
   * Reads what the window allows from the queue into lanes, in chunks, until the window is full or
   * the queue has no more: a backlog is read whole (up to {@code readAhead}) before the next batch
   * is taken, so coalescing and priorities see all of it. Holds the lock.
   */
  private void fill() {
    // at most readAhead tasks per call: coalescing frees window room as it reads, and a backlog
    // of a few hot paths must not be read whole under the lock
    int budget = readAhead;
    while (budget > 0) {
      int room = readAhead - pendingCount;
      if (room <= 0 || rewindRequested) {
        return;
      }
      int want = Math.min(Math.min(room, budget), Math.max(batchSize, 1024));
      int got = fillOnce(want);
      if (got < want) {
        return;
      }
      budget -= got;
    }
  }

  /** Reads up to {@code want} tasks into lanes; returns how many were read. Holds the lock. */
  private int fillOnce(int want) {
    List<QueuedTask> read = queue.read(readPosition, want);
    if (read.isEmpty()) {
      return 0;
    }
    long now = clock.nanoTime();
    for (QueuedTask q : read) {
      String ws = q.task().workspace();
      int lane = laneOf(ws, lanes.length);
      Entry e = new Entry(q, now, lane);
      outstanding.addLast(e);
      WorkspacePending wp = pendingByWorkspace.get(ws);
      if (wp == null) {
        wp = new WorkspacePending(ws, lane);
        pendingByWorkspace.put(ws, wp);
      } else {
        lanes[lane].active.remove(wp);
      }
      if (coalescing) {
        coalesce(wp, e);
      }
      wp.add(e);
      rerank(wp);
      lanes[lane].depth++;
      pendingCount++;
      if (lanes[lane].state == LifecycleState.RUNNING || draining) {
        lanes[lane].wake.signal();
      }
    }
    readPosition = read.get(read.size() - 1).position() + 1;
    return read.size();
  }

  private void coalesce(WorkspacePending wp, Entry e) {
    IndexTaskType type = e.task.type();
    if (type.isWorkspaceWide()) {
      Entry old;
      while ((old = wp.head) != null) {
        drop(wp, old, e);
      }
    } else {
      Entry old = wp.byPath.get(e.task.path());
      if (old != null) {
        drop(wp, old, e);
      }
    }
  }

  private void drop(WorkspacePending wp, Entry old, Entry by) {
    wp.unlink(old);
    by.supersede(old);
    old.finished = true;
    lanes[wp.lane].depth--;
    pendingCount--;
    coalescedCount.increment();
  }

  // ---------------------------------------------------------------- the workers' loop

  /** Blocks until lane {@code laneIndex} has a batch, maintenance is due, or the lane must stop. */
  Work next(int laneIndex) throws InterruptedException {
    Lane lane = lanes[laneIndex];
    int unreadable = 0;
    lock.lock();
    try {
      while (true) {
        if (stopped) {
          return Work.STOP;
        }
        if (rewindRequested) {
          if (inFlightBatches == 0 && !maintaining) {
            rewindTo(recoveryPoint.getAsLong());
            continue;
          }
          lane.wake.await();
          continue;
        }
        fill();
        if (lane.depth > 0) {
          return new Work(Kind.BATCH, takeBatch(lane));
        }
        if (maintenanceDue(clock.nanoTime())) {
          return Work.MAINTAIN;
        }
        if (draining && isDrained()) {
          drained.signalAll();
          return Work.STOP;
        }
        sleepers.incrementAndGet();
        wakeSent.set(false);
        try {
          if (queue.endPosition() > readPosition && pendingCount < readAhead) {
            // appended while we looked: read it. A queue whose end runs ahead of what it can
            // read (a slot claimed but not yet written) is retried at once a few times, then
            // with a 1 ms back-off, so a lagging or broken queue never spins a core
            if (++unreadable > 64) {
              lane.wake.awaitNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            continue;
          }
          long wait = nanosUntilMaintenance(clock.nanoTime());
          if (wait == Long.MAX_VALUE) {
            lane.wake.await();
          } else {
            clock.awaitNanos(lane.wake, wait);
          }
        } finally {
          sleepers.decrementAndGet();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean isDrained() {
    return pendingCount == 0
        && inFlightBatches == 0
        && queue.endPosition() <= readPosition
        && !rewindRequested;
  }

  /**
   * Takes up to {@code batchSize} entries, always the best-ranked head of the lane next, so with
   * equal priorities and no coalescing a lane applies in acceptance order.
   */
  private List<Entry> takeBatch(Lane lane) {
    List<Entry> batch = new ArrayList<>(Math.min(batchSize, lane.depth));
    while (batch.size() < batchSize && !lane.active.isEmpty()) {
      WorkspacePending best = lane.active.pollFirst();
      WorkspacePending second = lane.active.isEmpty() ? null : lane.active.first();
      do {
        batch.add(best.pollFirst());
        if (best.head == null) {
          break;
        }
        best.rankKey = rankKey(best.head.rankPriority, best.head.rankNanos, agingNanos);
        best.rankSequence = best.head.rankSequence;
      } while (batch.size() < batchSize && (second == null || RANK.compare(best, second) < 0));
      rerank(best);
    }
    lane.depth -= batch.size();
    pendingCount -= batch.size();
    lane.inFlight = batch.size();
    inFlightBatches++;
    return batch;
  }

  /**
   * Recomputes a workspace's rank from its head and (re)inserts it in its lane; call after removing
   * it from the lane's set.
   */
  private void rerank(WorkspacePending wp) {
    Entry h = wp.head;
    if (h == null) {
      pendingByWorkspace.remove(wp.workspace);
      return;
    }
    wp.rankKey = rankKey(h.rankPriority, h.rankNanos, agingNanos);
    wp.rankSequence = h.rankSequence;
    lanes[wp.lane].active.add(wp);
  }

  static long rankKey(int priority, long readNanos, long agingNanos) {
    try {
      return Math.addExact(Math.multiplyExact((long) priority, agingNanos), readNanos);
    } catch (ArithmeticException overflow) {
      return priority < 0 ? Long.MIN_VALUE / 2 + readNanos / 4 : Long.MAX_VALUE / 2 + readNanos / 4;
    }
  }

  /**
   * Records the outcome of a batch: every entry finished (applied or dead-lettered), unless the
   * batch was abandoned for a rewind. Returns the per-workspace marks to advance APPLIED to.
   */
  Map<String, Long> completed(int laneIndex, List<Entry> batch, boolean abandoned) {
    lock.lock();
    try {
      Lane lane = lanes[laneIndex];
      lane.inFlight = 0;
      inFlightBatches--;
      Map<String, Long> marks = new HashMap<>();
      if (!abandoned) {
        for (Entry e : batch) {
          e.finished = true;
          marks.put(e.task.workspace(), e.sequence);
        }
        for (Map.Entry<String, Long> m : marks.entrySet()) {
          appliedMarks.merge(m.getKey(), m.getValue(), Math::max);
        }
        changedSinceCommit.addAll(marks.keySet());
        changedSinceRefresh.addAll(marks.keySet());
        appliedSinceCommit += batch.size();
        appliedSinceRefresh = true;
        popFinished();
      }
      if (draining || rewindRequested) {
        for (Lane l : lanes) {
          l.wake.signalAll();
        }
      }
      return marks;
    } finally {
      lock.unlock();
    }
  }

  private void popFinished() {
    while (!outstanding.isEmpty() && outstanding.peekFirst().finished) {
      outstanding.pollFirst();
    }
  }

  /** The checkpoint now: every task below it is applied, dropped or dead-lettered. */
  private long checkpoint() {
    return outstanding.isEmpty() ? readPosition : outstanding.peekFirst().sequence;
  }

  // ---------------------------------------------------------------- commit and refresh

  private boolean commitDue(long now) {
    if (appliedSinceCommit == 0) {
      return false;
    }
    return appliedSinceCommit >= commitMaxTasks
        || now - lastCommitNanos >= commitIntervalNanos
        || waiterReached(TaskStage.DURABLE, changedSinceCommit)
        || uncommittedTailIsHalfFull()
        || draining;
  }

  /**
   * Whether applied but uncommitted tasks fill half the queue (CommitPolicy's rule, so such a tail
   * never blocks producers). Counting unapplied tasks too would commit after every batch whenever
   * producers keep the queue half full. Holds the lock.
   */
  private boolean uncommittedTailIsHalfFull() {
    long tail = checkpoint() - queue.firstPosition();
    return tail > 0 && tail * 2 >= queue.capacity();
  }

  private boolean refreshDue(long now) {
    if (!appliedSinceRefresh) {
      return false;
    }
    return waiterReached(TaskStage.VISIBLE, changedSinceRefresh)
        || (searchActive(now) && now - lastRefreshNanos >= refreshIntervalNanos)
        || draining;
  }

  /**
   * Whether someone read (searched) within the search-idle time; only then do interval refreshes
   * run. Holds the lock.
   */
  private boolean searchActive(long now) {
    return searchIdleNanos == Long.MAX_VALUE || (readSeen && now - lastReadNanos < searchIdleNanos);
  }

  /**
   * Notes a read (search or index status) now.
   *
   * @return whether the service was search-idle before it: the caller then makes the workspace's
   *     applied work visible before reading, as no interval refresh did
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

  /**
   * Whether a commit (DURABLE) or refresh (VISIBLE) would complete a waiter now: someone waits for
   * a task that is already applied (its workspace's applied mark reached the waited sequence), or
   * someone waits without a sequence (the replay). Waiters for tasks not applied yet do not make a
   * round due; the round after the batch that applies them does. Holds the lock.
   */
  private boolean waiterReached(TaskStage stage, Set<String> changed) {
    if (progress.waiting(stage) == 0) {
      return false;
    }
    if (progress.untied(stage) > 0) {
      return true;
    }
    for (String ws : changed) {
      Long applied = appliedMarks.get(ws);
      if (applied != null && progress.lowestWaiting(stage, ws) <= applied) {
        return true;
      }
    }
    return false;
  }

  private boolean maintenanceDue(long now) {
    return !maintaining && (commitDue(now) || refreshDue(now));
  }

  private long nanosUntilMaintenance(long now) {
    long wait = Long.MAX_VALUE;
    if (maintaining) {
      return wait; // the round in progress signals every lane when it ends
    }
    if (appliedSinceCommit > 0) {
      wait = Math.min(wait, Math.max(1, lastCommitNanos + commitIntervalNanos - now));
    }
    if (appliedSinceRefresh && searchActive(now)) {
      wait = Math.min(wait, Math.max(1, lastRefreshNanos + refreshIntervalNanos - now));
    }
    return wait;
  }

  /**
   * Claims the maintenance round if one is due (or {@code force}); returns null when none is due or
   * another worker is already maintaining.
   */
  Plan planMaintenance(boolean force) {
    lock.lock();
    try {
      long now = clock.nanoTime();
      if (maintaining) {
        return null;
      }
      boolean commit = appliedSinceCommit > 0 && (force || commitDue(now));
      boolean refresh = appliedSinceRefresh && (force || refreshDue(now));
      if (!commit && !refresh) {
        return null;
      }
      maintaining = true;
      Map<String, Long> commitMarks = Map.of();
      long cp = checkpoint();
      if (commit) {
        commitMarks = marksOf(changedSinceCommit);
        changedSinceCommit.clear();
        appliedSinceCommit = 0;
        lastCommitNanos = now;
      }
      Map<String, Long> refreshMarks = Map.of();
      if (refresh) {
        refreshMarks = marksOf(changedSinceRefresh);
        changedSinceRefresh.clear();
        appliedSinceRefresh = false;
        lastRefreshNanos = now;
      }
      return new Plan(commit, cp, commitMarks, refresh, refreshMarks, cp);
    } finally {
      lock.unlock();
    }
  }

  private Map<String, Long> marksOf(Set<String> workspaces) {
    Map<String, Long> marks = new HashMap<>();
    for (String ws : workspaces) {
      marks.put(ws, appliedMarks.get(ws));
    }
    return marks;
  }

  /**
   * Ends a maintenance round. When the commit or refresh failed, what it should have covered is put
   * back so the next round covers it.
   */
  void maintenanceDone(Plan plan, boolean commitFailed, boolean refreshFailed) {
    lock.lock();
    try {
      maintaining = false;
      if (commitFailed) {
        changedSinceCommit.addAll(plan.commitMarks().keySet());
        appliedSinceCommit = Math.max(1, appliedSinceCommit);
      }
      if (refreshFailed) {
        changedSinceRefresh.addAll(plan.refreshMarks().keySet());
        appliedSinceRefresh = true;
      }
      for (Lane l : lanes) {
        l.wake.signalAll();
      }
      drained.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- rewind

  /** Asks every lane to stop taking work so the queue can be reread from {@code checkpoint}. */
  void requestRewind() {
    lock.lock();
    try {
      rewindRequested = true;
      for (Lane l : lanes) {
        l.wake.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets every read entry and rereads from {@code position}: the backend lost what it applied
   * after its last commit. Holds the lock; no batch is in flight.
   */
  private void rewindTo(long position) {
    {
      for (Lane l : lanes) {
        l.active.clear();
        l.depth = 0;
      }
      pendingByWorkspace.clear();
      outstanding.clear();
      pendingCount = 0;
      readPosition = position;
      changedSinceCommit.clear();
      appliedSinceCommit = 0;
      rewindRequested = false;
      for (Lane l : lanes) {
        l.wake.signalAll();
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Workers finish what is in the queue, then stop. */
  void beginDrain() {
    lock.lock();
    try {
      draining = true;
      for (Lane l : lanes) {
        if (l.state == LifecycleState.RUNNING) {
          l.state = LifecycleState.DRAINING;
        }
        l.wake.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until everything in the queue is applied and no maintenance runs, or the deadline (real
   * time: the caller's timeout).
   *
   * @return whether drained
   */
  boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!(isDrained() && !maintaining) && !stopped) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        fill();
        if (isDrained() && !maintaining) {
          break;
        }
        drained.awaitNanos(left);
      }
      return isDrained();
    } finally {
      lock.unlock();
    }
  }

  /** Workers stop after their current batch. */
  void stopNow() {
    lock.lock();
    try {
      stopped = true;
      for (Lane l : lanes) {
        l.wake.signalAll();
      }
      drained.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void laneState(int laneIndex, LifecycleState state) {
    lock.lock();
    try {
      lanes[laneIndex].state = state;
    } finally {
      lock.unlock();
    }
  }

  /** The checkpoint now (for status and the final commit). */
  long currentCheckpoint() {
    lock.lock();
    try {
      return checkpoint();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- status

  record Snapshot(List<LaneStatus> lanes, long pending, long inFlight, long oldestPendingNanos) {}

  Snapshot snapshot() {
    lock.lock();
    try {
      List<LaneStatus> ls = new ArrayList<>(lanes.length);
      long inFlight = 0;
      for (Lane l : lanes) {
        ls.add(new LaneStatus(l.index, l.state, l.depth, l.inFlight, l.active.size()));
        inFlight += l.inFlight;
      }
      long oldest = 0;
      Iterator<Entry> it = outstanding.iterator();
      while (it.hasNext()) {
        Entry e = it.next();
        if (!e.finished) {
          oldest = Math.max(0, clock.nanoTime() - e.readNanos);
          break;
        }
      }
      return new Snapshot(ls, pendingCount, inFlight, oldest);
    } finally {
      lock.unlock();
    }
  }
}
