package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.TaskId;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bounds the partitioned log promises, counted in batches, never in time (a {@link
 * ManualClock}; the backend holds each lane at a gate so the test knows which batch is in
 * progress):
 *
 * <ul>
 *   <li>an urgent task of a workspace with no earlier pending task is applied after at most the
 *       batch in progress on its lane, whatever the backlog of normal tasks ahead of it in the same
 *       partition (20,000 or 1,000,000), with the lane's memory bounded by its read-ahead;
 *   <li>an urgent task whose workspace has earlier tasks deep in that backlog waits for them, and
 *       they inherit its priority: they are applied, in order, before the rest of the backlog;
 *   <li>lanes are independent: with 2 lanes, a workspace's single task on the idle lane is applied
 *       in that lane's first batch while the other lane is stuck in a 100,000-task backlog.
 * </ul>
 */
class UrgentBoundTest {
  private static final int BATCH = 256;
  private static final int READ_AHEAD = 4096;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * A backend that records the batches it applies, per lane, and holds the batches of chosen lanes
   * at a gate until the test lets them through. Thread-safe.
   */
  static final class GatedBackend implements IndexBackend {
    private final RecordingBackend recording = new RecordingBackend();
    private final Set<Integer> gatedLanes;
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger waiting = new AtomicInteger();
    private final List<Batch> applied = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean open;

    GatedBackend(Set<Integer> gatedLanes) {
      this.gatedLanes = gatedLanes;
    }

    @Override
    public void apply(Batch batch) {
      if (gatedLanes.contains(batch.lane()) && !open) {
        waiting.incrementAndGet();
        try {
          permits.acquireUninterruptibly();
        } finally {
          waiting.decrementAndGet();
        }
      }
      recording.apply(batch);
      applied.add(batch);
    }

    /** Lets one more gated batch through. */
    void release() {
      permits.release();
    }

    /** Lets every batch through from now on. */
    void open() {
      open = true;
      permits.release(1_000_000);
    }

    int waiting() {
      return waiting.get();
    }

    /** The batches applied so far, in order. */
    List<Batch> batches() {
      synchronized (applied) {
        return List.copyOf(applied);
      }
    }

    int batchCount() {
      return applied.size();
    }

    /** Waits until {@code n} batches were applied and the next one waits at the gate. */
    void awaitAtGate(int n) {
      await().atMost(Duration.ofMinutes(2)).until(() -> batchCount() == n && waiting() == 1);
    }

    /** The 1-based number of the batch that applied {@code id}, or -1. */
    int batchOf(TaskId id) {
      List<Batch> all = batches();
      for (int i = 0; i < all.size(); i++) {
        for (QueuedTask q : all.get(i).tasks()) {
          if (q.id().equals(id)) {
            return i + 1;
          }
        }
      }
      return -1;
    }

    RecordingBackend recording() {
      return recording;
    }

    @Override
    public void commit(Checkpoint checkpoint) {
      recording.commit(checkpoint);
    }

    @Override
    public Checkpoint committedCheckpoint() {
      return recording.committedCheckpoint();
    }

    @Override
    public void makeVisible() {
      recording.makeVisible();
    }

    @Override
    public List<IndexedDocument> documents(String workspace) {
      return recording.documents(workspace);
    }

    @Override
    public Set<String> workspaces() {
      return recording.workspaces();
    }

    @Override
    public void close() {
      open();
      recording.close();
    }
  }

  private static IndexingService service(GatedBackend backend, int lanes, int capacity) {
    return IndexingService.builder()
        .queue(MemoryTaskQueueProvider.newQueue(lanes, capacity))
        .backend(backend)
        .lanes(lanes)
        .batchSize(BATCH)
        .readAhead(READ_AHEAD)
        .coalescing(false)
        .clock(new ManualClock())
        .shutdownTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
        .build();
  }

