package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, model checking mode, of the scheduler's per-workspace ordering with two lanes and
 * coalescing on. Producers append tasks of three workspaces (two in lane 0, one in lane 1) with
 * different priorities; one thread per lane plays the lane worker: it takes batches with {@link
 * Scheduler#next}, applies them to a map and reports them {@link Scheduler#completed}. Whatever the
 * interleaving, a workspace's tasks must be applied in sequence order (checked on every apply) and
 * a lane that drained everything appended so far must show the state of the sequential
 * specification ({@link Spec}): the last task submitted wins, per workspace.
 */
class SchedulerLincheckTest {
  /** Three workspaces: the first two map to lane 0, the third to lane 1 (of two lanes). */
  static final String[] WORKSPACES = pickWorkspaces();

  private static final Instant T0 = Instant.EPOCH;

  private static String[] pickWorkspaces() {
    List<String> lane0 = new ArrayList<>();
    String lane1 = null;
    for (char c = 'a'; c <= 'z' && (lane0.size() < 2 || lane1 == null); c++) {
      String ws = "ws-" + c;
      if (Scheduler.laneOf(ws, 2) == 0) {
        if (lane0.size() < 2) {
          lane0.add(ws);
        }
      } else if (lane1 == null) {
        lane1 = ws;
      }
    }
    return new String[] {lane0.get(0), lane0.get(1), lane1};
  }

  /** value 0 and 1: index "v0" (priority 0) or "v1" (priority 1); 2: remove the workspace. */
  static IndexTask task(int ws, int value) {
    return value == 2
        ? new IndexTask(IndexTaskType.REMOVE_WORKSPACE, WORKSPACES[ws], null, null, -1, T0)
        : new IndexTask(IndexTaskType.INDEX_FILE, WORKSPACES[ws], "f", "v" + value, value, T0);
  }

  /** What the lane workers applied: workspace → content of "f" (absent when removed). */
  static String show(String content) {
    return content == null ? "-" : content;
  }

  /** A plain synchronized FIFO log (the scheduler's contract with a queue, nothing more). */
  static final class ListQueue implements TaskQueue {
    private final List<IndexTask> tasks = new ArrayList<>();

    @Override
    public synchronized long append(IndexTask task) {
      tasks.add(task);
      return tasks.size() - 1;
    }

    @Override
    public synchronized List<QueuedTask> read(long fromPosition, int maxTasks) {
      List<QueuedTask> out = new ArrayList<>();
      for (long p = fromPosition; p < tasks.size() && out.size() < maxTasks; p++) {
        out.add(new QueuedTask(p, tasks.get((int) p)));
      }
      return out;
    }

    @Override
    public void acknowledge(long position) {}

    @Override
    public long firstPosition() {
      return 0;
    }

    @Override
    public synchronized long endPosition() {
      return tasks.size();
    }

    @Override
    public synchronized long size() {
      return tasks.size();
    }

    @Override
    public long capacity() {
      return 1_000_000;
    }

    @Override
    public void close() {}
  }

  /** Time stands still: no commit or refresh ever falls due, so lanes only get batches. */
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

  /** The concurrent system under test. */
  public static class Harness {
    private final ListQueue queue = new ListQueue();
    private final Scheduler scheduler =
        new Scheduler(
            queue,
            FrozenClock.INSTANCE,
            2,
            2,
            64,
            true,
            1_000_000_000L,
            Integer.MAX_VALUE,
            Long.MAX_VALUE / 4,
            Long.MAX_VALUE / 4,
            Long.MAX_VALUE,
            new Progress(),
            new LongAdder(),
            () -> 0L);
    private final AtomicInteger[] appended = {new AtomicInteger(), new AtomicInteger()};
    private final int[] taken = new int[2];
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSequence = new HashMap<>();

    public Harness() {
      scheduler.startAt(0);
    }

    /** A producer submits: append, count it for its lane, wake the workers. */
    @Operation
    public void submit(
        @Param(gen = IntGen.class, conf = "0:2") int ws,
        @Param(gen = IntGen.class, conf = "0:2") int value) {
      IndexTask t = task(ws, value);
      queue.append(t);
      appended[Scheduler.laneOf(t.workspace(), 2)].incrementAndGet();
      scheduler.dataArrived();
    }

    /** Lane 0's worker applies everything appended for it so far, then shows a workspace. */
    @Operation(nonParallelGroup = "lane0")
    public String drainLane0(@Param(gen = IntGen.class, conf = "0:1") int ws)
        throws InterruptedException {
      drain(0);
      return show(applied.get(WORKSPACES[ws]));
    }

    /** Lane 1's worker applies everything appended for it so far, then shows its workspace. */
    @Operation(nonParallelGroup = "lane1")
    public String drainLane1() throws InterruptedException {
      drain(1);
      return show(applied.get(WORKSPACES[2]));
    }

    private void drain(int lane) throws InterruptedException {
      while (appended[lane].get() > taken[lane]) {
        Scheduler.Work w = scheduler.next(lane);
        if (w.kind() != Scheduler.Kind.BATCH) {
          throw new IllegalStateException("lane " + lane + " expected a batch, got " + w.kind());
        }
        for (Entry e : w.batch()) {
          String ws = e.task.workspace();
          if (Scheduler.laneOf(ws, 2) != lane) {
            throw new IllegalStateException("workspace " + ws + " in lane " + lane);
          }
          synchronized (lastSequence) {
            Long last = lastSequence.put(ws, e.sequence);
            if (last != null && last >= e.sequence) {
              throw new IllegalStateException(
                  ws + ": task " + e.sequence + " applied after " + last);
            }
          }
          if (e.task.type() == IndexTaskType.REMOVE_WORKSPACE) {
            applied.remove(ws);
          } else {
            applied.put(ws, e.task.content());
          }
          taken[lane] += 1 + e.supersededCount;
        }
        scheduler.completed(lane, w.batch(), false);
      }
    }
  }

  /** The sequential specification: per workspace, the last task submitted wins. */
  public static class Spec {
    private final String[] state = new String[3];

    public void submit(int ws, int value) {
      state[ws] = value == 2 ? null : "v" + value;
    }

    public String drainLane0(int ws) {
      return show(state[ws]);
    }

    public String drainLane1() {
      return show(state[2]);
    }
  }

  @Test
  void perWorkspaceOrderUnderEveryInterleaving() {
    new ModelCheckingOptions()
        .iterations(3)
        .invocationsPerIteration(50)
        // java.util collections iterate over their tables under the scheduler's lock: not spin
        // loops
        .loopIterationsBeforeThreadSwitch(40)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(Spec.class)
        .check(Harness.class);
  }
}
