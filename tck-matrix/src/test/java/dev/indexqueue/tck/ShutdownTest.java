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

  /**
   * A queue whose append of one task hangs until the queue is closed, as a Kafka producer's does
   * while the cluster does not answer: the shutdown waits for that submit only until its timeout
   * (here the longer grace), closes the queue, and the submit fails; before, the shutdown waited
   * for it forever.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aSubmitStuckInTheQueueDoesNotHoldTheShutdown() throws Exception {
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
    ForwardingTaskQueue queue =
        new ForwardingTaskQueue(MemoryTaskQueueProvider.newQueue(100)) {
          @Override
          public long append(
              int partition, int band, IndexTask task, dev.indexqueue.spi.Predecessor predecessor) {
            if (task.path().equals("stuck")) {
              stuck.countDown();
              try {
                closed.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IllegalStateException("the queue is closed");
            }
            return super.append(partition, band, task, predecessor);
          }

          @Override
          public void close() {
            closed.countDown();
            super.close();
          }
        };
    RecordingBackend backend = new RecordingBackend();
    IndexingService service =
        IndexingService.builder()
            .name("stuck")
            .queue(queue)
            .backend(backend)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofMillis(200))
            .build();
    service.submit(IndexTask.indexFile("ws", "a", "1"));
    java.util.concurrent.ExecutorService thread =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    java.util.concurrent.Future<Ticket> submit =
        thread.submit(() -> service.submit(IndexTask.indexFile("ws2", "stuck", "2")));
    stuck.await();

    ShutdownReport report = service.shutdown(Duration.ofMillis(10));

    assertThat(closed.getCount()).as("the queue was closed").isZero();
    assertThatThrownBy(() -> submit.get(30, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the queue is closed");
    assertThat(report.accepted()).isEqualTo(1);
    assertThat(report.applied() + report.remaining()).isEqualTo(1);
    assertThat(service.queueStatus().state()).isEqualTo(LifecycleState.STOPPED);
    thread.shutdown();
  }
}
