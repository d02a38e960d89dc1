package dev.indexqueue.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexTask;
import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, model checking mode, of one {@link LaneScheduler} over two partitions of two bands, as
 * the service drives it: producers append tasks of three workspaces (two share partition 0), normal
 * and urgent mixed, each linked to its workspace's previous task as admission links it, then call
 * {@link LaneScheduler#dataArrived}; the lane's worker takes batches with {@link
 * LaneScheduler#next} and reports them {@link LaneScheduler#completed}; the maintainer reads the
 * checkpoint, commits it ({@link LaneScheduler#committed}) and acknowledges the queue up to it.
 *
 * <p>Checked under every interleaving explored:
 *
 * <ul>
 *   <li><b>per-workspace order</b>: the worker sees each workspace's tasks in acceptance order,
 *       across both bands (it throws otherwise), and after draining what was submitted, shows the
 *       sequential specification's state ({@link Spec}: the last task submitted wins);
 *   <li><b>no lost wake-up</b>: the worker waits in {@code next()} for a task a producer has
 *       counted but not yet appended; a missed wake-up leaves it parked forever, which Lincheck
 *       reports as a hang (an expected-to-fail run without {@code dataArrived} shows it does);
 *   <li><b>the checkpoint never passes an unfinished task</b>: every position below it was applied,
 *       and every applied task below it whose predecessor lies in the other band has that
 *       predecessor below the other band's checkpoint (so a replay from it keeps the order). The
 *       interleaving where that anchoring is needed is narrow (urgent tasks appended between the
 *       lane's read of the urgent band and its read of the normal band); {@code LaneSchedulerTest}
 *       builds it deterministically.
 * </ul>
 *
 * <p>Coalescing is off here (the model matrix covers it): every task read is applied.
 */
class LaneSchedulerLincheckTest {
  private static final Instant T0 = Instant.EPOCH;
  private static final String[] WORKSPACES = {"w0", "w1", "w2"};
  private static final int[] PARTITION_OF = {0, 1, 0};

  /** Priorities by urgency: normal, urgent, more urgent. */
  private static final int[] PRIORITIES = {0, -1, -5};

  /** A partitioned FIFO log with dense positions: the contract of a queue, nothing more. */
  static final class ListQueue implements TaskQueue {
    private final List<List<QueuedTask>> logs = new ArrayList<>();
    private final long[] heads = new long[4];

    ListQueue() {
      for (int i = 0; i < 4; i++) {
        logs.add(new ArrayList<>());
      }
    }

    @Override
    public int partitions() {
      return 2;
    }

    @Override
    public int bands() {
      return 2;
    }

    @Override
    public synchronized long append(
        int partition, int band, IndexTask task, Predecessor predecessor) {
      List<QueuedTask> log = logs.get(partition * 2 + band);
      long p = log.size();
      log.add(new QueuedTask(partition, band, p, task, predecessor));
      return p;
    }

    @Override
    public synchronized List<QueuedTask> read(
        int partition, int band, long fromPosition, int maxTasks) {
      List<QueuedTask> log = logs.get(partition * 2 + band);
      List<QueuedTask> out = new ArrayList<>();
      for (long p = Math.max(fromPosition, heads[partition * 2 + band]);
          p < log.size() && out.size() < maxTasks;
          p++) {
        out.add(log.get((int) p));
      }
      return out;
    }

    @Override
    public synchronized void acknowledge(int partition, int band, long position) {
      int i = partition * 2 + band;
      heads[i] = Math.max(heads[i], Math.min(position, logs.get(i).size()));
    }

    @Override
    public synchronized long firstPosition(int partition, int band) {
      return heads[partition * 2 + band];
    }

    @Override
    public synchronized long endPosition(int partition, int band) {
      return logs.get(partition * 2 + band).size();
    }

    @Override
    public synchronized long size() {
      long n = 0;
      for (int i = 0; i < 4; i++) {
        n += logs.get(i).size() - heads[i];
      }
      return n;
    }

    @Override
    public long capacity() {
      return 1_000_000;
    }

    @Override
    public void close() {}
  }

  /** Time stands still: the lane never waits on the clock. */
  enum FrozenClock implements IndexClock {
    INSTANCE;

    @Override
    public long nanoTime() {
      return 0;
    }

    @Override
    public Instant now() {
      return T0;
    }

    @Override
    public long awaitNanos(Condition condition, long nanos) throws InterruptedException {
      return condition.awaitNanos(nanos);
    }
  }

  /** A workspace's last accepted task, as admission keeps it. Guarded by its own monitor. */
  private static final class Tail {
    int band = -1;
    long position = -1;
    int count;
  }

  /** The concurrent system under test. */
  public static class Harness {
    private final ListQueue queue = new ListQueue();
    private final LaneScheduler lane =
        new LaneScheduler(
            0,
            queue,
            FrozenClock.INSTANCE,
            new LaneControl(1),
            2,
            3,
            false,
            1_000_000_000L,
            new LongAdder());
    private final Tail[] tails = {new Tail(), new Tail(), new Tail()};
    private final AtomicInteger submitted = new AtomicInteger();
    private final Set<TaskId> applied = ConcurrentHashMap.newKeySet();
    private final Map<String, String> state = new ConcurrentHashMap<>();
    // the worker's own
    private final Map<String, Integer> lastRank = new HashMap<>();
    private int taken;

    public Harness() {
      Checkpoint zero = Checkpoint.of(2, 2, 0, 0, 0, 0);
      lane.assign(0, zero, zero);
      lane.assign(1, zero, zero);
    }

    /** Whether a producer wakes the lane after appending (the broken harness does not). */
    boolean wakes() {
      return true;
    }

    /** A producer submits: counted first, appended linked to its predecessor, then the wake-up. */
    @Operation
    public void submit(
        @Param(gen = IntGen.class, conf = "0:2") int ws,
        @Param(gen = IntGen.class, conf = "0:1") int value,
        @Param(gen = IntGen.class, conf = "0:2") int urgency) {
      submitted.incrementAndGet();
      int partition = PARTITION_OF[ws];
      int band = urgency > 0 ? TaskQueue.URGENT_BAND : TaskQueue.NORMAL_BAND;
      Tail tail = tails[ws];
      synchronized (tail) {
        // the content carries the task's rank in its workspace's acceptance order
        IndexTask task =
            IndexTask.indexFile(WORKSPACES[ws], "f", "v" + value + "#" + tail.count++)
                .withPriority(PRIORITIES[urgency])
                .withTimestamp(T0);
        Predecessor predecessor =
            tail.position >= 0 ? new Predecessor(tail.band, tail.position) : null;
        tail.position = queue.append(partition, band, task, predecessor);
        tail.band = band;
      }
      if (wakes()) {
        lane.dataArrived();
      }
    }

    /**
     * The lane's worker applies everything submitted so far (waiting in {@code next()} for tasks
     * counted but not yet appended), then shows a workspace.
     */
    @Operation(nonParallelGroup = "worker")
    public String work(@Param(gen = IntGen.class, conf = "0:2") int ws)
        throws InterruptedException {
      while (taken < submitted.get()) {
        applyOneBatch();
      }
      return state.getOrDefault(WORKSPACES[ws], "-");
    }

    /** The lane's worker applies one batch, if a task was submitted that it has not taken. */
    @Operation(nonParallelGroup = "worker")
    public void step() throws InterruptedException {
      if (taken < submitted.get()) {
        applyOneBatch();
      }
    }

    private void applyOneBatch() throws InterruptedException {
      List<Entry> batch = lane.next();
      if (batch == null || batch.isEmpty()) {
        throw new IllegalStateException("the lane gave no batch: " + batch);
      }
      for (Entry e : batch) {
        String workspace = e.task.workspace();
        String[] content = e.task.content().split("#");
        int rank = Integer.parseInt(content[1]);
        Integer last = lastRank.put(workspace, rank);
        if (last != null && last >= rank) {
          throw new IllegalStateException(
              workspace + ": task of rank " + rank + " after rank " + last);
        }
        state.put(workspace, content[0]);
        applied.add(e.id()); // before completed(): the lane's "finished" implies this
      }
      taken += batch.size();
      lane.completed(batch, false);
    }

    /** The maintainer commits: checks the checkpoint, then forgets and acknowledges below it. */
    @Operation(nonParallelGroup = "maintainer")
    public void commit() {
      long[] positions = new long[4];
      lane.checkpoint(positions);
      for (int p = 0; p < 2; p++) {
        for (int b = 0; b < 2; b++) {
          long cp = positions[p * 2 + b];
          for (long pos = queue.firstPosition(p, b); pos < cp; pos++) {
            TaskId id = new TaskId(p, b, pos);
            if (!applied.contains(id)) {
              throw new IllegalStateException(
                  "checkpoint " + cp + " of log (" + p + ", " + b + ") passes unfinished " + id);
            }
            Predecessor pred = queue.read(p, b, pos, 1).get(0).predecessor();
            if (pred != null
                && pred.band() != b
                && pred.position() >= positions[p * 2 + pred.band()]) {
              throw new IllegalStateException(
                  "checkpoint passes "
                      + id
                      + " while its predecessor in band "
                      + pred.band()
                      + " at "
                      + pred.position()
                      + " lies at or above that band's checkpoint "
                      + positions[p * 2 + pred.band()]);
            }
          }
        }
      }
      lane.committed(Checkpoint.of(2, 2, positions));
      for (int p = 0; p < 2; p++) {
        for (int b = 0; b < 2; b++) {
          queue.acknowledge(p, b, positions[p * 2 + b]);
        }
      }
    }
  }

  /** The harness with producers that never wake the lane: a lost wake-up by construction. */
  public static class NoWakeups extends Harness {
    @Override
    boolean wakes() {
      return false;
    }
  }

  /** The sequential specification: per workspace, the last task submitted wins. */
  public static class Spec {
    private final String[] state = {"-", "-", "-"};

    public void submit(int ws, int value, int urgency) {
      state[ws] = "v" + value;
    }

    public String work(int ws) {
      return state[ws];
    }

    public void step() {}

    public void commit() {}
  }

  private static Actor actor(String name, Object... args) {
    for (Method m : Harness.class.getMethods()) {
      if (m.getName().equals(name)) {
        return new Actor(m, List.of(args));
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** The worker waits for a counted task while its producer appends it (a wake-up is needed). */
  private static ExecutionScenario wakeUpScenario() {
    return new ExecutionScenario(
        List.of(),
        List.of(List.of(actor("work", 0)), List.of(actor("submit", 0, 1, 0))),
        List.of(actor("work", 0)),
        null);
  }

  /**
   * A normal then an urgent task of one workspace, applied and committed concurrently: the urgent
   * band is read first and brings its predecessor along; the checkpoint must anchor across bands.
   */
  private static ExecutionScenario urgentChainScenario() {
    return new ExecutionScenario(
        List.of(actor("submit", 2, 0, 0)),
        List.of(
            List.of(actor("submit", 0, 0, 0), actor("submit", 0, 1, 1)),
            List.of(actor("work", 0), actor("work", 2)),
            List.of(actor("commit"), actor("commit"))),
        List.of(actor("work", 0), actor("commit")),
        null);
  }

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions()
        // each invocation runs the lane's whole reading and ranking code under the model checker:
        // ~40 s in all on an idle CI core (each custom scenario gets as many invocations)
        .iterations(3)
        .invocationsPerIteration(50)
        // java.util collections iterate over their tables under the lane's lock: not spin loops
        .loopIterationsBeforeThreadSwitch(40)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(2)
        .sequentialSpecification(Spec.class);
  }

  @Test
  void orderWakeUpsAndCheckpointsUnderEveryInterleaving() {
    options()
        .addCustomScenario(wakeUpScenario())
        .addCustomScenario(urgentChainScenario())
        .check(Harness.class);
  }

  @Test
  void modelCheckingFindsALostWakeUp() {
    assertThatThrownBy(
            () ->
                options()
                    .iterations(0)
                    .addCustomScenario(wakeUpScenario())
                    .minimizeFailedScenario(false)
                    .check(NoWakeups.class))
        .isInstanceOf(AssertionError.class);
  }
}
