package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingListener;
import dev.indexqueue.IndexingService;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/**
 * {@link IndexingListener}'s promise: it is told of a batch, a commit and a refresh before the
 * waiters that work releases, so a caller whose ticket reached a stage finds it counted. Before,
 * the waiters came first and metrics read right after a wait could lag (MicrometerMetricsTest once
 * saw 34 of 101 applied tasks).
 */
class ListenerOrderTest {

  @RepeatedTest(20)
  void aStageReachedIsAlreadyCountedByTheListener() throws Exception {
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger commits = new AtomicInteger();
    AtomicInteger refreshes = new AtomicInteger();
    IndexingListener counting =
        new IndexingListener() {
          @Override
          public void batchApplied(int lane, int tasks, long applyNanos, long oldestWaitNanos) {
            applied.addAndGet(tasks);
          }

          @Override
          public void committed(long tasks, long nanos) {
            commits.incrementAndGet();
          }

          @Override
          public void refreshed(long nanos) {
            refreshes.incrementAndGet();
          }
        };
    try (IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(1000))
            .backend(new RecordingBackend())
            .lanes(1)
            .listener(counting)
            .build()) {
      Ticket last = null;
      for (int i = 0; i < 50; i++) {
        last = service.submit(IndexTask.indexFile("ws", "f" + i, "v" + i));
      }
      // one lane applies in order: every earlier task was in this batch or an earlier one
      assertThat(last.await(TaskStage.APPLIED, Duration.ofSeconds(30))).isTrue();
      assertThat(applied.get()).isEqualTo(50);
      assertThat(last.await(TaskStage.DURABLE, Duration.ofSeconds(30))).isTrue();
      assertThat(commits.get()).isPositive();
      assertThat(last.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(refreshes.get()).isPositive();
    }
  }
}
