package dev.indexqueue.queue.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, model checking mode: many producers append to the memory queue while one consumer reads
 * and acknowledges, checked against a sequential bounded FIFO ({@link Spec}). The consumer's read
 * waits for positions that are claimed but not yet written, as the service's scheduler does by
 * reading again: so a read is linearized when it reads {@code endPosition()}, and an append when it
 * claims its position.
 *
 * <p>An expected-to-fail run against a deliberately broken ring (claims positions with get-then-set
 * instead of compare-and-set) proves the harness can fail.
 */
class MemoryTaskQueueLincheckTest {
  static final int CAPACITY = 2;
  static final IndexTask[] TASKS = new IndexTask[3];

  static {
    for (int i = 0; i < TASKS.length; i++) {
      TASKS[i] =
          IndexTask.indexFile("ws", "f.txt", Integer.toString(i)).withTimestamp(Instant.EPOCH);
    }
  }

  /** The operations, shared by the real and the broken queue. */
  abstract static class QueueOps {
    private final TaskQueue queue = newQueue();
    private long cursor;

    abstract TaskQueue newQueue();

    /** A producer appends a task: its position, or FULL (-1). */
    @Operation
    public long append(@Param(gen = IntGen.class, conf = "0:2") int task) {
      return queue.append(TASKS[task]);
    }

    /** The consumer reads everything appended so far: "position=content" each. */
    @Operation(nonParallelGroup = "consumer")
    public List<String> read() {
      long end = queue.endPosition();
      List<String> out = new ArrayList<>();
      while (cursor < end) {
        // an empty read means a producer claimed the next position and is still writing it
        for (QueuedTask q : queue.read(cursor, 8)) {
          out.add(q.position() + "=" + q.task().content());
          cursor = q.position() + 1;
        }
      }
      return out;
    }

    /** The consumer acknowledges what it read. */
    @Operation(nonParallelGroup = "consumer")
    public void acknowledge() {
      queue.acknowledge(cursor);
    }

    /**
     * The size, seen by the consumer (from another thread {@code size()} is only a snapshot: the
     * head may move between its two reads).
     */
    @Operation(nonParallelGroup = "consumer")
    public long size() {
      return queue.size();
    }

    /** The consumer's view of the first position. */
    @Operation(nonParallelGroup = "consumer")
    public long firstPosition() {
      return queue.firstPosition();
    }
  }

  /** The real memory queue. */
  public static class RealQueue extends QueueOps {
    @Override
    TaskQueue newQueue() {
      return MemoryTaskQueueProvider.newQueue(CAPACITY);
    }
  }

  /** A broken ring: the same as the memory queue but two producers can claim one position. */
  public static class BrokenQueue extends QueueOps {
    @Override
    TaskQueue newQueue() {
      return new RacyRing(CAPACITY);
    }
  }

  /** The sequential specification: a bounded FIFO log with dense positions. */
  public static class Spec {
    private final List<String> contents = new ArrayList<>();
    private long head;
    private long cursor;

    public long append(int task) {
      long tail = contents.size();
      if (tail - head >= CAPACITY) {
        return TaskQueue.FULL;
      }
      contents.add(TASKS[task].content());
      return tail;
    }

    public List<String> read() {
      List<String> out = new ArrayList<>();
      for (; cursor < contents.size(); cursor++) {
        out.add(cursor + "=" + contents.get((int) cursor));
      }
      return out;
    }

    public void acknowledge() {
      head = Math.max(head, cursor);
    }

    public long size() {
      return contents.size() - head;
    }

    public long firstPosition() {
      return head;
    }
  }

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(250)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(Spec.class);
  }

  @Test
  void memoryQueueIsLinearizable() {
    options().check(RealQueue.class);
  }

  @Test
  void modelCheckingFindsTheBrokenQueue() {
    assertThatThrownBy(() -> options().check(BrokenQueue.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Invalid execution results");
  }

  /** The memory queue with its compare-and-set replaced by get-then-set: a lost update. */
  static final class RacyRing implements TaskQueue {
    private final int capacity;
    private final IndexTask[] tasks;
    private final AtomicLongArray published;
    private final AtomicLong tail = new AtomicLong();
    private volatile long head;

    RacyRing(int capacity) {
      this.capacity = capacity;
      this.tasks = new IndexTask[capacity];
      this.published = new AtomicLongArray(capacity);
      for (int i = 0; i < capacity; i++) {
        published.set(i, -1);
      }
    }

    @Override
    public long append(IndexTask task) {
      long t = tail.get();
      if (t - head >= capacity) {
        return FULL;
      }
      tail.set(t + 1); // BUG: not atomic with the read above
      int i = (int) (t % capacity);
      tasks[i] = task;
      published.set(i, t);
      return t;
    }

    @Override
    public List<QueuedTask> read(long fromPosition, int maxTasks) {
      long p = Math.max(fromPosition, head);
      long end = tail.get();
      List<QueuedTask> out = new ArrayList<>();
      for (; p < end && out.size() < maxTasks; p++) {
        int i = (int) (p % capacity);
        if (published.get(i) != p) {
          break;
        }
        out.add(new QueuedTask(p, tasks[i]));
      }
      return out;
    }

    @Override
    public void acknowledge(long position) {
      long upTo = Math.min(position, tail.get());
      if (upTo > head) {
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
    public void close() {}
  }
}
