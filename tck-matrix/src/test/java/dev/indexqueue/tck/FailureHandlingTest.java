package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.RetryPolicy;
import dev.indexqueue.TaskFailedException;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.PermanentBackendException;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TransientBackendException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Retries with a manual clock, dead letters, replay, and an Error that fails the service. */
class FailureHandlingTest {
  private static final RetryPolicy RETRY =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(10), 3.0);

  private static Predicate<QueuedTask> path(String p) {
    return q -> p.equals(q.task().path());
  }

  private static IndexingService service(RecordingBackend backend, ManualClock clock) {
    return IndexingService.builder()
        .queue(MemoryTaskQueueProvider.newQueue(100))
        .backend(backend)
        .clock(clock)
        .retryPolicy(RETRY)
        .batchSize(10)
        .refreshInterval(Duration.ofDays(365))
        .commitPolicy(dev.indexqueue.CommitPolicy.of(1_000_000, Duration.ofDays(365)))
        .build();
  }

  /** The retry waits the clock saw (maintenance waits of a year are left out). */
  private static List<Long> backoffs(ManualClock clock) {
    return clock.waits().stream().filter(n -> n < Duration.ofHours(1).toNanos()).toList();
  }

  @Test
  void transientFailuresAreRetriedWithGrowingCappedDelays() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    backend.failWhen(path("flaky"), () -> new TransientBackendException("busy", null), 3);
    IndexingService service = service(backend, clock);
    Ticket flaky = service.submit(IndexTask.indexFile("ws", "flaky", "ok at last"));
    assertThat(flaky.await(TaskStage.APPLIED, Duration.ofSeconds(30))).isTrue();
    Ticket after = service.submit(IndexTask.indexFile("ws", "next", "fine"));
    assertThat(after.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
    QueueStatus status = service.queueStatus();
    service.close();

    // attempts 1, 2 and 3 failed, each followed by a backoff; attempt 4 succeeded
    List<Long> waits = backoffs(clock);
    assertThat(status.retried()).isEqualTo(waits.size()).isEqualTo(3);
    for (int i = 0; i < waits.size(); i++) {
      assertThat(waits.get(i)).isBetween(0L, RETRY.backoffCap(i + 1).toNanos());
    }
    assertThat(RETRY.backoffCap(1)).isLessThan(RETRY.backoffCap(2));
    assertThat(RETRY.backoffCap(2)).isLessThan(RETRY.backoffCap(3));
    assertThat(backend.contents("ws"))
        .containsEntry("flaky", "ok at last")
        .containsEntry("next", "fine");
    assertThat(status.deadLettered()).isZero();
  }

  @Test
  void exhaustedRetriesDeadLetterTheTaskAndLaterTasksGoOn() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    backend.failWhen(path("doomed"), () -> new TransientBackendException("still busy", null), -1);
    IndexingService service = service(backend, clock);
    Ticket doomed = service.submit(IndexTask.indexFile("ws", "doomed", "never"));
    Ticket after = service.submit(IndexTask.indexFile("ws", "next", "fine"));

    assertThat(after.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
    assertThatThrownBy(() -> doomed.await(TaskStage.APPLIED, Duration.ofSeconds(5)))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("was dead-lettered after 4 attempt(s)")
        .hasMessageContaining("still busy");
    List<DeadLetter> letters = service.deadLetters().list();
    assertThat(letters).hasSize(1);
    DeadLetter d = letters.get(0);
    assertThat(d.sequence()).isEqualTo(doomed.sequence());
    assertThat(d.attempts()).isEqualTo(4);
    assertThat(d.permanent()).isFalse();
    assertThat(d.lastFailure()).isAfterOrEqualTo(d.firstFailure());
    assertThat(service.queueStatus().deadLettered()).isEqualTo(1);
    assertThat(backoffs(clock)).hasSize(3);
    service.close();
  }

  @Test
  void permanentFailuresDeadLetterAtOnce() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    backend.failWhen(path("bad"), () -> new PermanentBackendException("malformed", null), -1);
    IndexingService service = service(backend, clock);
    Ticket bad = service.submit(IndexTask.indexFile("ws", "bad", "x"));
    Ticket good = service.submit(IndexTask.indexFile("ws", "good", "y"));
    assertThat(good.await(TaskStage.APPLIED, Duration.ofSeconds(30))).isTrue();
    assertThatThrownBy(() -> bad.await(TaskStage.VISIBLE, Duration.ofSeconds(5)))
        .isInstanceOf(TaskFailedException.class);
    assertThat(service.deadLetters().list().get(0).attempts()).isEqualTo(1);
    assertThat(service.deadLetters().list().get(0).permanent()).isTrue();
    assertThat(backoffs(clock)).isEmpty();
    service.close();
  }

  @Test
  void replayResubmitsDeadLettersInOrderAndClearEmptiesTheStore() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    backend.failWhen(
        q -> q.task().path().startsWith("r"), () -> new PermanentBackendException("no", null), -1);
    IndexingService service = service(backend, clock);
    service.submit(IndexTask.indexFile("ws", "r1", "one"));
    service.submit(IndexTask.indexFile("ws", "r2", "two"));
    service.submit(IndexTask.indexFile("ws", "r3", "three"));
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    assertThat(service.deadLetters().count()).isEqualTo(3);

    backend.clearFailures();
    List<Ticket> replayed = service.deadLetters().replay();
    assertThat(replayed).extracting(Ticket::sequence).isSorted();
    for (Ticket t : replayed) {
      assertThat(t.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
    }
    assertThat(service.deadLetters().count()).isZero();
    assertThat(backend.contents("ws"))
        .containsEntry("r1", "one")
        .containsEntry("r2", "two")
        .containsEntry("r3", "three");
    List<String> order = backend.log().stream().map(q -> q.task().path()).toList();
    assertThat(order).containsSubsequence("r1", "r2", "r3");

    backend.failWhen(path("r4"), () -> new PermanentBackendException("no", null), 1);
    service.submit(IndexTask.indexFile("ws", "r4", "four"));
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    assertThat(service.deadLetters().clear()).isEqualTo(1);
    assertThat(service.deadLetters().list()).isEmpty();
    service.close();
    backend.assertNoViolations();
  }

  @Test
  void anErrorFailsTheServiceVisiblyAndSubmitSaysWhy() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    backend.failWhen(path("fatal"), () -> new OutOfMemoryError("simulated"), 1);
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .build();
    Ticket t = service.submit(IndexTask.indexFile("ws", "fatal", "x"));
    assertThatThrownBy(() -> t.await(TaskStage.APPLIED, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FAILED");
    QueueStatus status = service.queueStatus();
    assertThat(status.state()).isEqualTo(LifecycleState.FAILED);
    assertThat(status.failure()).contains("OutOfMemoryError: simulated");
    assertThat(status.lanes().get(0).state()).isEqualTo(LifecycleState.FAILED);
    assertThatThrownBy(() -> service.submit(IndexTask.indexFile("ws", "more", "y")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "has FAILED and refuses tasks: java.lang.OutOfMemoryError: simulated");
    service.close();
    assertThat(service.queueStatus().state()).isEqualTo(LifecycleState.FAILED);
  }
}
