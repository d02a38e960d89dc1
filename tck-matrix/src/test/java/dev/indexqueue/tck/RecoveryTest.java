package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On start the core replays the queue from the backend's committed checkpoint. */
class RecoveryTest {

  /** A queue that outlives a simulated crash: after crash() it neither acknowledges nor closes. */
  static final class CrashableQueue implements TaskQueue {
    final TaskQueue delegate;
    volatile boolean crashed;

    CrashableQueue(TaskQueue delegate) {
      this.delegate = delegate;
    }

    @Override
    public long append(IndexTask task) {
      return delegate.append(task);
    }

    @Override
    public List<QueuedTask> read(long fromPosition, int maxTasks) {
      return delegate.read(fromPosition, maxTasks);
    }

    @Override
    public void acknowledge(long position) {
      if (!crashed) {
        delegate.acknowledge(position);
      }
    }

    @Override
    public long firstPosition() {
      return delegate.firstPosition();
    }

    @Override
    public long endPosition() {
      return delegate.endPosition();
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public long capacity() {
      return delegate.capacity();
    }

    @Override
    public boolean isPersistent() {
      return true;
    }

    @Override
    public void close() {
      if (!crashed) {
        delegate.close();
      }
    }
  }

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
    gate.release(15); // up to 150 tasks; the worker commits once 100 are applied
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> first.batches() == 15 && gate.waiting() == 1);
    long committed = storage.checkpoint();
    assertThat(committed).isBetween(100L, 110L);

    // crash: the backend loses what it did not commit and the queue keeps every task
    queue.crashed = true;
    first.crash();
    gate.open();
    before.shutdown(Duration.ofSeconds(10));
    assertThat(storage.checkpoint()).isEqualTo(committed);

    RecordingBackend second = new RecordingBackend(storage);
    assertThat(second.contents("ws")).isNotEqualTo(new Model().applyAll(tasks).contents("ws"));
    queue.crashed = false;
    IndexingService after =
        IndexingService.builder().queue(queue).backend(second).coalescing(false).build();
    assertThat(after.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    after.close();

    assertThat(second.contents("ws")).isEqualTo(new Model().applyAll(tasks).contents("ws"));
    assertThat(second.log().get(0).position()).isEqualTo(committed);
    assertThat(second.log()).hasSize(250 - (int) committed);
    assertThat(storage.checkpoint()).isEqualTo(250);
    second.assertNoViolations();
  }
}
