package dev.indexqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a starting service reads from: layouts, clamping, the start acknowledge, the tails. */
class RecoveryTest {

  /** What the service does at start in one process: the committed checkpoint, all partitions. */
  private static Recovery.Start recover(String name, TaskQueue queue, IndexBackend backend) {
    Checkpoint cp = Recovery.committed(name, queue, backend);
    List<Integer> all = new ArrayList<>();
    for (int p = 0; p < queue.partitions(); p++) {
      all.add(p);
    }
    return Recovery.forPartitions(name, queue, cp, all);
  }

  private static final Instant T0 = Instant.EPOCH;

  /** A queue of {@code partitions × 2} logs with dense positions, persistent or not. */
  static final class Logs implements TaskQueue {
    private final int partitions;
    private final boolean persistent;
    private final List<List<QueuedTask>> logs = new ArrayList<>();
    private final long[] heads;

    Logs(int partitions, boolean persistent) {
      this.partitions = partitions;
      this.persistent = persistent;
      this.heads = new long[partitions * 2];
      for (int i = 0; i < partitions * 2; i++) {
        logs.add(new ArrayList<>());
      }
    }

    /** Appends a task of {@code ws} (partition from the test, not from the hash). */
    long add(int partition, int band, String ws, Predecessor predecessor) {
      return append(
          partition,
          band,
          IndexTask.indexFile(ws, "f", "c").withPriority(band == 1 ? -1 : 0).withTimestamp(T0),
          predecessor);
    }

    @Override
    public int partitions() {
      return partitions;
    }

    @Override
    public int bands() {
      return 2;
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      List<QueuedTask> log = logs.get(partition * 2 + band);
      long p = log.size();
      log.add(new QueuedTask(partition, band, p, task, predecessor));
      return p;
    }

    @Override
    public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
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
    public void acknowledge(int partition, int band, long position) {
      int i = partition * 2 + band;
      heads[i] = Math.max(heads[i], Math.min(position, logs.get(i).size()));
    }

    @Override
    public long firstPosition(int partition, int band) {
      return heads[partition * 2 + band];
    }

    @Override
    public long endPosition(int partition, int band) {
      return logs.get(partition * 2 + band).size();
    }

    @Override
    public long size() {
      long n = 0;
      for (int i = 0; i < logs.size(); i++) {
        n += logs.get(i).size() - heads[i];
      }
      return n;
    }

    @Override
    public long capacity() {
      return 1000;
    }

    @Override
    public boolean isPersistent() {
      return persistent;
    }

    @Override
    public void close() {}
  }

  /** A backend that only has a committed checkpoint. */
  static final class Committed implements IndexBackend {
    private volatile Checkpoint checkpoint;

    Committed(Checkpoint checkpoint) {
      this.checkpoint = checkpoint;
    }

    @Override
    public void apply(Batch batch) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void commit(Checkpoint checkpoint) {
      this.checkpoint = checkpoint;
    }

    @Override
    public Checkpoint committedCheckpoint() {
      return checkpoint;
    }

    @Override
    public void makeVisible() {}

    @Override
    public List<IndexedDocument> documents(String workspace) {
      return List.of();
    }

    @Override
    public Set<String> workspaces() {
      return Set.of();
    }

    @Override
    public void close() {}
  }

  @Test
  void anotherLayoutWithAnEmptyQueueStartsClean() {
    Logs queue = new Logs(4, true);
    Committed backend = new Committed(Checkpoint.of(2, 2, 5, 1, 7, 0));
    Recovery.Start start = recover("t", queue, backend);
    assertThat(backend.committedCheckpoint())
        .as("the new layout is committed at once")
        .isEqualTo(Checkpoint.of(4, 2, new long[8]));
    assertThat(start.from()).isEqualTo(Checkpoint.of(4, 2, new long[8]));
    assertThat(start.ends()).isEqualTo(Checkpoint.of(4, 2, new long[8]));
    assertThat(start.replayed()).isZero();
    assertThat(start.tails()).isEmpty();
  }

