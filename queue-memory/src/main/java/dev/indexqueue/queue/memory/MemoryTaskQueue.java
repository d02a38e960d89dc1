package dev.indexqueue.queue.memory;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded in-memory {@link TaskQueue}: {@code partitions × bands} logs, each a ring with dense
 * positions 0, 1, 2, … that grows as needed. Safe for any number of appending threads, one reader
 * per partition and an acknowledging thread at once. Not persistent: a restart starts empty.
 *
 * <p>Each log has its own lock, held only to copy references in or out, so producers of one
 * partition and the readers of the others never wait for each other. The bound is global: a
 * producer reserves one unit of {@link #capacity()} with a CAS on a shared counter, under its log's
 * lock, and gets {@link #FULL} when there is none; {@link #acknowledge} gives the units back under
 * the same lock. So per log, append and acknowledge are atomic with the space they take or free.
 * Memory is bounded by the capacity whatever the producer rate.
 */
final class MemoryTaskQueue implements TaskQueue {
  private final int partitions;
  private final int bands;
  private final long capacity;
  private final AtomicLong held = new AtomicLong();
  private final Log[] logs;
  private volatile boolean closed;

  /**
   * One (partition, band) log. Fields guarded by {@link #lock}; head and tail also read lock-free.
   */
  private static final class Log {
    final ReentrantLock lock = new ReentrantLock();
    QueuedTask[] ring = new QueuedTask[16];
    volatile long head;
    volatile long tail;
  }

  MemoryTaskQueue(int partitions, int bands, long capacity) {
    this.partitions = Partitioning.checkPartitions(partitions);
    if (bands < 1 || bands > 2) {
      throw new IllegalArgumentException("bands: must be 1 or 2, was: " + bands);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: must be at least 1, was: " + capacity);
    }
    this.bands = bands;
    this.capacity = capacity;
    this.logs = new Log[partitions * bands];
    for (int i = 0; i < logs.length; i++) {
      logs[i] = new Log();
    }
  }

  private Log log(int partition, int band) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException(
          "partition: must be between 0 and " + (partitions - 1) + ", was: " + partition);
    }
    if (band < 0 || band >= bands) {
      throw new IllegalArgumentException(
          "band: must be between 0 and " + (bands - 1) + ", was: " + band);
    }
    return logs[partition * bands + band];
  }

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public int bands() {
    return bands;
  }

  @Override
  public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
    Objects.requireNonNull(task, "task");
    if (closed) {
      throw new IllegalStateException("memory queue is closed");
    }
    Log l = log(partition, band);
    l.lock.lock();
    try {
      // reserve under the log's lock, so that no reader of this log sees the space taken before
      // the task is there (a FULL elsewhere would otherwise be explained by a task not yet
      // readable)
      long h;
      do {
        h = held.get();
        if (h >= capacity) {
          return FULL;
        }
      } while (!held.compareAndSet(h, h + 1));
      long p = l.tail;
      if (p - l.head >= l.ring.length) {
        grow(l);
      }
      l.ring[(int) (p & (l.ring.length - 1))] =
          new QueuedTask(partition, band, p, task, predecessor);
      l.tail = p + 1;
      return p;
    } finally {
      l.lock.unlock();
    }
  }

  private static void grow(Log l) {
    QueuedTask[] old = l.ring;
    QueuedTask[] ring = new QueuedTask[old.length * 2];
    for (long p = l.head; p < l.tail; p++) {
      ring[(int) (p & (ring.length - 1))] = old[(int) (p & (old.length - 1))];
    }
    l.ring = ring;
  }

  @Override
  public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks: must be at least 1, was: " + maxTasks);
    }
    Log l = log(partition, band);
    l.lock.lock();
    try {
      long p = Math.max(fromPosition, l.head);
      long n = Math.min(maxTasks, l.tail - p);
      if (n <= 0) {
        return List.of();
      }
      List<QueuedTask> out = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++, p++) {
        out.add(l.ring[(int) (p & (l.ring.length - 1))]);
      }
      return out;
    } finally {
      l.lock.unlock();
    }
  }

  @Override
  public void acknowledge(int partition, int band, long position) {
    Log l = log(partition, band);
    long released;
    l.lock.lock();
    try {
      long upTo = Math.min(position, l.tail);
      if (upTo <= l.head) {
        return;
      }
      for (long p = l.head; p < upTo; p++) {
        l.ring[(int) (p & (l.ring.length - 1))] = null;
      }
      released = upTo - l.head;
      l.head = upTo;
      held.addAndGet(-released);
    } finally {
      l.lock.unlock();
    }
  }

  @Override
  public long firstPosition(int partition, int band) {
    return log(partition, band).head;
  }

  @Override
  public long endPosition(int partition, int band) {
    return log(partition, band).tail;
  }

  @Override
  public long size() {
    return held.get();
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "MemoryTaskQueue["
        + partitions
        + "x"
        + bands
        + ", size="
        + size()
        + ", capacity="
        + capacity
        + "]";
  }
}
