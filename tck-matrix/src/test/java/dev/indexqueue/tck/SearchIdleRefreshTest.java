package dev.indexqueue.tck;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Interval refreshes run only while the service is search-active; the first read of an idle service
 * refreshes first. Time is a {@link ManualClock}: a lane that sleeps until its next commit or
 * refresh moves the clock by that much at once, so "an hour passed without a refresh" is checked
 * without waiting an hour, and without sleeping.
 */
class SearchIdleRefreshTest {
  private static final Duration COMMIT_INTERVAL = Duration.ofHours(1);

  private static IndexingServiceBuilder builder(RecordingBackend backend, ManualClock clock) {
    return builder(MemoryTaskQueueProvider.newQueue(100), backend, clock);
  }

  private static IndexingServiceBuilder builder(
      TaskQueue queue, IndexBackend backend, ManualClock clock) {
    return IndexingService.builder()
        .queue(queue)
        .backend(backend)
        .clock(clock)
        .commitPolicy(CommitPolicy.of(1_000_000, COMMIT_INTERVAL))
        .refreshInterval(Duration.ofSeconds(1))
        .searchIdleAfter(Duration.ofSeconds(30));
  }

  /** Waits until the service committed {@code n} times (the interval commit: the lane slept). */
  private static void awaitCommits(RecordingBackend backend, int n) {
    await().atMost(30, TimeUnit.SECONDS).until(() -> backend.storage().commits() >= n);
  }

