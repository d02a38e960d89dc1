package dev.indexqueue.queue.memory;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded in-memory {@link TaskQueue}: a ring of {@code capacity} slots with dense positions 0,
 * 1, 2, …. Safe for any number of appending threads and one reader (the service's scheduler). Not
 * persistent: a restart starts empty.
 *
 * <p>Producers claim a position with one CAS on the tail (no lock), write the slot and publish it
 * by storing the position in the slot's sequence (release). The reader reads published slots in
 * order, many per call, without locks; {@link #acknowledge} clears slots and moves the head, which
 * frees space for producers. Memory is bounded by the capacity whatever the producer rate.
 */
final class MemoryTaskQueue implements TaskQueue {
  private final int capacity;
  private final IndexTask[] tasks;
  private final AtomicLongArray published;
  private final PaddedLong tail = new PaddedLong();
  private volatile long head;
  private volatile boolean closed;

  /** A tail counter on its own cache line, away from the head. */
  @SuppressWarnings("unused")
  private static final class PaddedLong extends java.util.concurrent.atomic.AtomicLong {
    private static final long serialVersionUID = 1L;
    long p1, p2, p3, p4, p5, p6, p7;
  }

  MemoryTaskQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: must be at least 1, was: " + capacity);
    }
    this.capacity = capacity;
    this.tasks = new IndexTask[capacity];
    this.published = new AtomicLongArray(capacity);
    for (int i = 0; i < capacity; i++) {
      published.set(i, -1);
    }
  }

  @Override
  public long append(IndexTask task) {
    if (closed) {
      throw new IllegalStateException("memory queue is closed");
    }
    long t;
    do {
      t = tail.get();
      if (t - head >= capacity) {
        return FULL;
      }
    } while (!tail.compareAndSet(t, t + 1));
    int i = (int) (t % capacity);
    tasks[i] = task;
    published.setRelease(i, t);
    return t;
  }

  @Override
  public List<QueuedTask> read(long fromPosition, int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks: must be at least 1, was: " + maxTasks);
    }
    long p = Math.max(fromPosition, head);
    long end = tail.get();
    int n = (int) Math.min(maxTasks, Math.max(0, end - p));
    if (n == 0) {
      return List.of();
    }
    List<QueuedTask> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++, p++) {
      int i = (int) (p % capacity);
      if (published.getAcquire(i) != p) {
        break; // claimed, not yet written: later positions wait for it (order)
      }
      out.add(new QueuedTask(p, tasks[i]));
    }
    return out;
  }

  @Override
  public void acknowledge(long position) {
    long h = head;
    long upTo = Math.min(position, tail.get());
    for (long p = h; p < upTo; p++) {
      int i = (int) (p % capacity);
      if (published.getAcquire(i) != p) {
        upTo = p; // never release a slot that is not yet written
        break;
      }
      tasks[i] = null;
    }
    if (upTo > h) {
      head = upTo;
    }
  }

  @Override
  public long firstPosition() {
    return head;
  }

  @Override
  public long endPosition() {
    return tail.get();
  }

  @Override
  public long size() {
    return Math.max(0, tail.get() - head);
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
    return "MemoryTaskQueue[size=" + size() + ", capacity=" + capacity + "]";
  }
}
