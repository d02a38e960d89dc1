package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A lane follows an urgent task's predecessor chain with single reads. A cluster queue (Kafka)
 * answers such a read with nothing while it rebalances or when the read times out, although the
 * predecessor is still held (not committed): the urgent task must then wait for its predecessor
 * (held in its workspace until the predecessor is read in order), not be applied before it. Found
 * as the likely cause of a Kafka model matrix failure (lanes=2, coalescing=false) seen once on a
 * loaded machine.
 */
class UnreadablePredecessorTest {
  @Test
  void anUrgentTaskWhosePredecessorCannotBeReadNowIsAppliedAfterIt() throws Exception {
    AtomicBoolean unreadable = new AtomicBoolean();
    AtomicInteger refused = new AtomicInteger();
    ForwardingTaskQueue queue =
        new ForwardingTaskQueue(MemoryTaskQueueProvider.newQueue(1, 1_000)) {
          @Override
          public List<QueuedTask> read(int partition, int band, long from, int maxTasks) {
            if (maxTasks == 1 && unreadable.get()) {
              refused.incrementAndGet();
              return List.of(); // as a cluster queue during a rebalance
            }
            return super.read(partition, band, from, maxTasks);
          }
        };
    UrgentBoundTest.GatedBackend backend = new UrgentBoundTest.GatedBackend(Set.of(0));
    IndexingService service =
        IndexingService.builder()
            .queue(queue)
            .backend(backend)
            .batchSize(16)
            .readAhead(64)
            .coalescing(false)
            .shutdownTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
            .build();
    try {
      service.submit(IndexTask.indexFile("blocker", "b.txt", "first batch"));
      await().atMost(Duration.ofMinutes(1)).until(() -> backend.waiting() == 1);
      // the lane waits at the gate: both tasks are unread when it reads on, the urgent one first
      service.submit(IndexTask.indexFile("ws", "a.txt", "normal, accepted first"));
      service.submit(
          IndexTask.indexFile("ws", "a.txt", "urgent, accepted second").withPriority(-1));
      unreadable.set(true);
      backend.open();
      await().atMost(Duration.ofMinutes(1)).until(() -> backend.recording().log().size() == 3);
      List<String> applied = new ArrayList<>();
      for (QueuedTask q : backend.recording().log()) {
        if (q.task().workspace().equals("ws")) {
          applied.add(q.task().content());
        }
      }
      assertThat(refused.get()).as("single reads answered with nothing").isPositive();
      assertThat(applied)
          .as("the workspace's tasks in acceptance order")
          .containsExactly("normal, accepted first", "urgent, accepted second");
    } finally {
      backend.open();
      service.shutdown(Duration.ZERO);
    }
    backend.recording().assertNoViolations();
  }
}
