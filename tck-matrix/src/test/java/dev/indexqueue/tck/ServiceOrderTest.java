package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.TaskId;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 8 producers × 10,000 tasks over 20 workspaces reach the backend in acceptance order. Several
 * producers submit to one workspace at once, so a workspace's acceptance order is its queue order:
 * every task here is of the normal band, and a workspace lives in one partition, so that is the
 * order of its positions.
 */
class ServiceOrderTest {
  private static final int PRODUCERS = 8;
  private static final int TASKS_PER_PRODUCER = 10_000;
  private static final int WORKSPACES = 20;

  record Accepted(TaskId id, IndexTask task) {}

  @ParameterizedTest(name = "lanes={0} partitions={1} coalescing={2}")
  @CsvSource({"1,1,false", "1,1,true", "4,4,false", "4,8,true"})
  void eachWorkspaceIsAppliedInAcceptanceOrder(int lanes, int partitions, boolean coalescing)
      throws Exception {
    RecordingBackend backend = new RecordingBackend();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(partitions, 4096))
            .backend(backend)
            .lanes(lanes)
            .batchSize(64)
            .coalescing(coalescing)
            .build();
    List<Accepted> accepted = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producer = p;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < TASKS_PER_PRODUCER; i++) {
                  String ws = "ws-" + ((producer * 7 + i) % WORKSPACES);
                  String path = "f" + (i % 5) + ".txt";
                  IndexTask task =
                      i % 11 == 10
                          ? IndexTask.removeFile(ws, path)
                          : IndexTask.indexFile(ws, path, "p" + producer + " i" + i);
                  Ticket t = service.submit(task);
                  accepted.add(new Accepted(t.id(), task));
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    for (int w = 0; w < WORKSPACES; w++) {
      assertThat(service.awaitIndexReady("ws-" + w, Duration.ofMinutes(1))).isTrue();
    }
    QueueStatus status = service.queueStatus();
    service.close();

    backend.assertNoViolations();
    List<Accepted> inOrder = new ArrayList<>(accepted);
    // per workspace: one partition, one band; across workspaces the order does not matter
    inOrder.sort(
        Comparator.comparing((Accepted a) -> a.task().workspace())
            .thenComparingLong(a -> a.id().position()));
    assertThat(inOrder).allSatisfy(a -> assertThat(a.id().band()).isZero());
    assertThat(inOrder).hasSize(PRODUCERS * TASKS_PER_PRODUCER);
    Model model = new Model();
    for (Accepted a : inOrder) {
      model.apply(a.task());
    }
    for (int w = 0; w < WORKSPACES; w++) {
      assertThat(backend.contents("ws-" + w)).isEqualTo(model.contents("ws-" + w));
    }

    List<QueuedTask> log = backend.log();
    Map<String, Long> last = new HashMap<>();
    for (QueuedTask q : log) {
      Long prev = last.put(q.task().workspace(), q.position());
      assertThat(prev == null || prev < q.position())
          .as("workspace %s: %s after %s", q.task().workspace(), q.position(), prev)
          .isTrue();
    }
    if (partitions == 1 && !coalescing) {
      // one partition, equal priorities: one global FIFO (with coalescing a task takes the place of
      // the
      // oldest task it superseded, so only the per-workspace order above holds)
      for (int i = 1; i < log.size(); i++) {
        assertThat(log.get(i).position()).isGreaterThan(log.get(i - 1).position());
      }
    }
    if (!coalescing) {
      assertThat(log).hasSize(PRODUCERS * TASKS_PER_PRODUCER);
      assertThat(status.coalesced()).isZero();
    } else {
      assertThat((long) log.size() + status.coalesced()).isEqualTo(PRODUCERS * TASKS_PER_PRODUCER);
    }
    assertThat(status.accepted()).isEqualTo(PRODUCERS * TASKS_PER_PRODUCER);
  }
}
