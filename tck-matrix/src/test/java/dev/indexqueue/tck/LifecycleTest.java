package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle state machine: FAILED at once on an Error, shutdown from a callback, close twice.
 */
class LifecycleTest {

  private static boolean threadsAlive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
  }

  /**
   * An Error during a drain moves the service to FAILED at once: the shutdown, with an hour to
   * drain, returns as soon as the Error stopped the lanes, and its report still adds up.
   */
  @Test
  void anErrorDuringADrainFailsTheServiceAtOnce() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    backend.failWhen(
        q -> "fatal".equals(q.task().path()), () -> new OutOfMemoryError("simulated"), 1);
    IndexingService service =
        IndexingService.builder()
            .name("error-in-drain")
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .batchSize(1)
            .shutdownTimeouts(Duration.ofHours(1), Duration.ofHours(1))
            .build();
    service.submit(IndexTask.indexFile("ws", "first", "applied"));
    Ticket fatal = service.submit(IndexTask.indexFile("ws", "fatal", "throws an Error"));
    for (int i = 0; i < 5; i++) {
      service.submit(IndexTask.indexFile("ws", "after" + i, "never applied"));
    }
    await().until(() -> gate.waiting() == 1);
    CompletableFuture<ShutdownReport> shutdown =
        CompletableFuture.supplyAsync(() -> service.shutdown(Duration.ofHours(1)));
    await().until(() -> service.queueStatus().state() == LifecycleState.DRAINING);
    gate.open(); // "first" is applied, then "fatal" throws during the drain

    ShutdownReport report = shutdown.get(1, TimeUnit.MINUTES); // not an hour
    assertThat(service.queueStatus().state()).isEqualTo(LifecycleState.FAILED);
    assertThat(service.queueStatus().failure()).contains("OutOfMemoryError: simulated");
    assertThat(fatal.applied()).isCompletedExceptionally();
    assertThat(report.timedOut()).isFalse();
    assertThat(report.applied()).isEqualTo(1);
    assertThat(report.remaining()).as("fatal and the five after it: %s", report).isEqualTo(6);
    assertThat(report.accepted() + report.replayed())
        .isEqualTo(
            report.applied() + report.coalesced() + report.deadLettered() + report.remaining());
    await().until(() -> !threadsAlive("error-in-drain-"));
    service.close();
    assertThat(service.queueStatus().state())
        .as("FAILED is final")
        .isEqualTo(LifecycleState.FAILED);
  }

  /** A ticket's callback may close the service: callbacks run on the callback executor. */
  @Test
  void shutdownFromATicketCallbackDoesNotStall() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    IndexingService service =
        IndexingService.builder()
            .name("close-in-callback")
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .build();
    Ticket t = service.submit(IndexTask.indexFile("ws", "a", "b"));
    CompletableFuture<Void> closed = t.visible().thenRun(service::close);
    closed.get(1, TimeUnit.MINUTES);
    assertThat(service.queueStatus().state()).isEqualTo(LifecycleState.STOPPED);
    await().until(() -> !threadsAlive("close-in-callback-"));
    assertThat(backend.storage().commits()).isPositive();
  }

  /** Two threads closing at once get the one report; later calls return it too. */
  @Test
  void concurrentClosesShareOneShutdown() throws Exception {
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(new RecordingBackend())
            .build();
    for (int i = 0; i < 50; i++) {
      service.submit(IndexTask.indexFile("ws", "f" + i, "x"));
    }
    List<CompletableFuture<ShutdownReport>> reports =
        List.of(
            CompletableFuture.supplyAsync(() -> service.shutdown(Duration.ofMinutes(1))),
            CompletableFuture.supplyAsync(() -> service.shutdown(Duration.ofMinutes(1))));
    ShutdownReport first = reports.get(0).get(1, TimeUnit.MINUTES);
    assertThat(reports.get(1).get(1, TimeUnit.MINUTES)).isSameAs(first);
    service.close();
    service.close();
    assertThat(service.shutdown(Duration.ZERO)).isSameAs(first);
    assertThat(first.applied()).isEqualTo(50);
  }
}
