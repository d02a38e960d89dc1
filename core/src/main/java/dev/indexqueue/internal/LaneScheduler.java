package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.LaneStatus;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.PartitionStatus;
import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lane's reading, coalescing and ranking: reads the lane's own partitions (never another
 * lane's), keeps each workspace's pending tasks in acceptance order, drops superseded ones, and
 * hands its worker the next batch by priority. Thread-safe: one lock guards all state, taken by the
 * lane's worker ({@link #next}, {@link #completed}), by producers waking it ({@link #dataArrived}),
 * by the maintainer ({@link #checkpoint}, {@link #committed}, status) and by the rewind.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li><b>Reading.</b> Each partition's urgent band is read first, whole (up to the window), then
 *       the normal bands round-robin, up to {@code readAhead} pending tasks. A task whose
 *       predecessor (the workspace's previous task, stored with it) was not read yet makes the lane
 *       read that chain of predecessors first, out of order: so an urgent task behind a backlog
 *       brings its workspace's earlier tasks along ("they inherit its priority"), and is never
 *       applied before them.
 *   <li><b>Order.</b> A workspace's pending entries are kept in acceptance order across both bands
 *       and leave from the head. Across workspaces, the next pick is the workspace with the best
 *       rank: urgent (holding an urgent task) before normal; then the best effective priority (the
 *       priority minus one level per {@code priorityAging} waited); then read order.
 *   <li><b>Coalescing</b> (when on) drops a pending entry only when a later pending entry of its
 *       workspace makes it irrelevant: the same path indexed or removed again, or the workspace
 *       removed or reindexed. The later entry inherits the dropped one's rank and outcome. A
 *       workspace's marks never pass a dropped task before the task that superseded it finished.
 *   <li><b>Checkpoint.</b> Per log, the first position not finished; lowered further, until stable,
 *       to the first finished entry whose predecessor in the other band is at or above that band's
 *       checkpoint (a replay would apply the predecessor again, after it). So replaying every log
 *       from a committed checkpoint applies each workspace's tasks in acceptance order.
 * </ul>
 *
 * <p>Lock order: a lane's lock is never held while taking another lane's lock or the maintainer's
 * lock. SPI calls made under the lock: {@link TaskQueue#read} and {@link TaskQueue#endPosition}
 * (reading is the lane's own job, and no other thread reads its partitions), {@link
 * TaskQueue#firstPosition} (to stop following a chain into acknowledged space).
 */
final class LaneScheduler {
  /** The empty batch {@link #next} returns when a rewind was requested. */
  static final List<Entry> REWIND = List.of();

  private static final Comparator<WorkspacePending> RANK =
      (a, b) -> {
        if (a.rankedUrgent != b.rankedUrgent) {
          return a.rankedUrgent ? -1 : 1;
        }
        int c = Long.compare(a.rankKey, b.rankKey);
        if (c == 0) {
          c = Long.compare(a.rankOrder, b.rankOrder);
        }
        return c != 0 ? c : a.workspace.compareTo(b.workspace);
      };

  final int lane;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final TaskQueue queue;
  private final IndexClock clock;
  private final LaneControl control;
  private final int bands;
  private final int batchSize;
  private final int readAhead;
  private final boolean coalescing;
  private final long agingNanos;
  private final LongAdder coalescedCount;

  /** Coalesced since {@link #takeCoalesced}. Guarded by {@code lock}. */
  private int coalescedUnreported;

  /**
   * The partitions this lane owns now, by partition; each value holds the partition's logs by band.
   * Local queues assign every partition once at start; a cluster queue assigns and revokes them as
   * its consumer group decides.
   */
  private final TreeMap<Integer, LogWindow[]> byPartition = new TreeMap<>();

  /** {@link #byPartition}'s values in order, for iteration (rebuilt when ownership changes). */
  private LogWindow[][] windows = new LogWindow[0][];

  /** Signalled when a batch completes (a revocation waits for the batch in flight). */
  private final Condition batchDone = lock.newCondition();

  /** The partitions of the batch in flight. */
  private final BitSet inFlightPartitions = new BitSet();

  private final HashMap<String, WorkspacePending> pendingByWorkspace = new HashMap<>();
  private final TreeSet<WorkspacePending> active = new TreeSet<>(RANK);

  private final AtomicInteger sleepers = new AtomicInteger();

  /**
   * Set by the producer that wakes the sleeping worker, cleared by the worker each time it goes to
   * sleep (before its last look at the queue): while set, a wake-up is on its way and later
   * producers need not take the lock. See {@link #dataArrived()}.
   */
  private final AtomicBoolean wakeSent = new AtomicBoolean();

  /** Entries read and ready in their workspaces' lists (bounded by readAhead for reading). */
  private int pendingCount;

  /** Entries read but held until their predecessor joins (see {@link #admit}). */
  private int heldCount;

  private int inFlight;
  private long readOrder;
  private int roundRobin;
  private LifecycleState state = LifecycleState.NEW;
  private boolean drainedReported;

  LaneScheduler(
      int lane,
      TaskQueue queue,
      IndexClock clock,
      LaneControl control,
      int batchSize,
      int readAhead,
      boolean coalescing,
      long agingNanos,
      LongAdder coalescedCount) {
    this.lane = lane;
    this.queue = queue;
    this.clock = clock;
    this.control = control;
    this.bands = queue.bands();
    this.batchSize = batchSize;
    this.readAhead = readAhead;
    this.coalescing = coalescing;
    this.agingNanos = agingNanos;
    this.coalescedCount = coalescedCount;
    this.state = LifecycleState.RUNNING;
  }

  /** The lane that owns a partition. */
  static int laneOf(int partition, int lanes) {
    return partition % lanes;
  }

  /** The partitions this lane owns now, ascending. */
  List<Integer> partitions() {
    lock.lock();
    try {
      return new ArrayList<>(byPartition.keySet());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes ownership of a partition: reads each of its logs from {@code from} (the committed
   * checkpoint, within the queue), and notes {@code ends} as the replay horizon.
   */
  void assign(int partition, Checkpoint from, Checkpoint ends) {
    lock.lock();
    try {
      LogWindow[] ws = new LogWindow[bands];
      for (int b = 0; b < bands; b++) {
        ws[b] = new LogWindow(partition, b);
        ws[b].reset(from.position(partition, b));
        ws[b].startEnd = ends.position(partition, b);
      }
      byPartition.put(partition, ws);
      windows = byPartition.values().toArray(new LogWindow[0][]);
      if (drainedReported) {
        drainedReported = false;
        control.laneDrained(lane, false);
      }
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts giving a partition up: stops reading it, drops its pending tasks (the next owner reads
   * them again from the committed checkpoint), and waits until no batch holding its tasks is in
   * flight. Its logs stay, so the next {@link #checkpoint} still covers them; {@link #release}
   * forgets them after the commit.
   */
  void revoke(int partition) throws InterruptedException {
    lock.lock();
    try {
      LogWindow[] ws = byPartition.get(partition);
      if (ws == null) {
        return;
      }
      for (LogWindow w : ws) {
        w.revoked = true;
      }
      List<WorkspacePending> dropped = new ArrayList<>();
      for (WorkspacePending wp : pendingByWorkspace.values()) {
        if (wp.partition == partition) {
          dropped.add(wp);
        }
      }
      for (WorkspacePending wp : dropped) {
        if (wp.head != null) {
          active.remove(wp);
        }
        while (wp.pollFirst() != null) {
          pendingCount--;
        }
        heldCount -= wp.dropHeld();
        wp.urgentCount = 0;
        if (wp.inFlight == 0) {
          pendingByWorkspace.remove(wp.workspace);
        }
      }
      while (inFlight > 0 && inFlightPartitions.get(partition)) {
        batchDone.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a partition given up (after a commit covered what was applied of it). */
  void release(int partition) {
    lock.lock();
    try {
      if (byPartition.remove(partition) != null) {
        windows = byPartition.values().toArray(new LogWindow[0][]);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called by producers after an append to one of this lane's partitions: wakes the sleeping
   * worker, cheaply when it is busy or a wake-up is already on its way.
   *
   * <p>No lost wake-up: the worker going to sleep increments {@code sleepers}, clears {@code
   * wakeSent}, then looks at the queue's ends, all under the lock, and awaits. A producer appends,
   * then reads {@code sleepers} and {@code wakeSent}. If the worker's look missed the append, the
   * producer's reads come after the worker's writes: it sees a sleeper, and either sets {@code
   * wakeSent} and wakes it, or finds it set by another producer after the worker cleared it, which
   * wakes it. A wake takes the lock, so it reaches the worker once it awaits.
   */
  void dataArrived() {
    if (sleepers.get() > 0 && !wakeSent.get() && wakeSent.compareAndSet(false, true)) {
      wakeUp();
    }
  }

  /** Wakes the worker (shutdown, rewind, a state change it must see). */
  void wakeUp() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- the worker's loop

  /**
   * Blocks until the lane has a batch ({@code null} when the lane must stop, {@link #REWIND} when a
   * rewind was requested).
   */
  List<Entry> next() throws InterruptedException {
    int unreadable = 0;
    lock.lock();
    try {
      while (true) {
        if (control.stopping()) {
          return null;
        }
        if (control.rewindRequested()) {
          return REWIND;
        }
        fill();
        if (pendingCount > 0) {
          if (drainedReported) {
            drainedReported = false;
            control.laneDrained(lane, false);
          }
          return takeBatch();
        }
        if (control.draining() && !drainedReported && drainedLocked()) {
          drainedReported = true;
          control.laneDrained(lane, true);
        }
        sleepers.incrementAndGet();
        wakeSent.set(false);
        try {
          if (hasUnread()) {
            // appended while we looked: read it. A queue whose end runs ahead of what it can
            // read (a slot claimed but not yet written) is retried at once a few times, then
            // with a 1 ms back-off, so a lagging or broken queue never spins a core
            if (++unreadable > 64) {
              wake.awaitNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            continue;
          }
          unreadable = 0;
          wake.await();
        } finally {
          sleepers.decrementAndGet();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean hasUnread() {
    if (pendingCount >= readAhead) {
      return false;
    }
    return hasUnreadIgnoringWindow();
  }

  /** Nothing pending, nothing in flight, nothing unread. Holds the lock. */
  private boolean drainedLocked() {
    return pendingCount == 0 && inFlight == 0 && !hasUnreadIgnoringWindow();
  }

  private boolean hasUnreadIgnoringWindow() {
    for (LogWindow[] ws : windows) {
      for (LogWindow w : ws) {
        if (!w.revoked && queue.endPosition(w.partition, w.band) > w.readPosition) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the lane has nothing pending, in flight or unread now. */
  boolean isDrained() {
    lock.lock();
    try {
      return drainedLocked();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- reading

  /** Reads what the window allows: urgent bands first, then normal bands round-robin. */
  private void fill() {
    if (bands > 1 && heldCount < readAhead) {
      for (LogWindow[] ws : windows) {
        readLog(ws[TaskQueue.URGENT_BAND]);
      }
    }
    int n = windows.length;
    if (n == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      readLog(windows[(roundRobin + i) % n][TaskQueue.NORMAL_BAND]);
    }
    roundRobin = (roundRobin + 1) % n;
  }

  /** Reads one log in order until the window is full or the log has nothing more. */
  private void readLog(LogWindow w) {
    if (w.revoked) {
      return;
    }
    try {
      readInOrder(w);
    } finally {
      w.absorbAhead();
    }
  }

  private void readInOrder(LogWindow w) {
    int budget = readAhead;
    while (budget > 0 && pendingCount < readAhead) {
      int want = Math.min(Math.min(readAhead - pendingCount, budget), Math.max(batchSize, 1024));
      List<QueuedTask> read = queue.read(w.partition, w.band, w.readPosition, want);
      if (read.isEmpty()) {
        return;
      }
      long now = clock.nanoTime();
      for (QueuedTask q : read) {
        Entry fetched = w.ahead.remove(q.position());
        if (fetched != null) {
          // read before, by following a chain: it joins the in-order window now
          w.add(fetched);
          w.readPosition = q.position() + 1;
          continue;
        }
        Entry e = new Entry(q, now, readOrder++);
        w.add(e);
        w.readPosition = q.position() + 1;
        admit(e, now);
      }
      budget -= read.size();
      if (read.size() < want) {
        return;
      }
    }
  }

  /**
   * Adds an entry read in order to its workspace. When its predecessor was not read yet, first
   * reads the chain of predecessors out of order (so an urgent task brings its workspace's earlier
   * tasks along); when that chain is longer than the window, leads to a task that is itself held,
   * or reaches a task the queue still holds but cannot read now (a cluster queue answers nothing
   * during a rebalance or when a read times out; only a position below the log's first position was
   * committed), the entry is <em>held</em>: it joins its workspace's pending list once its
   * predecessor does (read in order by its own log's window). Either way the pending list stays in
   * acceptance order, and one workspace's long chain never blocks another workspace's urgent task.
   */
  private void admit(Entry e, long now) {
    LogWindow[] logs = byPartition.get(e.partition);
    WorkspacePending wp = workspace(e);
    List<QueuedTask> chain = null;
    Predecessor p = e.predecessor;
    boolean complete = true;
    while (p != null) {
      LogWindow pw = logs[p.band()];
      if (p.position() < pw.readPosition
          || pw.ahead.containsKey(p.position())
          || p.position() < queue.firstPosition(e.partition, p.band())) {
        break; // read before (pending, held or finished), or acknowledged: committed
      }
      if (chain != null && chain.size() >= readAhead) {
        complete = false;
        break;
      }
      List<QueuedTask> one = queue.read(e.partition, p.band(), p.position(), 1);
      if (one.isEmpty() && p.position() >= queue.firstPosition(e.partition, p.band())) {
        // still held but not readable now (a cluster queue in a rebalance, or a read that timed
        // out): not committed, so the entry waits for it to join through its own window
        complete = false;
        break;
      }
      if (one.isEmpty() || one.get(0).position() != p.position()) {
        break; // acknowledged meanwhile: committed
      }
      if (chain == null) {
        chain = new ArrayList<>();
      }
      chain.add(one.get(0));
      p = one.get(0).predecessor();
    }
    if (!complete) {
      hold(wp, e); // its predecessor joins through its own window; the fetched chain is dropped
      return;
    }
    if (chain != null) {
      for (int i = chain.size() - 1; i >= 0; i--) {
        Entry c = new Entry(chain.get(i), now, readOrder++);
        c.fetchedAhead = true;
        logs[c.band].ahead.put(c.position, c);
        join(wp, c);
      }
      for (LogWindow other : logs) {
        if (other != logs[e.band]) {
          other.absorbAhead(); // (e's own log is being read in order; it absorbs when done)
        }
      }
    }
    join(wp, e);
  }

  /** The workspace's pending state, created when missing. */
  private WorkspacePending workspace(Entry e) {
    String ws = e.task.workspace();
    WorkspacePending wp = pendingByWorkspace.get(ws);
    if (wp == null) {
      wp = new WorkspacePending(ws, e.partition);
      pendingByWorkspace.put(ws, wp);
    }
    return wp;
  }

  /**
   * Adds an entry whose predecessor is read (or none) to its workspace's list, unless that
   * predecessor is held, then holds it too; releases the held entries waiting for it.
   */
  private void join(WorkspacePending wp, Entry e) {
    if (e.predecessor != null && wp.isHeld(predecessorId(e))) {
      hold(wp, e);
      return;
    }
    Entry x = e;
    while (x != null) {
      addToWorkspace(wp, x);
      Entry next = wp.release(x.id());
      if (next != null) {
        heldCount--;
      }
      x = next;
    }
  }

  private static TaskId predecessorId(Entry e) {
    return new TaskId(e.partition, e.predecessor.band(), e.predecessor.position());
  }

  /** Holds an entry until its predecessor joins the workspace's list. */
  private void hold(WorkspacePending wp, Entry e) {
    if (wp.head != null) {
      active.remove(wp);
    }
    wp.hold(predecessorId(e), e, rankKey(e.rankPriority, e.rankNanos, agingNanos));
    heldCount++;
    if (wp.head != null) {
      rerank(wp);
    }
  }

  private void addToWorkspace(WorkspacePending wp, Entry e) {
    if (wp.size > 0) {
      active.remove(wp);
    }
    e.covers[0] = wp.lastCovers[0];
    e.covers[1] = wp.lastCovers[1];
    e.covers[e.band] = Math.max(e.covers[e.band], e.position);
    wp.lastCovers[0] = e.covers[0];
    wp.lastCovers[1] = e.covers[1];
    if (coalescing) {
      coalesce(wp, e);
    }
    wp.add(e);
    if (e.rankPriority < 0) {
      wp.urgentCount++;
      wp.urgentRankKey =
          Math.min(wp.urgentRankKey, rankKey(e.rankPriority, e.rankNanos, agingNanos));
    }
    pendingCount++;
    rerank(wp);
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
    if (old.rankPriority < 0) {
      wp.urgentCount--; // its rank passes to the entry that superseded it
    }
    by.supersede(old);
    wp.openSuperseded(old.id());
    old.finished = true;
    old.task = null;
    pendingCount--;
    coalescedCount.increment();
    coalescedUnreported++;
  }

  /**
   * The tasks coalesced away since the last call: the maintainer counts them toward the queue space
   * a commit releases.
   */
  int takeCoalesced() {
    lock.lock();
    try {
      int n = coalescedUnreported;
      coalescedUnreported = 0;
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Takes up to {@code batchSize} entries, always the best-ranked workspace's head next. */
  private List<Entry> takeBatch() {
    List<Entry> batch = new ArrayList<>(Math.min(batchSize, pendingCount));
    // a batch that starts with urgent work carries only urgent work (with the earlier tasks of its
    // workspaces, which inherit the priority): urgent tasks are applied without waiting for a
    // batch of normal ones behind them
    boolean urgentOnly = !active.isEmpty() && active.first().rankedUrgent;
    while (batch.size() < batchSize && !active.isEmpty()) {
      if (urgentOnly && !active.first().rankedUrgent) {
        break;
      }
      WorkspacePending best = active.pollFirst();
      WorkspacePending second = active.isEmpty() ? null : active.first();
      do {
        Entry e = best.pollFirst();
        if (e.rankPriority < 0) {
          best.urgentCount--;
        }
        best.inFlight++;
        batch.add(e);
        if (best.head == null) {
          break;
        }
        rank(best);
      } while (batch.size() < batchSize
          && (!urgentOnly || best.rankedUrgent)
          && (second == null || RANK.compare(best, second) < 0));
      rerank(best);
    }
    pendingCount -= batch.size();
    inFlight = batch.size();
    inFlightPartitions.clear();
    for (Entry e : batch) {
      inFlightPartitions.set(e.partition);
    }
    return batch;
  }

  /** Computes a workspace's rank from its entries (not in {@link #active} while this runs). */
  private void rank(WorkspacePending wp) {
    if (wp.urgentCount <= 0) {
      wp.urgentCount = 0;
      wp.urgentRankKey = Long.MAX_VALUE;
    }
    Entry h = wp.head;
    boolean heldUrgent = wp.heldUrgentCount() > 0;
    wp.rankedUrgent = wp.urgentCount > 0 || heldUrgent;
    long urgentKey =
        Math.min(
            wp.urgentCount > 0 ? wp.urgentRankKey : Long.MAX_VALUE,
            heldUrgent ? wp.heldUrgentRankKey() : Long.MAX_VALUE);
    wp.rankKey = wp.rankedUrgent ? urgentKey : rankKey(h.rankPriority, h.rankNanos, agingNanos);
    wp.rankOrder = h.readOrder;
  }

  /** (Re)inserts a workspace in the ranked set when it has pending entries. */
  private void rerank(WorkspacePending wp) {
    if (wp.head == null) {
      wp.urgentCount = 0;
      wp.urgentRankKey = Long.MAX_VALUE;
      if (wp.inFlight == 0 && !wp.holdsAny()) {
        pendingByWorkspace.remove(wp.workspace);
      }
      return;
    }
    rank(wp);
    active.add(wp);
  }

  /**
   * Orders heads exactly as "priority minus one level per {@code agingNanos} waited" does at any
   * moment: {@code priority × agingNanos + readNanos}, saturated.
   */
  static long rankKey(int priority, long readNanos, long agingNanos) {
    try {
      return Math.addExact(Math.multiplyExact((long) priority, agingNanos), readNanos);
    } catch (ArithmeticException overflow) {
      return priority < 0 ? Long.MIN_VALUE / 2 + readNanos / 4 : Long.MAX_VALUE / 2 + readNanos / 4;
    }
  }

  /**
   * Records the end of a batch: each entry finished (applied or dead-lettered), unless the batch
   * was abandoned for a rewind. Returns, per workspace, how far its tasks reached APPLIED in each
   * band (never past a dropped task whose superseder is not finished).
   */
  Map<String, long[]> completed(List<Entry> batch, boolean abandoned) {
    lock.lock();
    try {
      inFlight = 0;
      inFlightPartitions.clear();
      batchDone.signalAll();
      Map<String, long[]> marks = new HashMap<>();
      Map<String, WorkspacePending> touched = new HashMap<>();
      for (Entry e : batch) {
        String ws = e.task.workspace();
        WorkspacePending wp = pendingByWorkspace.get(ws);
        if (wp != null) {
          wp.inFlight--;
          touched.put(ws, wp);
        }
        if (abandoned) {
          continue;
        }
        e.finished = true;
        if (wp != null) {
          for (int i = 0; i < e.supersededCount; i++) {
            wp.closeSuperseded(e.superseded[i]);
          }
        }
        long[] m = marks.computeIfAbsent(ws, k -> new long[] {-1, -1});
        m[0] = Math.max(m[0], e.covers[0]);
        m[1] = Math.max(m[1], e.covers[1]);
      }
      for (Map.Entry<String, long[]> m : marks.entrySet()) {
        WorkspacePending wp = touched.get(m.getKey());
        if (wp != null) {
          for (int b = 0; b < 2; b++) {
            m.getValue()[b] = Math.min(m.getValue()[b], wp.markCap(b));
          }
        }
      }
      for (WorkspacePending wp : touched.values()) {
        if (wp.head == null && wp.inFlight == 0 && !wp.holdsAny()) {
          pendingByWorkspace.remove(wp.workspace);
        }
      }
      if (!abandoned) {
        for (Entry e : batch) {
          e.task = null;
        }
      }
      return marks;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- checkpoints

  /**
   * Writes into {@code positions} (indexed {@code partition × bands + band}) the checkpoint of each
   * of this lane's logs: the first position not finished, lowered until every finished entry below
   * it has its cross-band predecessor below the other band's checkpoint.
   */
  void checkpoint(long[] positions) {
    lock.lock();
    try {
      for (LogWindow[] ws : windows) {
        long[] cp = new long[bands];
        for (int b = 0; b < bands; b++) {
          cp[b] = ws[b].firstUnfinishedPosition();
        }
        if (bands == 2) {
          boolean changed = true;
          while (changed) {
            changed = false;
            for (int b = 0; b < 2; b++) {
              Entry e = ws[b].firstUnanchored(cp[b], cp[1 - b]);
              if (e != null) {
                cp[b] = e.position;
                changed = true;
              }
            }
          }
        }
        for (int b = 0; b < bands; b++) {
          positions[ws[b].partition * bands + b] = cp[b];
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A commit covered {@code checkpoint}: forget the entries below it. */
  void committed(Checkpoint checkpoint) {
    lock.lock();
    try {
      for (LogWindow[] ws : windows) {
        for (LogWindow w : ws) {
          if (checkpoint.covers(w.partition, w.band)) {
            w.dropBelow(checkpoint.position(w.partition, w.band));
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether every task that was in this lane's logs when the service started, or when the lanes
   * last rewound after a backend's loss, is finished (the replay is done).
   */
  boolean replayFinished() {
    lock.lock();
    try {
      for (LogWindow[] ws : windows) {
        for (LogWindow w : ws) {
          if (w.firstUnfinishedPosition() < w.startEnd) {
            return false;
          }
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- rewind

  /**
   * Forgets everything read and reads each log again from {@code checkpoint} (the backend lost what
   * it applied after it). No batch may be in flight. Returns how many finished tasks were
   * forgotten: they will be read and finished again.
   */
  long rewindTo(Checkpoint checkpoint) {
    lock.lock();
    try {
      long forgotten = 0;
      for (LogWindow[] ws : windows) {
        for (LogWindow w : ws) {
          forgotten += w.finishedCount();
          long from =
              checkpoint.covers(w.partition, w.band)
                  ? checkpoint.position(w.partition, w.band)
                  : queue.firstPosition(w.partition, w.band);
          w.reset(Math.max(from, queue.firstPosition(w.partition, w.band)));
          // the replay of this rewind ends where the log ends now (replayFinished)
          w.startEnd = Math.max(w.startEnd, queue.endPosition(w.partition, w.band));
        }
      }
      pendingByWorkspace.clear();
      active.clear();
      pendingCount = 0;
      heldCount = 0;
      inFlight = 0;
      if (drainedReported) {
        drainedReported = false;
        control.laneDrained(lane, false);
      }
      wake.signalAll();
      return forgotten;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- lifecycle and status

  void state(LifecycleState s) {
    lock.lock();
    try {
      state = s;
    } finally {
      lock.unlock();
    }
  }

  /** Tasks not finished: pending, in flight, fetched ahead, and unread (dense positions). */
  long unfinished() {
    lock.lock();
    try {
      long n = 0;
      for (LogWindow[] ws : windows) {
        for (LogWindow w : ws) {
          n += w.unfinished(queue.endPosition(w.partition, w.band));
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** The read position of one of this lane's logs (for the maintainer's group commits). */
  long readPosition(int partition, int band) {
    LogWindow[] ws = byPartition.get(partition);
    return ws == null ? Long.MAX_VALUE : ws[band].readPosition;
  }

  LaneStatus status(boolean stopped) {
    lock.lock();
    try {
      List<Integer> ps = new ArrayList<>(byPartition.keySet());
      return new LaneStatus(
          lane,
          state,
          stopped ? 0 : pendingCount,
          stopped ? 0 : inFlight,
          stopped ? 0 : active.size(),
          ps);
    } finally {
      lock.unlock();
    }
  }

  /** Per-partition status; {@code committed} is the last committed checkpoint. */
  List<PartitionStatus> partitionStatus(Checkpoint committed, boolean stopped) {
    lock.lock();
    try {
      long now = clock.nanoTime();
      List<PartitionStatus> out = new ArrayList<>(windows.length);
      for (LogWindow[] ws : windows) {
        int p = ws[0].partition;
        long depth = 0;
        long oldest = -1;
        for (LogWindow w : ws) {
          if (!stopped) {
            depth += w.unfinished(queue.endPosition(p, w.band));
            Entry first = w.firstUnfinished();
            if (first != null && (oldest < 0 || first.readNanos < oldest)) {
              oldest = first.readNanos;
            }
          }
        }
        boolean urgent = bands > 1;
        out.add(
            new PartitionStatus(
                p,
                lane,
                depth,
                Math.max(0, committed.position(p, TaskQueue.NORMAL_BAND)),
                urgent ? Math.max(0, committed.position(p, TaskQueue.URGENT_BAND)) : -1,
                stopped ? -1 : queue.endPosition(p, TaskQueue.NORMAL_BAND),
                urgent && !stopped ? queue.endPosition(p, TaskQueue.URGENT_BAND) : -1,
                oldest < 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - oldest))));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest read-but-unfinished entry's read time, or -1. */
  long oldestPendingReadNanos() {
    lock.lock();
    try {
      long oldest = -1;
      for (LogWindow[] ws : windows) {
        for (LogWindow w : ws) {
          Entry first = w.firstUnfinished();
          if (first != null && (oldest < 0 || first.readNanos < oldest)) {
            oldest = first.readNanos;
          }
        }
      }
      return oldest;
    } finally {
      lock.unlock();
    }
  }
}
