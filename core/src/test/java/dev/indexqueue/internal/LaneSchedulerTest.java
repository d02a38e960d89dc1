package dev.indexqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The lane's reading and checkpoints in the narrow case the concurrent tests hardly reach: urgent
 * tasks appended while the lane is between its read of the urgent band and its read of the normal
 * band, so a normal task's urgent predecessor is fetched ahead of the urgent band's read position.
 * A queue that hides some urgent tasks from in-order reads (and shows them to the one-position
 * reads that follow predecessors) builds that state deterministically, on one thread.
 */
class LaneSchedulerTest {
  private static final Instant T0 = Instant.EPOCH;

  /** One partition, two bands; urgent tasks appended hidden are skipped by in-order reads. */
  static final class HidingQueue implements TaskQueue {
    private final List<List<QueuedTask>> logs = List.of(new ArrayList<>(), new ArrayList<>());
    private final long[] visibleEnd = new long[2];
    private final long[] heads = new long[2];

    long append(int band, IndexTask task, Predecessor predecessor, boolean hidden) {
      List<QueuedTask> log = logs.get(band);
      long p = log.size();
      log.add(new QueuedTask(0, band, p, task, predecessor));
      if (!hidden) {
        visibleEnd[band] = log.size();
      }
      return p;
    }

    void reveal() {
      visibleEnd[0] = logs.get(0).size();
      visibleEnd[1] = logs.get(1).size();
    }

    @Override
    public int partitions() {
      return 1;
    }

    @Override
    public int bands() {
      return 2;
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      return append(band, task, predecessor, false);
    }

    @Override
    public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
      List<QueuedTask> log = logs.get(band);
      long end = maxTasks == 1 ? log.size() : visibleEnd[band];
      List<QueuedTask> out = new ArrayList<>();
      for (long p = Math.max(fromPosition, heads[band]); p < end && out.size() < maxTasks; p++) {
        out.add(log.get((int) p));
      }
      return out;
    }

    @Override
    public void acknowledge(int partition, int band, long position) {
      heads[band] = Math.max(heads[band], position);
    }

    @Override
    public long firstPosition(int partition, int band) {
      return heads[band];
    }

    @Override
    public long endPosition(int partition, int band) {
      return logs.get(band).size();
    }

    @Override
    public long size() {
      return logs.get(0).size() + logs.get(1).size() - heads[0] - heads[1];
    }

    @Override
    public long capacity() {
      return 1000;
    }

