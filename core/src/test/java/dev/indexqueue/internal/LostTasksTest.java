package dev.indexqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.PartitionListener;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Tasks a queue can no longer give (its retention deleted them before a commit covered them, or a
 * record cannot be decoded) are never lost silently: the service stores a REINDEX_WORKSPACE dead
 * letter for each affected workspace, naming the partition and the positions.
 */
class LostTasksTest {

  /** Two partitions, one band; each log holds the positions [first, end) it was given. */
  static final class FixedQueue implements TaskQueue {
    final long[] first;
    final long[] end;
    final AtomicReference<PartitionListener> listener = new AtomicReference<>();

    FixedQueue(long[] first, long[] end) {
      this.first = first;
      this.end = end;
    }

    @Override
    public int partitions() {
      return first.length;
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      throw new UnsupportedOperationException("read-only in this test");
    }

    @Override
    public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
      List<QueuedTask> out = new ArrayList<>();
      for (long p = Math.max(fromPosition, first[partition]);
          p < end[partition] && out.size() < maxTasks;
          p++) {
        out.add(
            new QueuedTask(
                partition, band, p, IndexTask.removeFile(workspaceOf(partition), "f" + p)));
      }
      return out;
    }

    @Override
    public void acknowledge(int partition, int band, long position) {}

    @Override
    public long firstPosition(int partition, int band) {
      return first[partition];
    }

    @Override
    public long endPosition(int partition, int band) {
      return end[partition];
    }

    @Override
    public long size() {
      long n = 0;
      for (int p = 0; p < first.length; p++) {
        n += end[p] - first[p];
      }
      return n;
    }

    @Override
    public long capacity() {
      return 1000;
    }

    @Override
    public boolean isPersistent() {
      return true;
    }

    @Override
    public void subscribe(PartitionListener l) {
      listener.set(l);
      TaskQueue.super.subscribe(l);
    }

    @Override
    public void close() {}
  }

  /** Commits nothing new; holds the given workspaces and checkpoint. */
  static final class FixedBackend implements IndexBackend {
    final Checkpoint committed;
    final Set<String> workspaces;
    final List<QueuedTask> applied = new CopyOnWriteArrayList<>();

    FixedBackend(Checkpoint committed, Set<String> workspaces) {
      this.committed = committed;
      this.workspaces = workspaces;
    }

    @Override
    public void apply(Batch batch) {
      applied.addAll(batch.tasks());
    }

    @Override
    public void commit(Checkpoint checkpoint) {}

    @Override
    public Checkpoint committedCheckpoint() {
      return committed;
    }

    @Override
    public void makeVisible() {}

    @Override
    public List<IndexedDocument> documents(String workspace) {
      return List.of();
    }

    @Override
    public Set<String> workspaces() {
      return workspaces;
    }

    @Override
    public void close() {}
  }

  /** A workspace name that maps to {@code partition} of 2. */
  static String workspaceOf(int partition) {
    for (int i = 0; ; i++) {
      String ws = "ws-" + i;
      if (Partitioning.partitionOf(ws, 2) == partition) {
        return ws;
      }
    }
  }

  static String otherWorkspaceOf(int partition) {
    for (int i = 1000; ; i++) {
      String ws = "other-" + i;
      if (Partitioning.partitionOf(ws, 2) == partition) {
        return ws;
      }
    }
  }

  @Test
  void aCheckpointBelowTheQueuesFirstPositionDeadLettersAReindexOfEachWorkspaceOfThePartition()
      throws Exception {
    String a = workspaceOf(1);
    String b = otherWorkspaceOf(1);
    String elsewhere = workspaceOf(0);
    // partition 0: checkpoint 5, queue holds [5, 8): nothing lost
    // partition 1: checkpoint 10, queue holds [25, 30): positions 10..24 were deleted unapplied
    FixedQueue queue = new FixedQueue(new long[] {5, 25}, new long[] {8, 30});
    FixedBackend backend = new FixedBackend(Checkpoint.of(2, 1, 5, 10), Set.of(a, b, elsewhere));
    try (IndexingService s =
        IndexingService.builder().queue(queue).backend(backend).lanes(2).build()) {
      List<DeadLetter> letters = s.deadLetters().list();
      assertThat(letters).hasSize(2);
      assertThat(letters)
          .extracting(l -> l.task().workspace())
          .as("every workspace of partition 1 the backend holds, and only those")
          .containsExactlyInAnyOrder(a, b);
      for (DeadLetter l : letters) {
        assertThat(l.task().type()).isEqualTo(IndexTaskType.REINDEX_WORKSPACE);
        assertThat(l.id()).isEqualTo(new TaskId(1, 0, 10));
        assertThat(l.permanent()).isTrue();
        assertThat(l.error())
            .contains("partition 1")
            .contains("positions 10 to 24")
            .contains("15 task(s)")
            .contains("retention");
      }
      assertThat(s.queueStatus().deadLettered())
          .as("lost tasks were never read: no counter holds them")
          .isZero();
    }
    // what the queue still held was applied, from the first position it holds
    assertThat(backend.applied)
        .extracting(QueuedTask::position)
        .containsExactlyInAnyOrder(5L, 6L, 7L, 25L, 26L, 27L, 28L, 29L);
  }

  @Test
  void aQueueReportsUndecodableRecordsThroughItsListener() throws Exception {
    FixedQueue queue = new FixedQueue(new long[] {0, 0}, new long[] {0, 0});
    String ws = workspaceOf(0);
    FixedBackend backend = new FixedBackend(Checkpoint.none(), Set.of(workspaceOf(1)));
    try (IndexingService s =
        IndexingService.builder().queue(queue).backend(backend).lanes(1).build()) {
      queue.listener.get().lost(0, 0, 41, 42, ws, "corrupt record at offset 41: truncated");
      queue.listener.get().lost(1, 0, 7, 8, null, "corrupt record at offset 7: no key");
      List<DeadLetter> letters = s.deadLetters().list();
      assertThat(letters)
          .extracting(l -> l.task().workspace() + " " + l.id())
          .containsExactly(ws + " p0#41", workspaceOf(1) + " p1#7");
      assertThat(letters.get(0).error()).contains("corrupt record at offset 41: truncated");
      assertThat(letters.get(1).task()).isNotNull();
    }
  }
}