  /** {@code n} normal tasks over 8 bulk workspaces of one partition (task objects shared). */
  private static void submitBacklog(IndexingService service, int n) {
    IndexTask[] bulk = new IndexTask[8];
    for (int w = 0; w < bulk.length; w++) {
      bulk[w] = IndexTask.indexFile("bulk" + w, "doc.txt", "normal work").withTimestamp(T0);
    }
    for (int i = 0; i < n; i++) {
      service.submit(bulk[i % bulk.length]);
    }
  }

  @ParameterizedTest(name = "{0} normal tasks ahead")
  @ValueSource(ints = {20_000, 1_000_000})
  void anUrgentTaskOfAFreshWorkspaceIsAppliedAfterAtMostTheBatchInProgress(int backlog)
      throws Exception {
    GatedBackend backend = new GatedBackend(Set.of(0));
    IndexingService service = service(backend, 1, backlog + 16);
    try {
      submitBacklog(service, backlog);
      backend.release();
      backend.release();
      backend.awaitAtGate(2); // two batches applied, the third in progress at the gate
      QueueStatus before = service.queueStatus();
      assertThat(before.pending() + before.inFlight())
          .as("what the lane holds is bounded by its read-ahead, whatever the backlog")
          .isLessThanOrEqualTo(READ_AHEAD);

      Ticket urgent =
          service.submit(IndexTask.indexFile("urgent", "now.txt", "at once").withPriority(-1));
      assertThat(urgent.id().band()).isEqualTo(1);
      backend.release(); // the batch in progress
      backend.release(); // the next one: it must hold the urgent task
      backend.awaitAtGate(4);
      assertThat(backend.batchOf(urgent.id()))
          .as("the urgent task is in the batch after the one in progress (3)")
          .isEqualTo(4);
      assertThat(urgent.await(TaskStage.APPLIED, Duration.ofMinutes(1))).isTrue();
      long normalBefore =
          backend.recording().log().stream().takeWhile(q -> !q.id().equals(urgent.id())).count();
      assertThat(normalBefore)
          .as("normal tasks applied before the urgent one: at most 3 batches")
          .isLessThanOrEqualTo(3L * BATCH);
    } finally {
      backend.open();
      service.shutdown(Duration.ZERO);
    }
    backend.recording().assertNoViolations();
  }

  @Test
  void anUrgentTasksEarlierTasksDeepInTheBacklogInheritItsPriority() throws Exception {
    int backlog = 20_000;
    GatedBackend backend = new GatedBackend(Set.of(0));
    IndexingService service = service(backend, 1, backlog + 16);
    List<Ticket> earlier = new ArrayList<>();
    try {
      IndexTask bulk = IndexTask.indexFile("bulk", "doc.txt", "normal work").withTimestamp(T0);
      for (int i = 0; i < backlog; i++) {
        if (i == 5_000 || i == 10_000 || i == 15_000) {
          // far beyond the read-ahead window: not read when the urgent task arrives
          earlier.add(service.submit(IndexTask.indexFile("ws", "f" + i, "earlier " + i)));
        }
        service.submit(bulk);
      }
      backend.release();
      backend.awaitAtGate(1); // one batch applied, the second in progress at the gate
      Ticket urgent =
          service.submit(IndexTask.indexFile("ws", "now.txt", "urgent").withPriority(-5));
      backend.release(); // the batch in progress
      backend.release(); // the next one: the workspace's three earlier tasks, then the urgent one
      backend.awaitAtGate(3);

      List<TaskId> wanted = new ArrayList<>();
      earlier.forEach(t -> wanted.add(t.id()));
      wanted.add(urgent.id());
      List<TaskId> third =
          backend.batches().get(2).tasks().stream().map(QueuedTask::id).limit(4).toList();
      assertThat(third)
          .as("the batch after the one in progress: ws's tasks in acceptance order, urgent last")
          .containsExactlyElementsOf(wanted);
      // the earlier tasks overtook the bulk tasks accepted before them (inherited priority): at
      // most the two batches before theirs were applied ahead of them
      long bulkBefore =
          backend.recording().log().stream()
              .takeWhile(q -> !q.task().workspace().equals("ws"))
              .filter(q -> q.task() == bulk)
              .count();
      assertThat(bulkBefore).isLessThanOrEqualTo(2L * BATCH);
    } finally {
      backend.open();
      service.shutdown(Duration.ZERO);
    }
    backend.recording().assertNoViolations();
  }

