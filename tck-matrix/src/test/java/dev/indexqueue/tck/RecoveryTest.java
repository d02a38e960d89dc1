package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On start the core replays the queue from the backend's committed checkpoint. */
class RecoveryTest {

  /**
   * A queue that outlives the service that closes it, like a persistent queue across a restart (the
   * idea of the tck's {@link SurvivingQueue}), and that can simulate a crash of the process: after
   * {@link #crash()} it no longer acknowledges, as a crashed process would not, so it keeps every
   * task beyond the backend's last commit. It also records each append's predecessor. Thread-safe
   * as the wrapped queue.
   */
  static final class CrashableQueue implements TaskQueue {
    final TaskQueue delegate;
    final List<QueuedTask> appended = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean crashed;

    CrashableQueue(TaskQueue delegate) {
      this.delegate = delegate;
    }

    /** From now on acknowledges are lost (the process "died" with them). */
    void crash() {
      crashed = true;
    }

    /** The process restarts: acknowledges work again. */
    void restart() {
      crashed = false;
    }

    @Override
    public int partitions() {
      return delegate.partitions();
    }

    @Override
    public int bands() {
      return delegate.bands();
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      long p = delegate.append(partition, band, task, predecessor);
      if (p != FULL) {
        appended.add(new QueuedTask(partition, band, p, task, predecessor));
      }
      return p;
    }

    @Override
    public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
      return delegate.read(partition, band, fromPosition, maxTasks);
    }

    @Override
    public void acknowledge(int partition, int band, long position) {
      if (!crashed) {
        delegate.acknowledge(partition, band, position);
      }
    }

    @Override
    public long firstPosition(int partition, int band) {
      return delegate.firstPosition(partition, band);
    }

    @Override
    public long endPosition(int partition, int band) {
      return delegate.endPosition(partition, band);
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
    public void sync(int partition) {
      delegate.sync(partition);
    }

    @Override
    public boolean isPersistent() {
      return true;
    }

    @Override
    public void close() {
      // survives: the next service reads it again
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
}
