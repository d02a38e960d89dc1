package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Checkpoint;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  private static Set<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toSet());
  }

  @Test
  void shutdownDrainsEveryAcceptedTask() {
    RecordingBackend backend = new RecordingBackend();
    IndexingService service =
        IndexingService.builder()
            .name("drain")
            .queue(MemoryTaskQueueProvider.newQueue(2, 10_000))
            .backend(backend)
            .lanes(2)
            .build();
    for (int i = 0; i < 5_000; i++) {
      service.submit(IndexTask.indexFile("ws" + (i % 7), "doc" + i, "text " + i));
    }
    ShutdownReport report = service.shutdown(Duration.ofMinutes(1));

    assertThat(report.timedOut()).isFalse();
    assertThat(report.applied()).isEqualTo(5_000);
    assertThat(report.remaining()).isZero();
    Checkpoint cp = backend.storage().checkpoint();
    assertThat(cp.position(0, 0) + cp.position(1, 0)).isEqualTo(5_000);
    assertThat(cp.position(0, 1) + cp.position(1, 1)).isZero();
    assertThat(service.queueStatus().state()).isEqualTo(LifecycleState.STOPPED);
    assertThat(threadsNamed("drain-")).isEmpty();
    backend.assertNoViolations();
  }

  @Test
  void shortTimeoutReportsAppliedAndRemaining() {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .name("short")
            .queue(MemoryTaskQueueProvider.newQueue(1000))
            .backend(backend)
            .batchSize(10)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofMillis(100))
            .build();
    for (int i = 0; i < 100; i++) {
      service.submit(IndexTask.indexFile("ws", "doc" + i, "text " + i));
    }
    gate.release(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backend.batches() == 3 && gate.waiting() == 1);

    ShutdownReport report = service.shutdown(Duration.ofMillis(50));

    // batch boundaries depend on when the worker woke up; what was applied is what the backend saw
    int applied = backend.log().size();
    assertThat(applied).isBetween(21, 30);
    assertThat(report.timedOut()).isTrue();
    assertThat(report.applied()).isEqualTo(applied);
    assertThat(report.remaining()).isEqualTo(100 - applied);
    gate.open();
    await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed("short-").isEmpty());
    backend.assertNoViolations();
  }

  @Test
  void submitAfterShutdownIsRefusedClearly() {
    IndexingService service =
        IndexingService.builder()
            .name("refuse")
            .queue("memory", Map.of())
            .backend(new RecordingBackend())
            .build();
    service.shutdown(Duration.ofSeconds(10));
    assertThatThrownBy(() -> service.submit(IndexTask.removeWorkspace("ws")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("IndexingService refuse is shutting down (STOPPED): submit refused");
  }

  @Test
  void closeTwiceIsANoOpAndReturnsTheFirstReport() {
    RecordingBackend backend = new RecordingBackend();
    IndexingService service =
        IndexingService.builder().name("twice").queue("memory", Map.of()).backend(backend).build();
    service.submit(IndexTask.indexFile("ws", "a", "b"));
    ShutdownReport first = service.shutdown(Duration.ofSeconds(10));
    service.close();
    service.close();
    assertThat(service.shutdown(Duration.ofSeconds(1))).isSameAs(first);
    assertThat(backend.storage().commits()).isEqualTo(1);
    assertThat(threadsNamed("twice-")).isEmpty();
  }

  @Test
  void ticketsOfTasksLeftBehindCompleteExceptionally() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .name("left")
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .batchSize(1)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofMillis(50))
            .build();
    Ticket first = service.submit(IndexTask.indexFile("ws", "a", "1"));
    Ticket second = service.submit(IndexTask.indexFile("ws", "b", "2"));
    await().until(() -> gate.waiting() == 1);
    service.shutdown(Duration.ofMillis(10));
    assertThatThrownBy(() -> second.await(TaskStage.APPLIED, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stopped before the task reached this stage");
    gate.open();
    assertThat(first.sequence()).isLessThan(second.sequence());
  }
}
