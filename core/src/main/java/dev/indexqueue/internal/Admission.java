package dev.indexqueue.internal;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.QueueFullException;
import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Admission: validates a task, picks its partition and band, links it to its workspace's previous
 * task, appends it, and applies backpressure when the queue is full. Thread-safe: any number of
 * producers call {@link #submit} at once.
 *
 * <p>Order: appends of one workspace are serialized on that workspace's {@link Tail} monitor, so
 * the predecessor stored with each task is exactly the task accepted before it, and the acceptance
 * order of a workspace is the same in memory, in the queue and after a restart. A full queue is
 * waited for outside that monitor.
 *
 * <p>Closing: {@link #close()} stops accepting; {@link #awaitNoSubmits} then waits, on a condition
 * (no spinning), until every submit that got past the check has returned, or until a deadline: a
 * submit stuck in the queue's append (a cluster that does not answer) does not hold the shutdown.
 */
final class Admission {
  /** A workspace's last accepted task. Guarded by its own monitor. */
  static final class Tail {
    int band = -1;
    long position = -1;
  }

  private final String name;
  private final TaskQueue queue;
  private final WorkspaceSource source;
  private final int partitions;
  private final int bands;
  private final long maxContentBytes;
  private final BackpressurePolicy backpressure;
  private final long blockTimeoutNanos;
  private final LaneScheduler[] lanes;
  private final LongAdder accepted;
  private final Supplier<Checkpoint> committed;
  private final Supplier<String> refusal;

  private final ConcurrentHashMap<String, Tail> tails = new ConcurrentHashMap<>();

  private final ReentrantLock spaceLock = new ReentrantLock();
  private final Condition spaceAvailable = spaceLock.newCondition();
  private final AtomicInteger blockedProducers = new AtomicInteger();

  private final LongAdder activeSubmits = new LongAdder();
  private final ReentrantLock quietLock = new ReentrantLock();
  private final Condition quiet = quietLock.newCondition();
  private volatile boolean accepting;

  Admission(
      Settings settings,
      LaneScheduler[] lanes,
      LongAdder accepted,
      Supplier<Checkpoint> committed,
      Supplier<String> refusal) {
    this.name = settings.name();
    this.queue = settings.queue();
    this.source = settings.source();
    this.partitions = queue.partitions();
    this.bands = queue.bands();
    this.maxContentBytes = settings.maxContentBytes();
    this.backpressure = settings.backpressure();
    this.blockTimeoutNanos = Settings.saturatedNanos(settings.blockTimeout());
    this.lanes = lanes;
    this.accepted = accepted;
    this.committed = committed;
    this.refusal = refusal;
  }

  /** Remembers a workspace's last task found in the queue at start (see {@code Recovery}). */
  void restoreTail(String workspace, int band, long position) {
    Tail t = tails.computeIfAbsent(workspace, k -> new Tail());
    t.band = band;
    t.position = position;
  }

  void open() {
    accepting = true;
  }

  /** The band a task goes to. */
  int bandOf(IndexTask task) {
    return bands == 2 && task.priority() < 0 ? TaskQueue.URGENT_BAND : TaskQueue.NORMAL_BAND;
  }

  /**
   * Validates and appends a task.
   *
   * @return where it went
   */
  TaskId submit(IndexTask task) {
    if (task == null) {
      throw new IllegalArgumentException("task: is required, was: null");
    }
    task.checkContentSize(maxContentBytes);
    if (task.type() == IndexTaskType.REINDEX_WORKSPACE && source == WorkspaceSource.none()) {
      throw new IllegalStateException(
          "REINDEX_WORKSPACE needs a workspace source: configure"
              + " IndexingService.builder().workspaceSource(...)");
    }
    activeSubmits.increment();
    try {
      checkAccepting();
      String ws = task.workspace();
      int partition = Partitioning.partitionOf(ws, partitions);
      int band = bandOf(task);
      Tail tail = tails.get(ws);
      if (tail == null) {
        tail = tails.computeIfAbsent(ws, k -> new Tail());
      }
      long position = append(tail, partition, band, task);
      if (position == TaskQueue.FULL) {
        position = waitForSpace(tail, partition, band, task);
      }
      accepted.increment();
      lanes[LaneScheduler.laneOf(partition, lanes.length)].dataArrived();
      return new TaskId(partition, band, position);
    } finally {
      activeSubmits.decrement();
      if (!accepting) {
        quietLock.lock();
        try {
          quiet.signalAll();
        } finally {
          quietLock.unlock();
        }
      }
    }
  }

  /** Appends under the workspace's monitor, linking the task to the previous one. */
  private long append(Tail tail, int partition, int band, IndexTask task) {
    synchronized (tail) {
      Predecessor predecessor = null;
      if (tail.position >= 0) {
        Checkpoint cp = committed.get();
        long committedAt = cp.position(partition, tail.band);
        if (tail.position >= committedAt) {
          predecessor = new Predecessor(tail.band, tail.position);
        }
      }
      long position = queue.append(partition, band, task, predecessor);
      if (position != TaskQueue.FULL) {
        tail.band = band;
        tail.position = position;
      }
      return position;
    }
  }

  /** The last task accepted for a workspace, or null. */
  TaskId lastAccepted(String workspace) {
    Tail t = tails.get(workspace);
    if (t == null) {
      return null;
    }
    synchronized (t) {
      if (t.position < 0) {
        return null;
      }
      return new TaskId(Partitioning.partitionOf(workspace, partitions), t.band, t.position);
    }
  }

  private void checkAccepting() {
    if (!accepting) {
      throw new IllegalStateException(refusal.get());
    }
  }

  private long waitForSpace(Tail tail, int partition, int band, IndexTask task) {
    if (backpressure == BackpressurePolicy.REJECT) {
      throw new QueueFullException(
          "queue full: " + queue.size() + " of " + queue.capacity() + " tasks (policy REJECT)");
    }
    long deadline = Settings.deadline(System.nanoTime(), blockTimeoutNanos);
    blockedProducers.incrementAndGet();
    try {
      while (true) {
        long position = append(tail, partition, band, task);
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
                  + Duration.ofNanos(blockTimeoutNanos)
                  + " (policy BLOCK)");
        }
        spaceLock.lock();
        try {
          // re-check under the lock: an acknowledge that freed space signals under it
          if (queue.size() < queue.capacity() || !accepting) {
            continue;
          }
          spaceAvailable.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new QueueFullException("interrupted while waiting for queue space");
        } finally {
          spaceLock.unlock();
        }
      }
    } finally {
      blockedProducers.decrementAndGet();
    }
  }

  /** Space was freed (an acknowledge), or the service stops: wakes blocked producers. */
  void wakeProducers() {
    if (blockedProducers.get() > 0) {
      spaceLock.lock();
      try {
        spaceAvailable.signalAll();
      } finally {
        spaceLock.unlock();
      }
    }
  }

  /** Stops accepting; submits in progress finish or fail. */
  void close() {
    accepting = false;
    wakeProducers();
  }

  /**
   * Waits until no submit is in progress (after {@link #close()}), on a condition signalled by each
   * submit as it returns, or until {@code deadline} ({@link System#nanoTime()}).
   *
   * @return the submits still in progress at the deadline (stuck in the queue's append), or 0
   */
  long awaitNoSubmits(long deadline) throws InterruptedException {
    quietLock.lock();
    try {
      while (true) {
        long active = activeSubmits.sum();
        if (active <= 0) {
          return 0;
        }
        wakeProducers();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return active;
        }
        quiet.awaitNanos(left);
      }
    } finally {
      quietLock.unlock();
    }
  }

  /** For messages: the service's name. */
  String name() {
    return name;
  }
}