    @Override
    public void close() {}
  }

  private static IndexTask task(String ws, String content, int priority) {
    return IndexTask.indexFile(ws, "f", content).withPriority(priority).withTimestamp(T0);
  }

  private static LaneScheduler lane(TaskQueue queue) {
    LaneScheduler lane =
        new LaneScheduler(
            0,
            queue,
            LaneSchedulerLincheckTest.FrozenClock.INSTANCE,
            new LaneControl(1),
            4,
            16,
            false,
            1_000_000_000L,
            new LongAdder());
    Checkpoint zero = Checkpoint.of(1, 2, 0, 0);
    lane.assign(0, zero, zero);
    return lane;
  }

  private static List<TaskId> ids(List<Entry> batch) {
    return batch.stream().map(Entry::id).toList();
  }

  private static long[] checkpoint(LaneScheduler lane) {
    long[] positions = new long[2];
    lane.checkpoint(positions);
    return positions;
  }

  /**
   * w2's urgent task Y, then w0's more urgent task P, both not yet seen by the lane's read of the
   * urgent band; then w0's normal task E after P. The lane reads E, fetches P ahead as its
   * predecessor and applies [P, E] while Y waits. The urgent band's checkpoint stays at Y (below
   * P), so the normal band's must not pass E: a replay from there would apply P again after E.
   */
  @Test
  void theCheckpointAnchorsANormalTaskBelowItsUrgentPredecessor() throws Exception {
    HidingQueue queue = new HidingQueue();
    queue.append(1, task("w2", "y", -1), null, true); // Y at u0
    queue.append(1, task("w0", "p", -5), null, true); // P at u1
    queue.append(0, task("w0", "e", 0), new Predecessor(1, 1), false); // E at n0
    LaneScheduler lane = lane(queue);

    List<Entry> first = lane.next();
    assertThat(ids(first)).as("an urgent batch: P alone").containsExactly(new TaskId(0, 1, 1));
    lane.completed(first, false);
    List<Entry> then = lane.next();
    assertThat(ids(then)).containsExactly(new TaskId(0, 0, 0));
    lane.completed(then, false);
    assertThat(checkpoint(lane))
        .as("normal band anchored at E (its predecessor P is above the urgent band's 0)")
        .containsExactly(0, 0);
    assertThat(lane.unfinished()).as("Y only: P, fetched ahead and applied, counts once").isOne();

    queue.reveal();
    List<Entry> second = lane.next();
    assertThat(ids(second)).containsExactly(new TaskId(0, 1, 0));
    lane.completed(second, false);
    assertThat(checkpoint(lane)).containsExactly(1, 2);
    assertThat(lane.unfinished()).isZero();
  }

  /**
   * A batch that starts with urgent work carries only urgent work: an urgent task behind a backlog
   * is applied without the normal tasks that would fill its batch (each one more of the batch's
   * apply time before it is APPLIED). A workspace's earlier tasks inherit its urgent task's
   * priority and go with it; what follows the urgent task waits for the next batch.
   */
  @Test
  void anUrgentBatchCarriesOnlyUrgentWork() throws Exception {
    HidingQueue queue = new HidingQueue();
    for (int i = 0; i < 6; i++) {
      queue.append(0, task("bulk", "b" + i, 0), null, false); // n0..n5
    }
    queue.append(0, task("w1", "before", 0), null, false); // n6
    queue.append(1, task("w1", "urgent", -3), new Predecessor(0, 6), false); // u0
    queue.append(0, task("w1", "after", 0), new Predecessor(1, 0), false); // n7
    queue.append(1, task("w2", "urgent", -1), null, false); // u1
    LaneScheduler lane = lane(queue); // batches of up to 4

    List<Entry> urgent = lane.next();
    assertThat(ids(urgent))
        .as("w1's urgent task with the task before it, then w2's: no normal task fills the batch")
        .containsExactly(new TaskId(0, 0, 6), new TaskId(0, 1, 0), new TaskId(0, 1, 1));
    lane.completed(urgent, false);
    List<Entry> normal = lane.next();
    assertThat(normal).hasSize(4);
    assertThat(normal).allMatch(e -> e.id().band() == TaskQueue.NORMAL_BAND);
  }

  /**
   * A predecessor fetched ahead exactly at its band's read position is the band's next task: it
   * joins the in-order window at once, so once applied the checkpoint passes it even if the lane
   * never reads that band again (a stop, a full window).
   */
  @Test
  void aPredecessorFetchedAtTheReadPositionIsPassedOnceApplied() throws Exception {
    HidingQueue queue = new HidingQueue();
    queue.append(1, task("w0", "p", -5), null, true); // P at u0
    queue.append(0, task("w0", "e", 0), new Predecessor(1, 0), false); // E at n0
    LaneScheduler lane = lane(queue);

    List<Entry> batch = lane.next();
    assertThat(ids(batch)).as("an urgent batch: P alone").containsExactly(new TaskId(0, 1, 0));
    lane.completed(batch, false);
    assertThat(checkpoint(lane)).as("P passed, E not applied").containsExactly(0, 1);
    List<Entry> then = lane.next();
    assertThat(ids(then)).containsExactly(new TaskId(0, 0, 0));
    lane.completed(then, false);
    assertThat(checkpoint(lane)).containsExactly(1, 1);
    assertThat(lane.unfinished()).isZero();
    assertThat(lane.isDrained()).isTrue();
  }
}
