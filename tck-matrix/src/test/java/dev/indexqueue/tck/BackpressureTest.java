package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueFullException;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackpressureTest {

  private static IndexingService service(
      RecordingBackend backend, int capacity, BackpressurePolicy policy, Duration timeout) {
    return IndexingService.builder()
        .queue(MemoryTaskQueueProvider.newQueue(capacity))
        .backend(backend)
        .readAhead(4)
        .batchSize(2)
        .backpressure(policy, timeout)
        .build();
  }

  @Test
  void rejectThrowsAtOnceAndEnqueuesNothing() {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service = service(backend, 8, BackpressurePolicy.REJECT, Duration.ZERO);
    for (int i = 0; i < 8; i++) {
      service.submit(IndexTask.indexFile("ws", "f" + i, "x"));
    }
    assertThatThrownBy(() -> service.submit(IndexTask.indexFile("ws", "over", "x")))
        .isInstanceOf(QueueFullException.class)
        .hasMessage("queue full: 8 of 8 tasks (policy REJECT)");
    assertThat(service.queueStatus().accepted()).isEqualTo(8);
    gate.open();
    service.close();
    assertThat(backend.log()).extracting(q -> q.task().path()).doesNotContain("over");
  }

  @Test
  void blockWaitsForSpaceThenSucceeds() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service = service(backend, 8, BackpressurePolicy.BLOCK, Duration.ofMinutes(1));
    for (int i = 0; i < 8; i++) {
      service.submit(IndexTask.indexFile("ws", "f" + i, "x"));
    }
    CompletableFuture<Ticket> blocked =
        CompletableFuture.supplyAsync(() -> service.submit(IndexTask.indexFile("ws", "late", "y")));
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !blocked.isDone());
    gate.open(); // the worker applies and commits: space frees and the blocked submit goes through
    Ticket t = blocked.get(30, TimeUnit.SECONDS);
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    service.close();
    assertThat(backend.contents("ws")).containsEntry("late", "y");
    assertThat(t.sequence()).isEqualTo(8);
  }

  @Test
  void aQueueFullOfCoalescedTasksIsCommittedWithoutWaitingForTheCommitInterval() throws Exception {
    // one file updated over and over: nearly every task is coalesced away, never applied, and still
    // holds its queue space until a commit covers it; the commit interval (a day) never passes, so
    // only the half-full rule can free the queue, and it must count the coalesced tasks
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(64))
            .backend(backend)
            .commitPolicy(CommitPolicy.of(1_000_000, Duration.ofDays(1)))
            .backpressure(BackpressurePolicy.BLOCK, Duration.ofSeconds(10))
            .build();
    for (int i = 0; i < 64; i++) { // the lane holds the first in the gate; the rest fill the queue
      service.submit(IndexTask.indexFile("ws", "same.txt", "v" + i));
    }
    gate.open(); // the lane reads 63 tasks of one file: it applies one and coalesces 62 away
    for (int i = 64; i < 2_000; i++) {
      service.submit(IndexTask.indexFile("ws", "same.txt", "v" + i)); // QueueFullException if not
    }
    assertThat(service.queueStatus().accepted()).isEqualTo(2_000);
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    service.close();
    assertThat(backend.contents("ws")).containsEntry("same.txt", "v1999");
  }

  @Test
  void blockGivesUpAfterItsTimeout() {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service = service(backend, 4, BackpressurePolicy.BLOCK, Duration.ofMillis(50));
    for (int i = 0; i < 4; i++) {
      service.submit(IndexTask.indexFile("ws", "f" + i, "x"));
    }
    assertThatThrownBy(() -> service.submit(IndexTask.indexFile("ws", "over", "x")))
        .isInstanceOf(QueueFullException.class)
        .hasMessage("queue full: 4 tasks, and no space freed within PT0.05S (policy BLOCK)");
    gate.open();
    service.close();
  }

  @Test
  void shutdownReleasesBlockedProducersWithAClearError() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service = service(backend, 2, BackpressurePolicy.BLOCK, Duration.ofMinutes(5));
    service.submit(IndexTask.indexFile("ws", "a", "x"));
    service.submit(IndexTask.indexFile("ws", "b", "x"));
    // own threads: on JDK 25 the async defaults run on the common pool, which has one worker on
    // two cores, so the shutdown would queue behind the blocked submit
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    CompletableFuture<Ticket> blocked =
        CompletableFuture.supplyAsync(
            () -> service.submit(IndexTask.indexFile("ws", "c", "y")), threads);
    CompletableFuture<?> shutdown =
        CompletableFuture.runAsync(() -> service.shutdown(Duration.ofMillis(10)), threads);
    assertThat(blocked)
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class)
        .withMessageContaining("is shutting down");
    gate.open();
    shutdown.get(30, TimeUnit.SECONDS);
    threads.shutdown();
  }

  @Test
  void memoryStaysBoundedWithFourProducersAgainstAStalledBackend() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    int capacity = 1000;
    IndexingService service = service(backend, capacity, BackpressurePolicy.REJECT, Duration.ZERO);
    AtomicLong accepted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    String content = "x".repeat(1024);
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      int producer = p;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < 100_000; i++) {
                  try {
                    service.submit(IndexTask.indexFile("ws" + producer, "f" + i, content));
                    accepted.incrementAndGet();
                  } catch (QueueFullException e) {
                    rejected.incrementAndGet();
                  }
                }
              });
      producers.add(t);
      t.start();
    }
    for (Thread t : producers) {
      t.join();
    }
    QueueStatus status = service.queueStatus();
    assertThat(accepted.get()).isEqualTo(capacity);
    assertThat(rejected.get()).isEqualTo(400_000 - capacity);
    assertThat(status.queueSize()).isEqualTo(capacity);
    assertThat(status.pending() + status.inFlight()).isLessThanOrEqualTo(4 + 2);
    // 400,000 tasks of 1 KiB were offered; what is held is bounded by the capacity
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    assertThat(used).as("heap used after offering 400 MB of tasks").isLessThan(200L * 1024 * 1024);
    gate.open();
    service.close();
  }
}
