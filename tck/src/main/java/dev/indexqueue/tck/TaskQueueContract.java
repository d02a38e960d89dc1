package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link TaskQueue} keeps (docs/DESIGN.md §1, §5 and §6 and the {@code
 * TaskQueue} javadoc), as an abstract JUnit 5 test class: extend it, implement {@link #create(Path,
 * int)}, and the whole suite runs against your queue. Each test method runs on a fresh instance
 * (JUnit's default lifecycle) with its own temporary directory; the suite itself is not meant to be
 * shared between threads, but several tests drive the queue under test from many threads, as the
 * service does.
 *
 * <p>Guarantees checked, on one log (partition 0, band 0) unless said: FIFO for one producer;
 * per-producer order with four concurrent producers and a concurrent reader; positions distinct,
 * non-negative, increasing per producer and never reused; reading from any position (below {@link
 * TaskQueue#firstPosition}, in the middle, at and beyond the end); acknowledging (frees space,
 * idempotent, a lower position is a no-op); the capacity bound ({@link TaskQueue#FULL} at capacity,
 * over all logs, space back after an acknowledge); consistency of size, first and end position;
 * tasks read back {@code equals} to those appended (all fields, the timestamp to the nanosecond,
 * and the predecessor); close semantics. Partitions: every (partition, band) log is its own FIFO
 * with its own positions; acknowledging one log leaves the others alone; readers of different
 * partitions run concurrently with producers of all of them; partition and band out of range are
 * refused. For queues that claim {@link #persistent()}, restart semantics, per log. Like JCTools'
 * {@code QueueSanityTest}, properties a queue does not claim are skipped (reported as skipped, not
 * passed):
 *
 * <pre>{@code
 * class MyQueueTest extends TaskQueueContract {
 *   protected TaskQueue create(Path dir, int partitions, int capacity) {
 *     return new MyQueue(dir, partitions, capacity);
 *   }
 *
 *   protected boolean persistent() {
 *     return true; // also run the restart tests: create(dir, …) again reopens what was there
 *   }
 * }
 * }</pre>
 */
public abstract class TaskQueueContract {
  /** The capacity the suite asks for unless a test needs another. */
  protected static final int CAPACITY = 64;

  /** A fresh directory per test, for queues that store files. */
  @TempDir protected Path dir;

  private final List<TaskQueue> opened = new ArrayList<>();

  /** Creates the suite; subclasses need a no-argument constructor (JUnit instantiates them). */
  protected TaskQueueContract() {}

  /**
   * Creates a queue with {@code partitions} partitions that holds at most {@code capacity}
   * unacknowledged tasks over all of them. For a persistent queue, calling it again with the same
   * {@code dir} after {@link TaskQueue#close()} reopens what the first one stored (see {@link
   * #reopen}).
   *
   * @param dir an empty directory owned by the test, where the queue may store files
   * @param partitions the number of partitions, at least 1
   * @param capacity the most unacknowledged tasks, at least 1
   */
  protected abstract TaskQueue create(Path dir, int partitions, int capacity);

  /** {@link #create(Path, int, int)} with one partition. */
  protected TaskQueue create(Path dir, int capacity) {
    return create(dir, 1, capacity);
  }

  /**
   * Whether the queue keeps its tasks across close and reopen. When true the restart tests run and
   * the queue must report {@link TaskQueue#isPersistent()}. Default false.
   */
  protected boolean persistent() {
    return false;
  }

  /**
   * Reopens a closed persistent queue on {@code dir}. Default: {@link #create(Path, int)} with the
   * same arguments.
   *
   * @param dir the directory the closed queue used
   * @param partitions the partitions it had
   * @param capacity the capacity it had
   */
  protected TaskQueue reopen(Path dir, int partitions, int capacity) {
    return create(dir, partitions, capacity);
  }

  private TaskQueue reopen(Path dir, int capacity) {
    return reopen(dir, 1, capacity);
  }

  /**
   * Whether positions are dense (0, 1, 2, … with no gaps). The contract does not require it; when a
   * queue claims it, the suite checks it. Default false.
   */
  protected boolean densePositions() {
    return false;
  }

  /** How many tasks each of the four producers appends in the concurrent test. Default 5,000. */
  protected int tasksPerProducer() {
    return 5_000;
  }

  /**
   * How many tasks each of the three producers appends to a queue of capacity 2 in the contention
   * test, where nearly every append first meets a full queue. Default 2,000; a queue whose append
   * waits for a network round trip (Kafka: three replicas) lowers it.
   */
  protected int tasksPerProducerOnATinyQueue() {
    return 2_000;
  }

  /** Closes what the test opened (closing twice is part of the contract). */
  @AfterEach
  public void closeOpened() {
    for (TaskQueue q : opened) {
      q.close();
    }
  }

  private TaskQueue open(int capacity) {
    return open(1, capacity);
  }

  private TaskQueue open(int partitions, int capacity) {
    TaskQueue q = create(dir, partitions, capacity);
    opened.add(q);
    return q;
  }

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456789Z");

  /**
   * A task whose content names its producer and index, so order can be read back from it. Its
   * timestamp has nanoseconds: a queue must give back a task {@code equals} to the one appended.
   */
  protected static IndexTask task(int producer, int i) {
    return new IndexTask(
        IndexTaskType.INDEX_FILE,
        "ws-" + producer,
        "p" + producer + "/t" + i,
        producer + ":" + i,
        i % 3 - 1,
        T0.plusSeconds(i));
  }

  private static long append(TaskQueue q, IndexTask t) {
    return append(q, 0, 0, t, null);
  }

  private static long append(TaskQueue q, int partition, int band, IndexTask t, Predecessor pred) {
    long p = q.append(partition, band, t, pred);
    assertThat(p).as("append of %s returned FULL below capacity", t).isNotEqualTo(TaskQueue.FULL);
    assertThat(p).as("position").isNotNegative();
    return p;
  }

  private static List<QueuedTask> readAll(TaskQueue q, long from, int chunk) {
    return readAll(q, 0, 0, from, chunk);
  }

  private static List<QueuedTask> readAll(
      TaskQueue q, int partition, int band, long from, int chunk) {
    List<QueuedTask> out = new ArrayList<>();
    long p = from;
    while (true) {
      List<QueuedTask> r = q.read(partition, band, p, chunk);
      assertThat(r.size())
          .as("read(%d, %d) returned too many", p, chunk)
          .isLessThanOrEqualTo(chunk);
      if (r.isEmpty()) {
        return out;
      }
      out.addAll(r);
      p = r.get(r.size() - 1).position() + 1;
    }
  }

  // ------------------------------------------------------------------------------ order

  /** One producer: read returns exactly what was appended, in append order, whatever the chunk. */
  @Test
  public void fifoForOneProducer() {
    TaskQueue q = open(CAPACITY);
    List<Long> positions = new ArrayList<>();
    List<IndexTask> tasks = new ArrayList<>();
    for (int i = 0; i < CAPACITY; i++) {
      IndexTask t = task(0, i);
      tasks.add(t);
      positions.add(append(q, t));
    }
    for (int chunk : new int[] {1, 3, CAPACITY, 10 * CAPACITY}) {
      List<QueuedTask> read = readAll(q, q.firstPosition(0, 0), chunk);
      assertThat(read)
          .extracting(QueuedTask::position)
          .as("positions, chunk %d", chunk)
          .isEqualTo(positions);
      assertThat(read).extracting(QueuedTask::task).as("tasks, chunk %d", chunk).isEqualTo(tasks);
    }
    assertThat(positions).isSorted().doesNotHaveDuplicates();
    if (densePositions()) {
      for (int i = 1; i < positions.size(); i++) {
        assertThat(positions.get(i)).as("dense positions").isEqualTo(positions.get(i - 1) + 1);
      }
    }
  }

  /**
   * Four producers append concurrently while one reader reads and acknowledges: every task is read
   * exactly once, at the position its append returned, in position order, and each producer's tasks
   * in its own order. The queue never holds more than its capacity.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  public void perProducerOrderWithFourProducers() throws Exception {
    int producers = 4;
    int perProducer = tasksPerProducer();
    int capacity = 256;
    TaskQueue q = open(capacity);
    Map<Long, IndexTask> appended = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong overCapacity = new AtomicLong(-1);
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    List<Future<List<Long>>> futures = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                List<Long> mine = new ArrayList<>(perProducer);
                for (int i = 0; i < perProducer; i++) {
                  IndexTask t = task(producer, i);
                  long pos;
                  while ((pos = q.append(0, 0, t, null)) == TaskQueue.FULL) {
                    Thread.onSpinWait(); // the reader below frees space
                  }
                  appended.put(pos, t);
                  mine.add(pos);
                }
                return mine;
              }));
    }
    start.countDown();
    List<QueuedTask> read = new ArrayList<>(producers * perProducer);
    long from = q.firstPosition(0, 0);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (read.size() < producers * perProducer) {
      long size = q.size();
      if (size > capacity) {
        overCapacity.set(size);
      }
      List<QueuedTask> r = q.read(0, 0, from, 100);
      if (r.isEmpty()) {
        assertThat(System.nanoTime())
            .as("reader stalled after %d tasks", read.size())
            .isLessThan(deadline);
        Thread.onSpinWait();
        continue;
      }
      for (QueuedTask t : r) {
        assertThat(t.position()).as("read order").isGreaterThanOrEqualTo(from);
        from = t.position() + 1;
        read.add(t);
      }
      q.acknowledge(0, 0, from);
    }
    pool.shutdown();
    Set<Long> all = new HashSet<>();
    for (int p = 0; p < producers; p++) {
      List<Long> mine = futures.get(p).get(1, TimeUnit.MINUTES);
      assertThat(mine).as("positions of producer %d", p).isSorted().doesNotHaveDuplicates();
      all.addAll(mine);
    }
    assertThat(all).as("distinct positions").hasSize(producers * perProducer);
    assertThat(overCapacity.get()).as("size above capacity").isEqualTo(-1);
    assertThat(q.read(0, 0, from, 10)).as("nothing more to read").isEmpty();
    int[] next = new int[producers];
    for (QueuedTask t : read) {
      assertThat(t.task())
          .as("task at position %d", t.position())
          .isEqualTo(appended.get(t.position()));
      String[] content = t.task().content().split(":");
      int producer = Integer.parseInt(content[0]);
      assertThat(Integer.parseInt(content[1]))
          .as("order of producer %d", producer)
          .isEqualTo(next[producer]);
      next[producer]++;
    }
    assertThat(q.size()).isZero();
  }

  // ------------------------------------------------------------------------------ positions

  /** Positions are never reused: not after acknowledging everything, not after wrapping around. */
  @Test
  public void positionsAreNeverReused() {
    int capacity = 8;
    TaskQueue q = open(capacity);
    Set<Long> seen = new HashSet<>();
    long last = -1;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < capacity; i++) {
        long p = append(q, task(0, round * capacity + i));
        assertThat(seen.add(p)).as("position %d reused", p).isTrue();
        assertThat(p).as("positions increase").isGreaterThan(last);
        last = p;
      }
      q.acknowledge(0, 0, q.endPosition(0, 0));
      assertThat(q.size()).isZero();
    }
  }

  // ------------------------------------------------------------------------------ read

  /**
   * Reading from any position: at a task's position it starts there; between positions at the next
   * one; below {@link TaskQueue#firstPosition} from there; at or beyond the end it returns nothing;
   * reading does not remove anything.
   */
  @Test
  public void readFromAPosition() {
    TaskQueue q = open(CAPACITY);
    List<Long> positions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      positions.add(append(q, task(0, i)));
    }
    for (int i = 0; i < positions.size(); i++) {
      List<QueuedTask> r = q.read(0, 0, positions.get(i), 1000);
      assertThat(r)
          .extracting(QueuedTask::position)
          .as("read(%d)", positions.get(i))
          .isEqualTo(positions.subList(i, positions.size()));
      List<QueuedTask> one = q.read(0, 0, positions.get(i), 1);
      assertThat(one).extracting(QueuedTask::position).containsExactly(positions.get(i));
      if (i > 0 && positions.get(i) - positions.get(i - 1) > 1) {
        assertThat(q.read(0, 0, positions.get(i - 1) + 1, 1))
            .extracting(QueuedTask::position)
            .containsExactly(positions.get(i));
      }
    }
    long end = q.endPosition(0, 0);
    assertThat(end)
        .as("endPosition above every position")
        .isGreaterThan(positions.get(positions.size() - 1));
    assertThat(q.read(0, 0, end, 10)).as("read at endPosition").isEmpty();
    assertThat(q.read(0, 0, end + 1_000, 10)).as("read beyond endPosition").isEmpty();
    assertThat(q.read(0, 0, Long.MAX_VALUE - 1, 10)).as("read far beyond endPosition").isEmpty();
    assertThat(q.size()).as("reading removes nothing").isEqualTo(20);

    long ack = positions.get(10);
    q.acknowledge(0, 0, ack);
    long first = q.firstPosition(0, 0);
    assertThat(first).as("firstPosition after acknowledge(%d)", ack).isLessThanOrEqualTo(ack);
    List<QueuedTask> fromZero = q.read(0, 0, 0, 1000);
    List<QueuedTask> fromFirst = q.read(0, 0, first, 1000);
    assertThat(fromZero)
        .as("read(0) below firstPosition reads from firstPosition")
        .isEqualTo(fromFirst);
    assertThat(fromZero.get(0).position()).isGreaterThanOrEqualTo(first);
    assertThat(fromZero)
        .extracting(QueuedTask::position)
        .as("unacknowledged tasks still readable")
        .containsAll(positions.subList(10, 20));
    if (first > 0) {
      assertThat(q.read(0, 0, first - 1, 1000)).isEqualTo(fromFirst);
    }
  }

  // ------------------------------------------------------------------------------ acknowledge

  /** Acknowledging releases space; doing it twice, or with a lower position, changes nothing. */
  @Test
  public void acknowledgeReleasesAndIsIdempotent() {
    TaskQueue q = open(CAPACITY);
    List<Long> positions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      positions.add(append(q, task(0, i)));
    }
    q.acknowledge(0, 0, positions.get(4));
    assertThat(q.size()).as("size after acknowledging 4 of 10").isEqualTo(6);
    long first = q.firstPosition(0, 0);
    assertThat(first).isGreaterThan(positions.get(3)).isLessThanOrEqualTo(positions.get(4));

    q.acknowledge(0, 0, positions.get(4));
    assertThat(q.size()).as("acknowledge twice").isEqualTo(6);
    assertThat(q.firstPosition(0, 0)).isEqualTo(first);

    q.acknowledge(0, 0, positions.get(1));
    q.acknowledge(0, 0, 0);
    assertThat(q.size()).as("lower acknowledge is a no-op").isEqualTo(6);
    assertThat(q.firstPosition(0, 0)).isEqualTo(first);
    assertThat(q.read(0, 0, 0, 100))
        .extracting(QueuedTask::position)
        .isEqualTo(positions.subList(4, 10));

    q.acknowledge(0, 0, q.endPosition(0, 0));
    assertThat(q.size()).as("everything acknowledged").isZero();
    assertThat(q.read(0, 0, 0, 100)).isEmpty();
    long p = append(q, task(0, 10));
    assertThat(p).isGreaterThan(positions.get(9));
    assertThat(q.read(0, 0, 0, 100)).extracting(QueuedTask::position).containsExactly(p);
  }

  // ------------------------------------------------------------------------------ capacity

  /** At capacity append returns FULL without storing; an acknowledge gives the space back. */
  @Test
  public void capacityBound() {
    int capacity = 16;
    TaskQueue q = open(capacity);
    assertThat(q.capacity()).as("capacity()").isEqualTo(capacity);
    List<Long> positions = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      positions.add(append(q, task(0, i)));
    }
    assertThat(q.size()).isEqualTo(capacity);
    long end = q.endPosition(0, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(q.append(0, 0, task(1, i), null))
          .as("append at capacity")
          .isEqualTo(TaskQueue.FULL);
    }
    assertThat(q.size()).as("FULL stores nothing").isEqualTo(capacity);
    assertThat(q.endPosition(0, 0)).as("FULL stores nothing").isEqualTo(end);
    assertThat(readAll(q, 0, 100)).extracting(QueuedTask::position).isEqualTo(positions);

    q.acknowledge(0, 0, positions.get(2));
    long p1 = append(q, task(2, 0));
    long p2 = append(q, task(2, 1));
    assertThat(q.append(0, 0, task(2, 2), null))
        .as("append at capacity again")
        .isEqualTo(TaskQueue.FULL);
    assertThat(p1).isGreaterThan(positions.get(capacity - 1));
    assertThat(p2).isGreaterThan(p1);
    assertThat(q.size()).isEqualTo(capacity);
    List<QueuedTask> all = readAll(q, 0, 5);
    assertThat(all).hasSize(capacity);
    assertThat(all.get(capacity - 1).task()).isEqualTo(task(2, 1));
  }

  /** A queue of capacity 1 still works: one task at a time. */
  @Test
  public void capacityOne() {
    TaskQueue q = open(1);
    for (int i = 0; i < 5; i++) {
      long p = append(q, task(0, i));
      assertThat(q.append(0, 0, task(1, i), null)).isEqualTo(TaskQueue.FULL);
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::task).containsExactly(task(0, i));
      q.acknowledge(0, 0, p + 1);
      assertThat(q.size()).isZero();
    }
  }

  // ------------------------------------------------------------------------------ counters

  /** size, firstPosition and endPosition agree with what was appended and acknowledged. */
  @Test
  public void sizeFirstAndEndPositionAreConsistent() {
    TaskQueue q = open(CAPACITY);
    assertThat(q.size()).as("new queue").isZero();
    assertThat(q.endPosition(0, 0))
        .as("endPosition of a new queue")
        .isGreaterThanOrEqualTo(q.firstPosition(0, 0));
    assertThat(q.firstPosition(0, 0)).isNotNegative();
    assertThat(q.read(0, 0, q.firstPosition(0, 0), 10)).isEmpty();
    List<Long> positions = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long p = append(q, task(0, i));
      positions.add(p);
      assertThat(q.size()).isEqualTo(i + 1);
      assertThat(q.endPosition(0, 0)).as("endPosition after append at %d", p).isGreaterThan(p);
      assertThat(q.firstPosition(0, 0)).isLessThanOrEqualTo(positions.get(0));
    }
    for (int i = 0; i < 30; i += 7) {
      q.acknowledge(0, 0, positions.get(i));
      assertThat(q.size()).as("size after acknowledge(position %d)", i).isEqualTo(30 - i);
      assertThat(q.firstPosition(0, 0)).isLessThanOrEqualTo(positions.get(i));
      assertThat(q.endPosition(0, 0)).isGreaterThan(positions.get(29));
    }
    q.acknowledge(0, 0, q.endPosition(0, 0));
    assertThat(q.size()).isZero();
    assertThat(q.firstPosition(0, 0)).isLessThanOrEqualTo(q.endPosition(0, 0));
  }

  // ------------------------------------------------------------------------------ close

  /** Closing twice is a no-op; append after close throws IllegalStateException. */
  @Test
  public void closeSemantics() {
    TaskQueue q = open(CAPACITY);
    append(q, task(0, 0));
    q.close();
    q.close();
    assertThatThrownBy(() -> q.append(0, 0, task(0, 1), null))
        .isInstanceOf(IllegalStateException.class);
  }

  /** A queue that does not claim persistence does not report it. */
  @Test
  public void persistenceClaimMatches() {
    TaskQueue q = open(CAPACITY);
    assertThat(q.isPersistent())
        .as("isPersistent() versus the suite's persistent()")
        .isEqualTo(persistent());
  }

  // ------------------------------------------------------------------------------ restart

  /**
   * Persistent queues only: a reopened queue holds every task not acknowledged, at the same
   * positions, and new appends get positions above every old one.
   */
  @Test
  public void restartKeepsUnacknowledgedTasks() {
    assumeTrue(persistent(), "the queue does not claim persistence");
    TaskQueue q = create(dir, CAPACITY);
    List<QueuedTask> appended = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      IndexTask t = task(0, i);
      appended.add(new QueuedTask(0, 0, append(q, t), t));
    }
    q.acknowledge(0, 0, appended.get(5).position());
    q.sync(0);
    long end = q.endPosition(0, 0);
    q.close();

    TaskQueue r = reopen(dir, CAPACITY);
    opened.add(r);
    assertThat(r.isPersistent()).isTrue();
    assertThat(r.size()).as("size after reopen").isEqualTo(15);
    assertThat(r.firstPosition(0, 0)).isLessThanOrEqualTo(appended.get(5).position());
    assertThat(r.endPosition(0, 0)).as("endPosition after reopen").isGreaterThanOrEqualTo(end);
    List<QueuedTask> read = readAll(r, r.firstPosition(0, 0), 7);
    assertThat(read).as("tasks after reopen").isEqualTo(appended.subList(5, 20));
    long p = append(r, task(1, 0));
    assertThat(p).as("new position after reopen").isGreaterThan(appended.get(19).position());
    r.acknowledge(0, 0, r.endPosition(0, 0));
    r.close();

    TaskQueue again = reopen(dir, CAPACITY);
    opened.add(again);
    assertThat(again.size()).as("everything acknowledged before the second reopen").isZero();
    assertThat(readAll(again, 0, 10)).isEmpty();
    long p2 = append(again, task(1, 1));
    assertThat(p2).as("positions are never reused, even after restarts").isGreaterThan(p);
  }

  /** Persistent queues only: a reopened queue still enforces its capacity. */
  @Test
  public void restartKeepsTheBound() {
    assumeTrue(persistent(), "the queue does not claim persistence");
    int capacity = 8;
    TaskQueue q = create(dir, capacity);
    for (int i = 0; i < capacity; i++) {
      append(q, task(0, i));
    }
    q.sync(0);
    q.close();
    TaskQueue r = reopen(dir, capacity);
    opened.add(r);
    assertThat(r.size()).isEqualTo(capacity);
    assertThat(r.append(0, 0, task(1, 0), null))
        .as("append at capacity after reopen")
        .isEqualTo(TaskQueue.FULL);
  }

  // ------------------------------------------------------------------------------ helpers

  /** Producers and a reader race on a tiny queue: no task is lost or read twice. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  public void tinyQueueUnderContention() throws Exception {
    TaskQueue q = open(2);
    int producers = 3;
    int perProducer = tasksPerProducerOnATinyQueue();
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    List<Future<?>> futures = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perProducer && !failed.get(); i++) {
                  while (q.append(0, 0, task(producer, i), null) == TaskQueue.FULL
                      && !failed.get()) {
                    Thread.yield(); // three producers on two cores: let the reader run
                  }
                }
              }));
    }
    Map<Integer, Integer> next = new HashMap<>();
    long from = 0;
    int count = 0;
    long stalled = TimeUnit.SECONDS.toNanos(30);
    long lastProgress = System.nanoTime();
    try {
      while (count < producers * perProducer) {
        long now = System.nanoTime();
        assertThat(now - lastProgress)
            .as("reader made no progress for 30 s after %d tasks", count)
            .isLessThan(stalled);
        for (QueuedTask t : q.read(0, 0, from, 2)) {
          lastProgress = now;
          String[] c = t.task().content().split(":");
          int producer = Integer.parseInt(c[0]);
          assertThat(Integer.parseInt(c[1])).isEqualTo(next.getOrDefault(producer, 0));
          next.put(producer, Integer.parseInt(c[1]) + 1);
          from = t.position() + 1;
          count++;
        }
        q.acknowledge(0, 0, from);
      }
    } finally {
      failed.set(count < producers * perProducer);
      pool.shutdown();
    }
    for (Future<?> f : futures) {
      f.get(1, TimeUnit.MINUTES);
    }
    assertThat(q.size()).isZero();
  }

  // ------------------------------------------------------------------------------ partitions

  /** The queue reports the partitions asked for, and one or two bands. */
  @Test
  public void reportsItsLayout() {
    TaskQueue q = open(4, CAPACITY);
    assertThat(q.partitions()).as("partitions()").isEqualTo(4);
    assertThat(q.bands()).as("bands()").isBetween(1, 2);
  }

  /** A partition or band out of range is refused with IllegalArgumentException, storing nothing. */
  @Test
  public void refusesPartitionsAndBandsOutOfRange() {
    TaskQueue q = open(2, CAPACITY);
    assertThatThrownBy(() -> q.append(2, 0, task(0, 0), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partition");
    assertThatThrownBy(() -> q.append(-1, 0, task(0, 0), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partition");
    assertThatThrownBy(() -> q.append(0, q.bands(), task(0, 0), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("band");
    assertThat(q.size()).as("nothing stored").isZero();
  }

  /**
   * Every (partition, band) log is a FIFO of its own: tasks appended to several logs, interleaved,
   * read back per log in append order, with their predecessors; the logs' positions are
   * independent.
   */
  @Test
  public void everyLogIsItsOwnFifo() {
    int partitions = 3;
    TaskQueue q = open(partitions, 256);
    int bands = q.bands();
    Map<Integer, List<QueuedTask>> expected = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      int partition = i % partitions;
      int band = (i / partitions) % bands;
      IndexTask t = task(partition * 10 + band, i);
      Predecessor pred = i % 4 == 0 ? null : new Predecessor((i / 7) % bands, i * 3L);
      long pos = append(q, partition, band, t, pred);
      expected
          .computeIfAbsent(partition * bands + band, k -> new ArrayList<>())
          .add(new QueuedTask(partition, band, pos, t, pred));
    }
    for (int partition = 0; partition < partitions; partition++) {
      for (int band = 0; band < bands; band++) {
        List<QueuedTask> want = expected.getOrDefault(partition * bands + band, List.of());
        for (int chunk : new int[] {1, 7, 1000}) {
          assertThat(readAll(q, partition, band, 0, chunk))
              .as("log (%d, %d), chunk %d", partition, band, chunk)
              .isEqualTo(want);
        }
        assertThat(want).extracting(QueuedTask::position).isSorted().doesNotHaveDuplicates();
        if (!want.isEmpty()) {
          assertThat(q.endPosition(partition, band))
              .isGreaterThan(want.get(want.size() - 1).position());
          QueuedTask middle = want.get(want.size() / 2);
          assertThat(q.read(partition, band, middle.position(), 1))
              .as("a read of one position returns the task there")
              .containsExactly(middle);
        }
      }
    }
    assertThat(q.size()).isEqualTo(120);
  }

  /** Acknowledging one log releases its tasks only; the capacity is shared by all logs. */
  @Test
  public void acknowledgesArePerLogAndTheBoundIsShared() {
    int capacity = 12;
    TaskQueue q = open(2, capacity);
    List<Long> p0 = new ArrayList<>();
    List<Long> p1 = new ArrayList<>();
    for (int i = 0; i < capacity / 2; i++) {
      p0.add(append(q, 0, 0, task(0, i), null));
      p1.add(append(q, 1, 0, task(1, i), null));
    }
    assertThat(q.append(0, 0, task(0, 99), null))
        .as("FULL over all logs")
        .isEqualTo(TaskQueue.FULL);
    assertThat(q.append(1, q.bands() - 1, task(1, 99), null))
        .as("FULL in every log")
        .isEqualTo(TaskQueue.FULL);
    q.acknowledge(1, 0, p1.get(3));
    assertThat(q.size()).as("size after acknowledging 3 tasks of partition 1").isEqualTo(9);
    assertThat(readAll(q, 0, 0, 0, 100))
        .extracting(QueuedTask::position)
        .as("partition 0 untouched by partition 1's acknowledge")
        .isEqualTo(p0);
    assertThat(q.firstPosition(0, 0)).isLessThanOrEqualTo(p0.get(0));
    assertThat(readAll(q, 1, 0, 0, 100))
        .extracting(QueuedTask::position)
        .isEqualTo(p1.subList(3, p1.size()));
    long again = append(q, 0, 0, task(0, 100), null);
    assertThat(again).as("space freed by another log's acknowledge").isGreaterThan(p0.get(5));
    q.acknowledge(0, 0, q.endPosition(0, 0));
    q.acknowledge(1, 0, q.endPosition(1, 0));
    assertThat(q.size()).isZero();
  }

  /**
   * Four producers append to four partitions while two readers, each owning two partitions, read
   * and acknowledge concurrently (as two lanes do): every task read exactly once, per log in append
   * order; no reader waits for the other.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  public void readersOfDifferentPartitionsRunConcurrently() throws Exception {
    int partitions = 4;
    int perProducer = Math.max(1, tasksPerProducer() / 2);
    TaskQueue q = open(partitions, 512);
    ExecutorService pool = Executors.newFixedThreadPool(partitions + 2);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<?>> producers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      producers.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perProducer && !failed.get(); i++) {
                  while (q.append(partition, 0, task(partition, i), null) == TaskQueue.FULL
                      && !failed.get()) {
                    Thread.yield(); // the readers free space
                  }
                }
                return null;
              }));
    }
    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int[] mine = {r, r + 2};
      readers.add(
          pool.submit(
              () -> {
                start.await();
                long[] from = new long[partitions];
                int[] next = new int[partitions];
                int count = 0;
                long lastProgress = System.nanoTime();
                while (count < 2 * perProducer) {
                  boolean progress = false;
                  for (int partition : mine) {
                    for (QueuedTask t : q.read(partition, 0, from[partition], 64)) {
                      assertThat(t.partition()).isEqualTo(partition);
                      assertThat(t.task()).isEqualTo(task(partition, next[partition]));
                      next[partition]++;
                      from[partition] = t.position() + 1;
                      count++;
                      progress = true;
                    }
                    q.acknowledge(partition, 0, from[partition]);
                  }
                  if (progress) {
                    lastProgress = System.nanoTime();
                  } else {
                    assertThat(System.nanoTime() - lastProgress)
                        .as("reader of %s made no progress for 30 s", List.of(mine[0], mine[1]))
                        .isLessThan(TimeUnit.SECONDS.toNanos(30));
                    Thread.yield();
                  }
                }
                return count;
              }));
    }
    start.countDown();
    try {
      for (Future<Integer> r : readers) {
        assertThat(r.get(90, TimeUnit.SECONDS)).isEqualTo(2 * perProducer);
      }
      for (Future<?> f : producers) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      failed.set(true);
      pool.shutdownNow();
    }
    assertThat(q.size()).isZero();
  }

  /** The partition function is the documented one (so every queue and Kafka producers agree). */
  @Test
  public void partitionFunctionIsStable() {
    assertThat(Partitioning.partitionOf("ws-0", 1)).isZero();
    for (String ws : List.of("a", "docs", "ws-17", "my.project_2")) {
      int p = Partitioning.partitionOf(ws, 8);
      assertThat(p).isBetween(0, 7).isEqualTo(Partitioning.partitionOf(ws, 8));
    }
  }

  /**
   * Persistent queues only: after a restart every log holds exactly its own unacknowledged tasks,
   * with their positions and predecessors, and continues its own positions.
   */
  @Test
  public void restartKeepsEveryLog() {
    assumeTrue(persistent(), "the queue does not claim persistence");
    int partitions = 3;
    TaskQueue q = create(dir, partitions, 256);
    int bands = q.bands();
    Map<Integer, List<QueuedTask>> expected = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      int partition = i % partitions;
      int band = (i / partitions) % bands;
      IndexTask t = task(partition, i);
      Predecessor pred = i % 2 == 0 ? null : new Predecessor(0, i);
      long pos = append(q, partition, band, t, pred);
      expected
          .computeIfAbsent(partition * bands + band, k -> new ArrayList<>())
          .add(new QueuedTask(partition, band, pos, t, pred));
    }
    List<QueuedTask> log1 = expected.get(bands); // partition 1, band 0
    q.acknowledge(1, 0, log1.get(4).position());
    for (int partition = 0; partition < partitions; partition++) {
      q.sync(partition);
    }
    q.close();

    TaskQueue r = reopen(dir, partitions, 256);
    opened.add(r);
    assertThat(r.partitions()).isEqualTo(partitions);
    assertThat(r.bands()).isEqualTo(bands);
    assertThat(r.size()).as("size after reopen").isEqualTo(60 - 4);
    for (int partition = 0; partition < partitions; partition++) {
      for (int band = 0; band < bands; band++) {
        List<QueuedTask> want =
            new ArrayList<>(expected.getOrDefault(partition * bands + band, List.of()));
        if (partition == 1 && band == 0) {
          want = want.subList(4, want.size());
        }
        assertThat(readAll(r, partition, band, 0, 5))
            .as("log (%d, %d) after reopen", partition, band)
            .isEqualTo(want);
        long p = append(r, partition, band, task(9, partition), null);
        if (!want.isEmpty()) {
          assertThat(p).isGreaterThan(want.get(want.size() - 1).position());
        }
      }
    }
  }
}