  @Test
  void anotherLayoutWithTasksInTheQueueIsRefusedNamingBoth() {
    Logs queue = new Logs(4, true);
    queue.add(0, 0, "w", null);
    queue.add(3, 1, "v", null);
    assertThatThrownBy(() -> recover("t", queue, new Committed(Checkpoint.of(2, 2, 5, 1, 7, 0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "partitions: the index was committed with 2x2 partitions x bands, but the queue has"
                + " 4x2 and holds 2 tasks")
        .hasMessageContaining("Start once more with the queue's old partition count");
    assertThat(queue.size()).as("nothing acknowledged").isEqualTo(2);
  }

  @Test
  void aNeverCommittedBackendReplaysEverythingHeld() {
    Logs queue = new Logs(2, true);
    queue.add(0, 0, "w", null);
    queue.add(0, 0, "w", new Predecessor(0, 0));
    queue.add(1, 1, "v", null);
    Recovery.Start start = recover("t", queue, new Committed(Checkpoint.none()));
    assertThat(start.from()).isEqualTo(Checkpoint.of(2, 2, 0, 0, 0, 0));
    assertThat(start.ends()).isEqualTo(Checkpoint.of(2, 2, 2, 0, 0, 1));
    assertThat(start.replayed()).isEqualTo(3);
    assertThat(queue.size()).isEqualTo(3);
  }

  @Test
  void eachLogStartsAtItsCheckpointAndIsAcknowledgedUpToIt() {
    Logs queue = new Logs(2, true);
    for (int i = 0; i < 5; i++) {
      queue.add(0, 0, "w", null);
    }
    for (int i = 0; i < 3; i++) {
      queue.add(1, 1, "v", null);
    }
    queue.add(1, 0, "x", null);
    // a crash between a commit and its acknowledge: the queue still holds committed tasks
    Recovery.Start start =
        recover("t", queue, new Committed(Checkpoint.of(2, 2, 3, Checkpoint.NOT_COVERED, 0, 2)));
    assertThat(start.from()).isEqualTo(Checkpoint.of(2, 2, 3, 0, 0, 2));
    assertThat(start.replayed()).isEqualTo(2 + 1 + 1);
    assertThat(queue.firstPosition(0, 0)).as("acknowledged up to the checkpoint").isEqualTo(3);
    assertThat(queue.firstPosition(1, 1)).isEqualTo(2);
    assertThat(queue.firstPosition(1, 0)).isZero();
    assertThat(queue.size()).isEqualTo(4);
  }

  @Test
  void aCheckpointOutsideWhatTheQueueHoldsIsClamped() {
    Logs persistent = new Logs(1, true);
    for (int i = 0; i < 4; i++) {
      persistent.add(0, 0, "w", null);
    }
    persistent.acknowledge(0, 0, 2); // acknowledged beyond the checkpoint (a lost commit)
    Recovery.Start below = recover("t", persistent, new Committed(Checkpoint.of(1, 2, 1, 9)));
    assertThat(below.from())
        .as("below the first position: from there; past the end of a persistent queue: its end")
        .isEqualTo(Checkpoint.of(1, 2, 2, 0));

    Logs memory = new Logs(1, false);
    memory.add(0, 1, "w", null);
    Recovery.Start past = recover("t", memory, new Committed(Checkpoint.of(1, 2, 0, 9)));
    assertThat(past.from())
        .as("past the end of a queue that does not persist: a new queue, read from its start")
        .isEqualTo(Checkpoint.of(1, 2, 0, 0));
    assertThat(past.replayed()).isEqualTo(1);
  }

  @Test
  void eachWorkspacesLastTaskIsFoundAcrossBands() {
    Logs queue = new Logs(1, true);
    // w: normal, urgent after it, normal after that: the last is the second normal one
    long wn0 = queue.add(0, 0, "w", null);
    long wu0 = queue.add(0, 1, "w", new Predecessor(0, wn0));
    long wn1 = queue.add(0, 0, "w", new Predecessor(1, wu0));
    // v: urgent, normal after it, urgent after that: the last is the second urgent one
    long vu0 = queue.add(0, 1, "v", null);
    long vn0 = queue.add(0, 0, "v", new Predecessor(1, vu0));
    long vu1 = queue.add(0, 1, "v", new Predecessor(0, vn0));
    // x: normal only, later than everything urgent; y: urgent only
    long xn0 = queue.add(0, 0, "x", null);
    long yu0 = queue.add(0, 1, "y", null);
    // z: urgent, then normal after it
    long zu0 = queue.add(0, 1, "z", null);
    long zn0 = queue.add(0, 0, "z", new Predecessor(1, zu0));

    Recovery.Start start = recover("t", queue, new Committed(Checkpoint.none()));
    assertThat(start.tails()).hasSize(5);
    assertThat(start.tails().get("w")).containsExactly(0, wn1);
    assertThat(start.tails().get("v")).containsExactly(1, vu1);
    assertThat(start.tails().get("x")).containsExactly(0, xn0);
    assertThat(start.tails().get("y")).containsExactly(1, yu0);
    assertThat(start.tails().get("z")).containsExactly(0, zn0);
  }
}
