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
import dev.indexqueue.spi.Predecessor;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
   * A memory queue whose append of the task at path {@code gated} waits until {@link #open()} or
   * {@link #close()}; closed, that append fails, as a Kafka producer's does when its queue closes
   * while the cluster does not answer.
   */
  private static final class GatedQueue extends ForwardingTaskQueue {
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile boolean closed;

    GatedQueue() {
      super(MemoryTaskQueueProvider.newQueue(100));
    }

    void open() {
      gate.countDown();
    }

    boolean isClosed() {
      return closed;
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      if (task.path().equals("gated")) {
        entered.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (closed) {
          throw new IllegalStateException("the queue is closed");
        }
      }
      return super.append(partition, band, task, predecessor);
    }

    @Override
    public void close() {
      closed = true;
      gate.countDown();
      super.close();
    }
  }

  private static IndexingService gatedService(GatedQueue queue, Duration grace) {
    return IndexingService.builder()
        .name("gated")
        .queue(queue)
        .backend(new RecordingBackend())
        .shutdownTimeouts(Duration.ofSeconds(30), grace)
        .build();
  }

  /**
   * A submit stuck in the queue's append (until the queue closes): the shutdown waits for it only
   * until its timeout (here the longer grace), closes the queue, and the submit fails; before, the
   * shutdown waited for it forever.
   */
  @Test
  @Timeout(60)
  void aSubmitStuckInTheQueueDoesNotHoldTheShutdown() throws Exception {
    GatedQueue queue = new GatedQueue();
    IndexingService service = gatedService(queue, Duration.ofMillis(200));
    service.submit(IndexTask.indexFile("ws", "a", "1"));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Ticket> submit =
        thread.submit(() -> service.submit(IndexTask.indexFile("ws2", "gated", "2")));
    queue.entered.await();

    ShutdownReport report = service.shutdown(Duration.ofMillis(10));

    assertThat(queue.isClosed()).as("the queue was closed").isTrue();
    assertThatThrownBy(() -> submit.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the queue is closed");
    assertThat(report.accepted()).isEqualTo(1);
    assertThat(report.applied() + report.remaining()).isEqualTo(1);
    assertThat(service.queueStatus().state()).isEqualTo(LifecycleState.STOPPED);
    thread.shutdown();
  }

  /**
   * A submit in progress when the shutdown starts gets at least the grace, even with a zero
   * timeout: it is accepted and counted in the report, not cut off by the closing queue.
   */
  @Test
  @Timeout(60)
  void aSubmitInProgressGetsTheGraceEvenWithAZeroTimeout() throws Exception {
    GatedQueue queue = new GatedQueue();
    IndexingService service = gatedService(queue, Duration.ofSeconds(30));
    service.submit(IndexTask.indexFile("ws", "a", "1"));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Ticket> submit =
        thread.submit(() -> service.submit(IndexTask.indexFile("ws2", "gated", "2")));
    queue.entered.await();
    CompletableFuture<ShutdownReport> shutdown = new CompletableFuture<>();
    Thread stopper = new Thread(() -> shutdown.complete(service.shutdown(Duration.ZERO)));
    stopper.start();
    // the shutdown waits for the submit in progress
    await()
        .until(
            () ->
                Arrays.stream(stopper.getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("awaitNoSubmits")));
    queue.open();

    ShutdownReport report = shutdown.get(30, TimeUnit.SECONDS);

    assertThat(submit.get(30, TimeUnit.SECONDS).sequence()).isEqualTo(1);
    assertThat(report.accepted()).isEqualTo(2);
    assertThat(report.applied() + report.coalesced() + report.deadLettered() + report.remaining())
        .isEqualTo(2);
    stopper.join();
    thread.shutdown();
  }
}
