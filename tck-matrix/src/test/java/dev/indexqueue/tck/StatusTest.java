package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.PartitionStatus;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.PermanentBackendException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Status that adds up: per-partition depth, the counters, and the {@link ShutdownReport} identity
 * {@code accepted + replayed == applied + coalesced + deadLettered + remaining}. A gated backend
 * holds the lane where the test wants it; nothing depends on timing.
 */
class StatusTest {

  /**
   * A task fetched ahead of its log's read position (the predecessor of an urgent task) counts
   * once: not as unread as well as pending, in flight or applied. Found by the model matrix (seed
   * 2904240333565, lanes=1 × partitions=3 × mixed × coalescing): the report of a stop said
   * remaining=7 for 7 accepted and 1 applied.
   */
  @Test
  void aTaskFetchedAheadOfItsReadPositionCountsOnce() {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .batchSize(2)
            .readAhead(2)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofMillis(50))
            .build();
    service.submit(IndexTask.indexFile("hold", "x", "taken first; waits at the gate"));
    await().until(() -> gate.waiting() == 1);
    service.submit(IndexTask.indexFile("other", "o", "normal, unread"));
    service.submit(IndexTask.indexFile("ws", "a", "normal, before the urgent one"));
    service.submit(IndexTask.indexFile("ws", "b", "urgent").withPriority(-1));
    // the lane reads the urgent band first: ws/b, and fetches ws/a ahead as its predecessor,
    // past other/o; they fill the window of 2, so the normal band's read position stays at
    // other/o, before ws/a; one batch [ws/a, ws/b]
    gate.release(1); // hold/x
    await().until(() -> backend.log().size() == 1 && gate.waiting() == 1); // ws/a + ws/b wait

    PartitionStatus p = service.queueStatus().partitions().get(0);
    assertThat(p.depth()).as("unfinished in partition 0: ws/a, ws/b, other/o").isEqualTo(3);

    ShutdownReport report = service.shutdown(Duration.ZERO); // the lane stays stuck at the gate
    assertThat(report.accepted()).isEqualTo(4);
    assertThat(report.applied()).isEqualTo(1);
    assertThat(report.remaining()).as("ws/a, ws/b, other/o: %s", report).isEqualTo(3);
    assertThat(report.accepted() + report.replayed())
        .isEqualTo(
            report.applied() + report.coalesced() + report.deadLettered() + report.remaining());
    gate.open();
  }

  @Test
  void pendingIsZeroOnceStopped() {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(2, 100))
            .backend(backend)
            .lanes(2)
            .batchSize(1)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofMillis(50))
            .build();
    for (int i = 0; i < 20; i++) {
      service.submit(IndexTask.indexFile("ws" + i, "f", "x"));
    }
    await().until(() -> gate.waiting() == 2);
    // before the stop: one task in flight per lane, all 20 unfinished (read or not: pending counts
    // only what the lanes have read so far, which races with the producer)
    QueueStatus before = service.queueStatus();
    assertThat(before.inFlight()).isEqualTo(2);
    assertThat(before.partitions().stream().mapToLong(p -> p.depth()).sum()).isEqualTo(20);

    ShutdownReport report = service.shutdown(Duration.ZERO); // both lanes stuck at the gate
    assertThat(report.remaining()).isEqualTo(20);
    QueueStatus status = service.queueStatus();
    assertThat(status.state()).isEqualTo(LifecycleState.STOPPED);
    assertThat(status.pending()).isZero();
    assertThat(status.inFlight()).isZero();
    assertThat(status.lanes()).allSatisfy(l -> assertThat(l.depth() + l.inFlight()).isZero());
    assertThat(status.partitions()).allSatisfy(p -> assertThat(p.depth()).isZero());
    assertThat(status.oldestPendingAge()).isEqualTo(Duration.ZERO);
    gate.open();
  }

  @Test
  void appliedExcludesDeadLetters() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    backend.failWhen(
        q -> "bad".equals(q.task().path()),
        () -> new PermanentBackendException("malformed", null),
        -1);
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .batchSize(4)
            .build();
    for (int i = 0; i < 9; i++) {
      service.submit(IndexTask.indexFile("ws", i == 4 ? "bad" : "f" + i, "x"));
    }
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    QueueStatus status = service.queueStatus();
    assertThat(status.accepted()).isEqualTo(9);
    assertThat(status.deadLettered()).isEqualTo(1);
    assertThat(status.applied()).isEqualTo(8);
    ShutdownReport report = service.shutdown(Duration.ofSeconds(30));
    assertThat(report.applied()).isEqualTo(8);
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(report.accepted() + report.replayed())
        .isEqualTo(
            report.applied() + report.coalesced() + report.deadLettered() + report.remaining());
  }
}