  @Test
  void idleServiceSkipsIntervalRefreshesAndItsFirstReadRefreshes() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService service = builder(backend, clock).build()) {
      Ticket a = service.submit(IndexTask.indexFile("ws", "a.txt", "alpha"));
      a.applied().get(30, TimeUnit.SECONDS);
      awaitCommits(backend, 1);
      // an hour (the commit interval) passed with 'a' applied and nobody reading: no refresh
      assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(COMMIT_INTERVAL.toNanos());
      assertThat(backend.refreshes()).isZero();
      assertThat(backend.contents("ws")).isEmpty();

      // the first read of the idle service makes 'a' visible before reading
      assertThat(service.indexStatus("ws").indexedFiles()).isEqualTo(1);
      assertThat(backend.refreshes()).isEqualTo(1);

      // now active: a change becomes visible on the interval with nobody waiting for it
      Ticket b = service.submit(IndexTask.indexFile("ws", "b.txt", "beta"));
      b.applied().get(30, TimeUnit.SECONDS);
      await().atMost(30, TimeUnit.SECONDS).until(() -> backend.refreshes() >= 2);
      assertThat(backend.contents("ws")).containsKey("b.txt");
      awaitCommits(backend, 2); // the interval commit of 'b', before 'c' comes

      // 30 s without a read: idle again, interval refreshes stop
      clock.advance(Duration.ofSeconds(31));
      Ticket c = service.submit(IndexTask.indexFile("ws", "c.txt", "gamma"));
      c.applied().get(30, TimeUnit.SECONDS);
      awaitCommits(backend, 3);
      assertThat(backend.refreshes()).isEqualTo(2);
      assertThat(backend.contents("ws")).doesNotContainKey("c.txt");
      assertThat(service.indexStatus("ws").indexedFiles()).isEqualTo(3);
    }
    backend.assertNoViolations();
  }

  @Test
  void aVisibleWaiterRefreshesAnIdleService() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService service = builder(backend, clock).build()) {
      Ticket a = service.submit(IndexTask.indexFile("ws", "a.txt", "alpha"));
      assertThat(a.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(backend.contents("ws")).containsKey("a.txt");
      assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    }
  }

  @Test
  void aWaiterOnABackendThatRefreshesByWorkspaceRefreshesOnlyItsWorkspace() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend().refreshingByWorkspace();
    try (IndexingService service = builder(backend, clock).build()) {
      service.submit(IndexTask.indexFile("bulk", "b.txt", "beta")).applied().get(30, SECONDS);
      Ticket a = service.submit(IndexTask.indexFile("ws", "a.txt", "alpha"));
      assertThat(a.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      // the waiter's workspace only: the other one's change is applied but not refreshed for it
      assertThat(backend.targetedRefreshes()).containsExactly(Set.of("ws"));
      assertThat(backend.contents("ws")).containsKey("a.txt");
      assertThat(backend.contents("bulk")).isEmpty();

      // a waiter on the other workspace gets its own refresh: its change was still pending
      Ticket b2 = service.submit(IndexTask.indexFile("bulk", "c.txt", "gamma"));
      assertThat(b2.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(backend.targetedRefreshes()).containsExactly(Set.of("ws"), Set.of("bulk"));
      assertThat(backend.contents("bulk")).containsOnlyKeys("b.txt", "c.txt");

      // a read waits for its workspace's applied changes, as before
      Ticket a2 = service.submit(IndexTask.indexFile("ws", "d.txt", "delta"));
      a2.applied().get(30, SECONDS);
      assertThat(service.indexStatus("ws").indexedFiles()).isEqualTo(2);
      assertThat(backend.contents("ws")).containsOnlyKeys("a.txt", "d.txt");
    }
    backend.assertNoViolations();
  }

  @Test
  void aBackendThatRefreshesAsAWholeIsNeverAskedForWorkspaces() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService service = builder(backend, clock).build()) {
      service.submit(IndexTask.indexFile("bulk", "b.txt", "beta")).applied().get(30, SECONDS);
      Ticket a = service.submit(IndexTask.indexFile("ws", "a.txt", "alpha"));
      assertThat(a.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(backend.targetedRefreshes()).isEmpty();
      assertThat(backend.contents("bulk")).containsKey("b.txt");
    }
    backend.assertNoViolations();
  }

  @Test
  void aReadOfAWorkspaceWithNothingAppliedDoesNotWait() {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService service = builder(backend, clock).build()) {
      assertThat(service.indexStatus("empty").indexedFiles()).isZero();
      assertThat(backend.refreshes()).isZero();
    }
  }

  @Test
  void foreverTurnsIdlingOff() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService service =
        builder(backend, clock).searchIdleAfter(ChronoUnit.FOREVER.getDuration()).build()) {
      service
          .submit(IndexTask.indexFile("ws", "a.txt", "alpha"))
          .applied()
          .get(30, TimeUnit.SECONDS);
      // nobody reads or waits, yet the interval refresh makes it visible
      await().atMost(30, TimeUnit.SECONDS).until(() -> backend.contents("ws").containsKey("a.txt"));
    }
  }

  /**
   * A backend whose refreshes only this process's searches see (as a Lucene writer's): it says so
   * through {@link IndexBackend#refreshesReachOtherProcesses()}, and forwards the rest.
   */
  static final class SearchedHereOnly extends ForwardingIndexBackend {
    SearchedHereOnly(IndexBackend delegate) {
      super(delegate);
    }

    @Override
    public boolean refreshesReachOtherProcesses() {
      return false;
    }
  }

  @Test
  void onASharedQueueAnIdleServiceRefreshesForTheOtherProcesses() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend(); // says its refreshes reach other processes
    TaskQueue memory = MemoryTaskQueueProvider.newQueue(100);
    try (IndexingService service =
        builder(new CrossNodeWaitTest.SharedQueue(memory), backend, clock).build()) {
      service
          .submit(IndexTask.indexFile("ws", "a.txt", "alpha"))
          .applied()
          .get(30, TimeUnit.SECONDS);
      awaitCommits(backend, 1);
      // nobody here reads or waits, yet the commit is followed by a refresh: the others search
      await().atMost(30, TimeUnit.SECONDS).until(() -> backend.refreshes() >= 1);
      assertThat(backend.contents("ws")).containsKey("a.txt");
    } finally {
      memory.close();
    }
    backend.assertNoViolations();
  }

  @Test
  void onASharedQueueABackendSearchedOnlyHereIsRefreshedAsOnAQueueOfItsOwn() throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    TaskQueue memory = MemoryTaskQueueProvider.newQueue(100);
    try (IndexingService service =
        builder(new CrossNodeWaitTest.SharedQueue(memory), new SearchedHereOnly(backend), clock)
            .build()) {
      service
          .submit(IndexTask.indexFile("ws", "a.txt", "alpha"))
          .applied()
          .get(30, TimeUnit.SECONDS);
      awaitCommits(backend, 1);
      // an hour (the commit interval) passed, committed, nobody here reading: no refresh
      assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(COMMIT_INTERVAL.toNanos());
      assertThat(backend.refreshes()).isZero();
      assertThat(backend.contents("ws")).isEmpty();

      // a read here refreshes first, as on a queue of its own
      assertThat(service.indexStatus("ws").indexedFiles()).isEqualTo(1);
      assertThat(backend.refreshes()).isEqualTo(1);
      // and a waiter here gets its refresh
      Ticket b = service.submit(IndexTask.indexFile("ws", "b.txt", "beta"));
      assertThat(b.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(backend.contents("ws")).containsKey("b.txt");
    } finally {
      memory.close();
    }
    backend.assertNoViolations();
  }

  @Test
  void searchIdleAfterIsValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> IndexingService.builder().searchIdleAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("searchIdleAfter");
  }
}