  /**
   * The bound holds also when an earlier urgent task waits for a chain of earlier tasks longer than
   * the read-ahead window: that task waits (its workspace's order), a fresh workspace's urgent task
   * behind it in the urgent band does not (the lane holds the first one in its workspace and reads
   * on).
   */
  @Test
  void anUrgentTaskIsNotHeldBehindAnEarlierUrgentTaskWithALongChain() throws Exception {
    GatedBackend backend = new GatedBackend(Set.of(0));
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(1, 10_000))
            .backend(backend)
            .batchSize(16)
            .readAhead(64)
            .coalescing(false)
            .clock(new ManualClock())
            .shutdownTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
            .build();
    try {
      IndexTask bulk = IndexTask.indexFile("bulk", "doc.txt", "normal work").withTimestamp(T0);
      for (int i = 0; i < 4_000; i++) {
        service.submit(i % 20 == 10 ? IndexTask.indexFile("long", "f" + i, "spread out") : bulk);
      }
      backend.release();
      backend.release();
      backend.awaitAtGate(2); // the third batch in progress
      // 200 unread tasks of "long" before it: more than the window of 64
      Ticket behindChain =
          service.submit(IndexTask.indexFile("long", "now.txt", "urgent").withPriority(-1));
      Ticket fresh =
          service.submit(IndexTask.indexFile("fresh", "now.txt", "urgent").withPriority(-10));
      backend.release(); // the batch in progress
      backend.release(); // the next one: it must hold the fresh workspace's urgent task
      backend.awaitAtGate(4);
      assertThat(backend.batchOf(fresh.id()))
          .as("the fresh urgent task is in the batch after the one in progress (3)")
          .isEqualTo(4);
      assertThat(behindChain.isDone(TaskStage.APPLIED)).isFalse();
    } finally {
      backend.open();
      service.shutdown(Duration.ZERO);
    }
    backend.recording().assertNoViolations();
  }

  @Test
  void aWorkspaceOnAnIdleLaneIsAppliedWhileTheOtherLaneHasABacklog() throws Exception {
    int backlog = 100_000;
    String busy = workspaceIn(0, 2);
    String idle = workspaceIn(1, 2);
    GatedBackend backend = new GatedBackend(Set.of(0)); // only lane 0 is held
    IndexingService service = service(backend, 2, backlog + 16);
    try {
      IndexTask bulk = IndexTask.indexFile(busy, "doc.txt", "normal work").withTimestamp(T0);
      for (int i = 0; i < backlog; i++) {
        service.submit(bulk);
      }
      await().until(() -> backend.waiting() == 1); // lane 0: its first batch at the gate
      Ticket single = service.submit(IndexTask.indexFile(idle, "one.txt", "alone"));
      assertThat(single.await(TaskStage.APPLIED, Duration.ofMinutes(1))).isTrue();

      List<Batch> batches = backend.batches();
      assertThat(batches)
          .as("lane 0 is still in its first batch; lane 1 applied one batch: the single task")
          .hasSize(1);
      assertThat(batches.get(0).lane()).isEqualTo(1);
      assertThat(batches.get(0).tasks()).extracting(QueuedTask::id).containsExactly(single.id());
      assertThat(backend.waiting()).isEqualTo(1);
    } finally {
      backend.open();
      service.shutdown(Duration.ZERO);
    }
    backend.recording().assertNoViolations();
  }

  /** A workspace name whose partition, of {@code partitions}, is {@code partition}. */
  private static String workspaceIn(int partition, int partitions) {
    for (int i = 0; ; i++) {
      String ws = "ws" + i;
      if (Partitioning.partitionOf(ws, partitions) == partition) {
        return ws;
      }
    }
  }
}
