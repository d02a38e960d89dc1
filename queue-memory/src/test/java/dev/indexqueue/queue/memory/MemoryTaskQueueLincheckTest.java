package dev.indexqueue.queue.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, model checking mode, of the memory queue's per-partition read and acknowledge, as the
 * service uses them: producers append to two partitions from any thread; each partition has one
 * consumer (its lane) that reads everything appended so far from its own cursor; another thread
 * (the maintainer) acknowledges each partition up to what its consumer has read, and looks at the
 * first position. Checked against a sequential specification ({@link Spec}): two FIFO logs with
 * dense positions sharing one capacity bound ({@code FULL} when the logs together hold {@value
 * #CAPACITY} unacknowledged tasks).
 *
 * <p>An expected-to-fail run against a deliberately broken queue ({@link RacyBoundQueue}: the bound
 * checked with get-then-set instead of compare-and-set) proves the harness can fail.
 */
class MemoryTaskQueueLincheckTest {
  static final int CAPACITY = 2;
  static final int PARTITIONS = 2;
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

    /** Per partition: how far its consumer has read, published for the maintainer. */
    private final AtomicLong[] cursors = {new AtomicLong(), new AtomicLong()};

    abstract TaskQueue newQueue();

    /** A producer appends a task to a partition: its position, or FULL (-1). */
    @Operation
    public long append(
        @Param(gen = IntGen.class, conf = "0:1") int partition,
        @Param(gen = IntGen.class, conf = "0:2") int task) {
      return queue.append(partition, TaskQueue.NORMAL_BAND, TASKS[task], null);
    }

    /** Partition 0's consumer reads everything appended so far: "position=content" each. */
    @Operation(nonParallelGroup = "consumer0")
    public List<String> read0() {
      return readAll(0);
    }

    /** Partition 1's consumer, on its own thread. */
    @Operation(nonParallelGroup = "consumer1")
    public List<String> read1() {
      return readAll(1);
    }

    private List<String> readAll(int partition) {
      long cursor = cursors[partition].get();
      List<String> out = new ArrayList<>();
      while (true) {
        List<QueuedTask> read = queue.read(partition, TaskQueue.NORMAL_BAND, cursor, 8);
        if (read.isEmpty()) {
          break;
        }
        for (QueuedTask q : read) {
          out.add(q.position() + "=" + q.task().content());
          cursor = q.position() + 1;
        }
      }
      cursors[partition].set(cursor);
      return out;
    }

    /** The maintainer acknowledges a partition up to what its consumer has read. */
    @Operation(nonParallelGroup = "maintainer")
    public void acknowledge(@Param(gen = IntGen.class, conf = "0:1") int partition) {
      queue.acknowledge(partition, TaskQueue.NORMAL_BAND, cursors[partition].get());
    }

    /** The maintainer's view of a partition's first position. */
    @Operation(nonParallelGroup = "maintainer")
    public long firstPosition(@Param(gen = IntGen.class, conf = "0:1") int partition) {
      return queue.firstPosition(partition, TaskQueue.NORMAL_BAND);
    }
  }

  /** The real memory queue: two partitions of one band. */
  public static class RealQueue extends QueueOps {
    @Override
    TaskQueue newQueue() {
      return new MemoryTaskQueue(PARTITIONS, 1, CAPACITY);
    }
  }

  /** A broken queue: two producers can both take the last unit of capacity. */
  public static class BrokenQueue extends QueueOps {
    @Override
    TaskQueue newQueue() {
      return new RacyBoundQueue();
    }
  }

  /** The sequential specification: two FIFO logs with dense positions and a shared bound. */
  public static class Spec {
    private final List<List<String>> logs = List.of(new ArrayList<>(), new ArrayList<>());
    private final long[] heads = new long[PARTITIONS];
    private final long[] cursors = new long[PARTITIONS];

    private long held() {
      return logs.get(0).size() - heads[0] + logs.get(1).size() - heads[1];
    }

    public long append(int partition, int task) {
      if (held() >= CAPACITY) {
        return TaskQueue.FULL;
      }
      List<String> log = logs.get(partition);
      log.add(TASKS[task].content());
      return log.size() - 1;
    }

    public List<String> read0() {
      return readAll(0);
    }

    public List<String> read1() {
      return readAll(1);
    }

    private List<String> readAll(int partition) {
      List<String> log = logs.get(partition);
      List<String> out = new ArrayList<>();
      for (; cursors[partition] < log.size(); cursors[partition]++) {
        out.add(cursors[partition] + "=" + log.get((int) cursors[partition]));
      }
      return out;
    }

    public void acknowledge(int partition) {
      heads[partition] = Math.max(heads[partition], cursors[partition]);
    }

    public long firstPosition(int partition) {
      return heads[partition];
    }
  }

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(200)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(2)
        .sequentialSpecification(Spec.class);
  }

  @Test
  void perPartitionReadAndAcknowledgeAreLinearizable() {
    options().check(RealQueue.class);
  }

  @Test
  void modelCheckingFindsTheBrokenQueue() {
    // no minimization of the failing scenario: the test only needs to see that it fails
    assertThatThrownBy(() -> options().minimizeFailedScenario(false).check(BrokenQueue.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Invalid execution results");
  }

  /**
   * Two logs behind one monitor each, the bound shared: the memory queue's design, with its
   * compare-and-set on the shared count replaced by get-then-set (a lost update lets two producers
   * take the last unit of capacity).
   */
  static final class RacyBoundQueue implements TaskQueue {
    private final List<List<QueuedTask>> logs = List.of(new ArrayList<>(), new ArrayList<>());
    private final long[] heads = new long[PARTITIONS];
    private volatile long held;

    @Override
    public int partitions() {
      return PARTITIONS;
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      long h = held;
      if (h >= CAPACITY) {
        return FULL;
      }
      held = h + 1; // BUG: not atomic with the read above
      List<QueuedTask> log = logs.get(partition);
      synchronized (log) {
        long p = log.size();
        log.add(new QueuedTask(partition, band, p, task, predecessor));
        return p;
      }
    }

    @Override
    public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
      List<QueuedTask> log = logs.get(partition);
      synchronized (log) {
        List<QueuedTask> out = new ArrayList<>();
        for (long p = Math.max(fromPosition, heads[partition]);
            p < log.size() && out.size() < maxTasks;
            p++) {
          out.add(log.get((int) p));
        }
        return out;
      }
    }

    @Override
    public void acknowledge(int partition, int band, long position) {
      List<QueuedTask> log = logs.get(partition);
      long released;
      synchronized (log) {
        long upTo = Math.min(position, log.size());
        released = Math.max(0, upTo - heads[partition]);
        heads[partition] += released;
      }
      synchronized (this) {
        held -= released;
      }
    }

    @Override
    public long firstPosition(int partition, int band) {
      List<QueuedTask> log = logs.get(partition);
      synchronized (log) {
        return heads[partition];
      }
    }

    @Override
    public long endPosition(int partition, int band) {
      List<QueuedTask> log = logs.get(partition);
      synchronized (log) {
        return log.size();
      }
    }

    @Override
    public long size() {
      return held;
    }

    @Override
    public long capacity() {
      return CAPACITY;
    }

    @Override
    public void close() {}
  }
}
