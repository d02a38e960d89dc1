package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.IndexingService;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On start the core replays the queue from the backend's committed checkpoint. */
class RecoveryTest {

  @Test
  void uncommittedWorkIsReplayedFromTheCheckpoint() throws Exception {
    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(1000));
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend first = new RecordingBackend(storage);
    RecordingBackend.Gate gate = first.gate();
    IndexingService before =
        IndexingService.builder()
            .queue(queue)
            .backend(first)
            .batchSize(10)
            .coalescing(false)
            .commitPolicy(CommitPolicy.of(100, Duration.ofDays(1)))
            .build();
    List<IndexTask> tasks = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      IndexTask t = IndexTask.indexFile("ws", "doc" + (i % 40), "v" + i);
      tasks.add(t);
      before.submit(t);
    }
    gate.release(15); // 150 tasks; the maintainer commits once 100 are applied
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> first.batches() == 15 && gate.waiting() == 1 && storage.commits() == 1);
    long committed = storage.checkpoint().position(0, TaskQueue.NORMAL_BAND);
    // the maintainer computes the checkpoint when it commits, after at least 100 applied
    assertThat(committed).isBetween(100L, 150L);

    // crash: the backend loses what it did not commit and the queue keeps every task
    queue.crash();
    first.crash();
    gate.open();
    before.shutdown(Duration.ofSeconds(10));
    assertThat(storage.checkpoint().position(0, TaskQueue.NORMAL_BAND)).isEqualTo(committed);

    RecordingBackend second = new RecordingBackend(storage);
    assertThat(second.contents("ws")).isNotEqualTo(new Model().applyAll(tasks).contents("ws"));
    queue.restart();
    IndexingService after =
        IndexingService.builder().queue(queue).backend(second).coalescing(false).build();
    assertThat(after.queueStatus().replayed()).isEqualTo(250 - committed);
    assertThat(after.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    ShutdownReport report = after.shutdown(Duration.ofSeconds(30));

    assertThat(second.contents("ws")).isEqualTo(new Model().applyAll(tasks).contents("ws"));
    assertThat(second.log().get(0).position()).isEqualTo(committed);
    assertThat(second.log()).hasSize(250 - (int) committed);
    assertThat(storage.checkpoint().position(0, TaskQueue.NORMAL_BAND)).isEqualTo(250);
    assertThat(report.accepted()).isZero();
    assertThat(report.replayed()).isEqualTo(250 - committed);
    assertThat(report.applied()).isEqualTo(250 - committed);
    assertThat(report.remaining()).isZero();
    second.assertNoViolations();
  }

  /**
   * {@code awaitIndexReady} at start waits for the replay to be visible, and the replay is made
   * visible by one refresh after its last batch, not by one after every replayed batch (each made a
   * small segment, and merges, on the way to a restart's first VISIBLE: a Lucene restart with 1,000
   * tasks to replay took twice as long).
   */
  @Test
  void theReplayAwaitedAtStartIsMadeVisibleByOneRefresh() throws Exception {
    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(1000));
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    List<IndexTask> tasks = crashBeforeApplying(queue, storage, 250);
    RecordingBackend second = new RecordingBackend(storage);
    RecordingBackend.Gate gate = second.gate(); // the replay waits at its first batch
    IndexingService after =
        IndexingService.builder()
            .queue(queue)
            .backend(second)
            .batchSize(10)
            .coalescing(false)
            .build();
    try {
      assertThat(after.queueStatus().replayed()).isEqualTo(250);
      CompletableFuture<Boolean> ready = awaitReadyInThread(after, "ws");
      // the waiter waits for the replay (its only timed wait) before the replay goes on
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> waiterThreadsWaiting() == 1 && gate.waiting() == 1);
      gate.open();
      assertThat(ready.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.batches()).as("replayed in batches of 10").isEqualTo(25);
      assertThat(second.refreshes()).as("refreshes until the replay was visible").isEqualTo(1);
      assertThat(second.contents("ws")).isEqualTo(new Model().applyAll(tasks).contents("ws"));
    } finally {
      after.shutdown(Duration.ofSeconds(30));
    }
    second.assertNoViolations();
  }

  /**
   * A lane marks its last replayed batch finished, then tells the maintainer what it applied (the
   * listener is told in between). A refresh planned in that gap saw the replay finished but not the
   * last batch's marks: it released the replay's waiters, and a second refresh followed for the
   * last batch (CI saw 2 refreshes in {@link #theReplayAwaitedAtStartIsMadeVisibleByOneRefresh}).
   * Here the listener holds the lane in that gap while a second waiter wakes the maintainer: no
   * refresh may run until the lane has reported, and then one shows the whole replay.
   */
  @Test
  void noRefreshCountsTheReplayFinishedBeforeItsLastBatchIsReported() throws Exception {
    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(1000));
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    crashBeforeApplying(queue, storage, 30);
    RecordingBackend second = new RecordingBackend(storage);
    RecordingBackend.Gate gate = second.gate(); // the replay waits at its first batch
    Hold lastBatch = new Hold(3); // the last of the replay's three batches
    IndexingService after =
        IndexingService.builder()
            .queue(queue)
            .backend(second)
            .batchSize(10)
            .coalescing(false)
            .listener(
                new IndexingListener() {
                  @Override
                  public void batchApplied(int lane, int tasks, long applyNanos, long waitNanos) {
                    lastBatch.call();
                  }
                })
            .build();
    try {
      CompletableFuture<Boolean> ready = awaitReadyInThread(after, "ws");
      await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 1);
      gate.open();
      assertThat(lastBatch.reached.await(30, TimeUnit.SECONDS)).isTrue();
      // a second waiter for the replay wakes the maintainer while the last batch is unreported
      CompletableFuture<Boolean> second2 = awaitReadyInThread(after, "other");
      Thread maintainer = thread("-maintainer");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  second.refreshes() > 0
                      || (maintainer.getState() != Thread.State.RUNNABLE
                          && waiterThreadsWaiting() == 2));
      assertThat(second.refreshes()).as("refreshes before the last batch was reported").isZero();
      assertThat(ready).isNotDone();
      lastBatch.released.countDown();
      assertThat(ready.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second2.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.refreshes()).as("refreshes until the replay was visible").isEqualTo(1);
    } finally {
      lastBatch.released.countDown();
      after.shutdown(Duration.ofSeconds(30));
    }
    second.assertNoViolations();
  }

  /**
   * A loss lowers what counts as APPLIED to what counts as DURABLE; the rewind must raise it again
   * for everything the backend's commit holds, since none of that is replayed. A commit whose
   * DURABLE marks were not yet advanced when the loss came (here its listener holds it) left its
   * tasks never APPLIED again: a later APPLIED wait hung, though the same tasks were DURABLE. Found
   * by the model matrix (cells 12 and 16 of one CI run: a task's APPLIED wait before a planned stop
   * timed out after a minute).
   */
  @Test
  void tasksCommittedBeforeALossCountAsAppliedAfterTheRewind() throws Exception {
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    CrashableBackend backend = new CrashableBackend(() -> new RecordingBackend(storage));
    backend.loseStateAt(3);
    Hold firstCommit = new Hold(1); // committed, DURABLE not yet told
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(1000))
            .backend(backend)
            .batchSize(1)
            .coalescing(false)
            .commitPolicy(CommitPolicy.of(2, Duration.ofDays(1)))
            .listener(
                new IndexingListener() {
                  @Override
                  public void committed(long tasks, long nanos) {
                    firstCommit.call();
                  }
                })
            .build();
    try {
      Ticket a1 = service.submit(IndexTask.indexFile("w", "a1", "one"));
      service.submit(IndexTask.indexFile("w", "a2", "two"));
      assertThat(firstCommit.reached.await(30, TimeUnit.SECONDS)).isTrue();
      service.submit(IndexTask.indexFile("other", "b", "three")); // the third apply: lost
      await().atMost(Duration.ofSeconds(30)).until(() -> service.queueStatus().retried() >= 1);
      firstCommit.released.countDown();
      Ticket c = service.submit(IndexTask.indexFile("third", "c", "four"));
      assertThat(c.await(TaskStage.APPLIED, Duration.ofSeconds(30)))
          .as("after the rewind")
          .isTrue();
      assertThat(backend.losses()).isOne();
      assertThat(a1.await(TaskStage.DURABLE, Duration.ofSeconds(30))).isTrue();
      assertThat(a1.await(TaskStage.APPLIED, Duration.ofSeconds(30)))
          .as("a committed task is applied")
          .isTrue();
    } finally {
      firstCommit.released.countDown();
      service.shutdown(Duration.ofSeconds(30));
    }
  }

  /**
   * Holds the thread that makes the {@code n}-th {@link #call()} (a listener callback) until the
   * test counts {@link #released} down; {@link #reached} tells the test it is held. Thread-safe.
   */
  static final class Hold {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private final int n;

    Hold(int n) {
      this.n = n;
    }

    void call() {
      if (calls.incrementAndGet() == n) {
        reached.countDown();
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Submits {@code n} tasks of workspace "ws" to a service over {@code queue} and {@code storage},
   * then crashes it before it applied or committed any, and restarts the queue.
   *
   * @return the tasks, in submission order
   */
  private static List<IndexTask> crashBeforeApplying(
      CrashableQueue queue, RecordingBackend.Storage storage, int n) {
    RecordingBackend first = new RecordingBackend(storage);
    RecordingBackend.Gate closed = first.gate();
    IndexingService before = IndexingService.builder().queue(queue).backend(first).build();
    List<IndexTask> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      IndexTask t = IndexTask.indexFile("ws", "doc" + i, "v" + i);
      tasks.add(t);
      before.submit(t);
    }
    queue.crash(); // nothing applied, nothing committed
    first.crash();
    closed.open();
    before.shutdown(Duration.ofSeconds(10));
    queue.restart();
    return tasks;
  }

  private static CompletableFuture<Boolean> awaitReadyInThread(IndexingService s, String ws) {
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    new Thread(
            () -> {
              try {
                ready.complete(s.awaitIndexReady(ws, Duration.ofSeconds(30)));
              } catch (Throwable e) {
                ready.completeExceptionally(e);
              }
            },
            "awaiting the replay " + ws)
        .start();
    return ready;
  }

  private static long waiterThreadsWaiting() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("awaiting the replay "))
        .filter(t -> t.getState() == Thread.State.TIMED_WAITING)
        .count();
  }

  private static Thread thread(String suffix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("indexqueue-") && t.getName().endsWith(suffix))
        .filter(Thread::isAlive)
        .reduce((a, b) -> b.getId() > a.getId() ? b : a)
        .orElseThrow();
  }

  /**
   * A crash between a commit and the queue's acknowledge leaves committed tasks in the queue. The
   * next start must release them: else a queue they fill stays full, since nothing is left to apply
   * and so no commit ever acknowledges them, and every submit blocks until it gives up. Found by
   * the model matrix (lucene cell, seed 3251887813585: after a crash once every task was applied
   * and committed, the last drain left the 8 tasks in the queue).
   */
  @Test
  void tasksCommittedButNotAcknowledgedBeforeACrashAreReleasedAtStart() throws Exception {
    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(2, 4));
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    IndexingService before =
        IndexingService.builder()
            .queue(queue)
            .backend(new RecordingBackend(storage))
            .lanes(2)
            .build();
    queue.crash(); // the process dies after each commit, before its acknowledge
    for (int i = 0; i < 4; i++) {
      before.submit(IndexTask.indexFile("ws" + i, "doc", "v" + i));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(before.awaitIndexReady("ws" + i, Duration.ofSeconds(30))).isTrue();
    }
    before.shutdown(Duration.ofSeconds(30));
    assertThat(queue.size()).as("committed, never acknowledged").isEqualTo(4);
    assertThat(queue.size()).isEqualTo(queue.capacity());

    queue.restart();
    IndexingService after =
        IndexingService.builder()
            .queue(queue)
            .backend(new RecordingBackend(storage))
            .lanes(2)
            .backpressure(BackpressurePolicy.BLOCK, Duration.ofSeconds(5))
            .build();
    assertThat(after.queueStatus().replayed()).isZero();
    assertThat(queue.size()).as("released at start: the checkpoint covers them").isZero();
    after.submit(IndexTask.indexFile("ws0", "doc", "after the restart"));
    assertThat(after.awaitIndexReady("ws0", Duration.ofSeconds(30))).isTrue();
    after.close();
    RecordingBackend reopened = new RecordingBackend(storage);
    assertThat(reopened.contents("ws0")).containsEntry("doc", "after the restart");
  }

  /**
   * The predecessor of an urgent task, fetched ahead of its log's read position and applied, is
   * covered by the next commit: a clean stop right after it leaves nothing to replay. Found by the
   * model matrix (seed 3884344129045, lanes=2 × partitions=4 × mixed, no coalescing: the last drain
   * committed 4x2:…,3,4 while every task was applied, and left 2 tasks in the queue).
   */
  @Test
  void aStopAfterApplyingAnUrgentTaskAndItsFetchedPredecessorLeavesNothingToReplay()
      throws Exception {
    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(100));
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend backend = new RecordingBackend(storage);
    RecordingBackend.Gate gate = backend.gate();
    IndexingService before =
        IndexingService.builder()
            .name("fetched-ahead")
            .queue(queue)
            .backend(backend)
            .batchSize(2)
            .readAhead(2)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build();
    before.submit(IndexTask.indexFile("hold", "x", "taken first; waits at the gate"));
    await().until(() -> gate.waiting() == 1);
    before.submit(IndexTask.indexFile("ws", "a", "normal"));
    before.submit(IndexTask.indexFile("ws", "b", "urgent").withPriority(-1));
    // the lane reads ws/b (urgent band) and fetches ws/a ahead as its predecessor: the window of
    // 2 is full, the normal band's read position stays at ws/a; one batch [ws/a, ws/b]
    gate.release(1);
    await().until(() -> backend.log().size() == 1 && gate.waiting() == 1);
    CompletableFuture<ShutdownReport> stop =
        CompletableFuture.supplyAsync(() -> before.shutdown(Duration.ZERO));
    // the maintainer thread ends after the lanes were told to stop: the lane will not read again
    await().until(() -> !threadAlive("fetched-ahead-", "-maintainer"));
    gate.open();
    ShutdownReport report = stop.get(30, TimeUnit.SECONDS);
    assertThat(report.applied()).isEqualTo(3);
    assertThat(report.remaining()).isZero();
    assertThat(storage.checkpoint())
        .as("the final commit covers every applied task")
        .isEqualTo(Checkpoint.of(1, 2, 2, 1));
    assertThat(queue.size()).isZero();

    IndexingService after =
        IndexingService.builder().queue(queue).backend(new RecordingBackend(storage)).build();
    assertThat(after.queueStatus().replayed()).isZero();
    after.close();
  }

  private static boolean threadAlive(String prefix, String suffix) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(
            t -> t.isAlive() && t.getName().startsWith(prefix) && t.getName().endsWith(suffix));
  }

  /**
   * After the backend lost its uncommitted work, what it had committed is still to be made visible:
   * a waiter for a task committed before the loss, not yet refreshed, is woken. Found by the model
   * matrix (state losses within a phase: awaitIndexReady of a workspace untouched by the loss timed
   * out; the maintainer had forgotten every applied mark at the rewind).
   */
  @Test
  void aTaskCommittedBeforeTheBackendLostStateBecomesVisible(@TempDir Path dir) throws Exception {
    CrashableBackend backend = new CrashableBackend(BackendKind.RECORDING.store(dir));
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .commitPolicy(CommitPolicy.everyBatch())
            .refreshInterval(Duration.ofDays(1))
            .build();
    try {
      Ticket a = service.submit(IndexTask.indexFile("a", "f", "committed, not yet visible"));
      a.durable().get(30, TimeUnit.SECONDS);
      backend.loseStateAt(1);
      Ticket b = service.submit(IndexTask.indexFile("b", "f", "lost, then applied again"));
      b.durable().get(30, TimeUnit.SECONDS);
      assertThat(backend.losses()).isOne();
      assertThat(service.queueStatus().replayed()).as("nothing finished was forgotten").isZero();

      assertThat(a.await(TaskStage.VISIBLE, Duration.ofSeconds(10))).isTrue();
      assertThat(service.awaitIndexReady("a", Duration.ofSeconds(10))).isTrue();
      assertThat(service.awaitIndexReady("b", Duration.ofSeconds(10))).isTrue();
    } finally {
      service.close();
    }
  }

  /**
   * When the backend loses its uncommitted work, what was visible but not committed is gone from
   * searches until the replay applies and refreshes it again, and {@code awaitIndexReady} waits for
   * that. Before, the service still counted the lost task as visible and answered {@code true} at
   * once, while a search found nothing. Refreshes fail here after the loss, so the window stays
   * open as long as the test needs; once they succeed again, the wait ends with the document
   * searchable. Found by the model matrix (state losses within a phase).
   */
  @Test
  void awaitIndexReadyWaitsForTheReplayOfVisibleWorkTheBackendLost(@TempDir Path dir)
      throws Exception {
    CrashableBackend backend = new CrashableBackend(BackendKind.RECORDING.store(dir));
    IndexingService service = neverCommittingNorRefreshingOnItsOwn(backend);
    try {
      Ticket a = service.submit(IndexTask.indexFile("a", "f", "visible, not committed"));
      assertThat(a.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(backend.documents("a")).hasSize(1);

      backend.failRefreshes(true);
      backend.loseStateAt(1);
      service.submit(IndexTask.indexFile("b", "f", "its apply loses the uncommitted work"));
      await().atMost(Duration.ofSeconds(30)).until(() -> service.queueStatus().retried() >= 1);
      assertThat(backend.documents("a")).as("the loss took a's document away").isEmpty();

      assertThat(service.awaitIndexReady("a", Duration.ofMillis(300)))
          .as("a is not searchable until the replay is refreshed")
          .isFalse();

      backend.failRefreshes(false);
      assertThat(service.awaitIndexReady("a", Duration.ofSeconds(30))).isTrue();
      assertThat(backend.documents("a")).as("replayed and refreshed").hasSize(1);
      assertThat(service.awaitIndexReady("b", Duration.ofSeconds(30))).isTrue();
      assertThat(backend.documents("b")).hasSize(1);
    } finally {
      service.close();
    }
  }

  /**
   * What searches saw before the backend lost its uncommitted work comes back once the replay has
   * caught up, even when nobody waits or searches: the index does not stay behind what it showed.
   * Before, the replayed work stayed invisible until someone waited for it. Found by the model
   * matrix (state losses within a phase: a workspace waited for before the loss was empty in the
   * final check).
   */
  @Test
  void whatWasVisibleBeforeALossIsVisibleAgainOnceReplayed(@TempDir Path dir) throws Exception {
    CrashableBackend backend = new CrashableBackend(BackendKind.RECORDING.store(dir));
    IndexingService service = neverCommittingNorRefreshingOnItsOwn(backend);
    try {
      assertThat(
              service
                  .submit(IndexTask.indexFile("a", "f", "visible, not committed"))
                  .await(TaskStage.VISIBLE, Duration.ofSeconds(30)))
          .isTrue();
      backend.loseStateAt(1);
      Ticket b = service.submit(IndexTask.indexFile("b", "f", "its apply loses the work"));
      // nobody waits for a or b, nobody searches: the service restores a on its own
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> backend.losses() == 1 && backend.documents("a").size() == 1);
      assertThat(b.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(backend.documents("b")).hasSize(1);
    } finally {
      service.close();
    }
  }

  /**
   * A refresh that fails once the replay is applied, while only {@code awaitIndexReady} callers
   * wait for the replay, is retried on a timer. Before, the maintainer computed no wake-up for
   * those waiters (they wait for the replay, not for a task), so the wait ran into its timeout
   * although a retry would have succeeded. Found by the model matrix (state losses within a phase).
   */
  @Test
  void aFailedRefreshIsRetriedForThoseWaitingForTheReplay() throws Exception {
    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(1, 64));
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend first = new RecordingBackend(storage);
    IndexingService before = IndexingService.builder().queue(queue).backend(first).build();
    // the process dies at once: nothing is committed, nothing acknowledged
    queue.crash();
    first.crash();
    Ticket last = null;
    for (int i = 0; i < 5; i++) {
      last = before.submit(IndexTask.indexFile("ws", "doc" + i, "v" + i));
    }
    last.applied().get(30, TimeUnit.SECONDS);
    before.shutdown(Duration.ofSeconds(10));

    queue.restart();
    CrashableBackend second = new CrashableBackend(() -> new RecordingBackend(storage));
    second.failRefreshes(true);
    IndexingService after = IndexingService.builder().queue(queue).backend(second).build();
    assertThat(after.queueStatus().replayed()).isEqualTo(5);
    CompletableFuture<Boolean> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return after.awaitIndexReady("ws", Duration.ofSeconds(60));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    // a refresh failed after the whole replay was applied: only a retry can end the wait
    await().atMost(Duration.ofSeconds(30)).until(() -> second.appliedAtFailedRefresh() == 5);
    second.failRefreshes(false);
    assertThat(ready.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.documents("ws")).as("the replayed documents are visible").hasSize(5);
    after.shutdown(Duration.ofSeconds(10));
  }

  /**
   * A service over {@code backend} that commits and refreshes only for waiters (a day's interval):
   * what it applied stays uncommitted, so a state loss takes it away.
   */
  private static IndexingService neverCommittingNorRefreshingOnItsOwn(CrashableBackend backend) {
    return IndexingService.builder()
        .queue(MemoryTaskQueueProvider.newQueue(100))
        .backend(backend)
        .commitPolicy(CommitPolicy.of(10_000, Duration.ofDays(1)))
        .refreshInterval(Duration.ofDays(1))
        .build();
  }
}
