package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The builder creates nothing before {@code build()}, closes what it created when a build is
 * refused (and leaves what was passed in open), and takes one queue and one backend. The queue and
 * backend providers here count what they create and close ({@link Tracking}).
 */
class BuilderTest {
  private final String run = UUID.randomUUID().toString();

  private Map<String, String> config() {
    return Map.of("run", run);
  }

  @Test
  void nothingIsCreatedBeforeBuild() {
    IndexingServiceBuilder builder =
        IndexingService.builder()
            .queue(Tracking.Queues.NAME, config())
            .backend(Tracking.Backends.NAME, config())
            .lanes(1)
            .batchSize(10)
            .commitPolicy(CommitPolicy.everyBatch());
    assertThat(Tracking.queues(run).created).hasValue(0);
    assertThat(Tracking.backends(run).created).hasValue(0);

    IndexingService service = builder.build();
    assertThat(Tracking.queues(run).created).hasValue(1);
    assertThat(Tracking.backends(run).created).hasValue(1);
    service.submit(IndexTask.indexFile("ws", "a", "b"));
    service.close();
    assertThat(Tracking.queues(run).closed).hasValue(1);
    assertThat(Tracking.backends(run).closed).hasValue(1);
  }

  /** A backend preferring batches of 3: the largest batch the service gave it is recorded. */
  private static final class PrefersThree extends ForwardingIndexBackend {
    final AtomicInteger largest = new AtomicInteger();
    private final int preferred;

    PrefersThree(IndexBackend delegate, int preferred) {
      super(delegate);
      this.preferred = preferred;
    }

    @Override
    public int preferredBatchSize() {
      return preferred;
    }

    @Override
    public void apply(Batch batch) {
      largest.accumulateAndGet(batch.tasks().size(), Math::max);
      super.apply(batch);
    }
  }

  @Test
  void withoutABatchSizeTheServiceBatchesAsTheBackendPrefersAndABadPreferenceIsRefused()
      throws InterruptedException {
    RecordingBackend recording = new RecordingBackend();
    RecordingBackend.Gate gate = recording.gate();
    PrefersThree backend = new PrefersThree(recording, 3);
    try (IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(1, 100))
            .backend(backend)
            .build()) {
      service.submit(IndexTask.indexFile("ws", "first", "x"));
      Awaitility.await().until(() -> gate.waiting() == 1); // the lane holds a batch of one
      for (int i = 0; i < 20; i++) {
        service.submit(IndexTask.indexFile("ws", "f" + i, "x"));
      }
      gate.open();
      assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    }
    assertThat(backend.largest).hasValue(3); // 20 pending tasks, taken 3 at a time

    PrefersThree bad = new PrefersThree(new RecordingBackend(), 0);
    assertThatThrownBy(
            () ->
                IndexingService.builder()
                    .queue(MemoryTaskQueueProvider.newQueue(1, 100))
                    .backend(bad)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("batchSize: the backend ")
        .hasMessageEndingWith(
            " prefers batches of 0 tasks, outside 1–1,000,000; set batchSize(...) on the builder");
  }

  @Test
  void aBuildRefusedForTooFewPartitionsClosesTheQueueItCreated() {
    IndexingServiceBuilder builder =
        IndexingService.builder()
            .queue(Tracking.Queues.NAME, Map.of("run", run, "partitions", "1"))
            .backend(Tracking.Backends.NAME, config())
            .lanes(2);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "lanes: must be at most the queue's partitions (1), was: 2; give the queue more"
                + " partitions (setting 'partitions') or use fewer lanes");
    assertThat(Tracking.queues(run).created).hasValue(1);
    assertThat(Tracking.queues(run).closed).hasValue(1);
    assertThat(Tracking.backends(run).created).as("refused before the backend").hasValue(0);
  }

  @Test
  void aBuildRefusedByRecoveryClosesTheBackendItCreatedAndLeavesTheQueuePassedIn() {
    // the index was committed for 2 partitions; the queue passed in has 1 and holds a task
    new RecordingBackend(Tracking.storage(run)).commit(Checkpoint.of(2, 2, 3, 0, 1, 0));
    TaskQueue queue = MemoryTaskQueueProvider.newQueue(1, 10);
    queue.append(0, 0, IndexTask.indexFile("ws", "a", "b"), null);

    IndexingServiceBuilder builder =
        IndexingService.builder().queue(queue).backend(Tracking.Backends.NAME, config());
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "partitions: the index was committed with 2x2 partitions x bands, but the queue has"
                + " 1x2 and holds 1 tasks");
    assertThat(Tracking.backends(run).created).hasValue(1);
    assertThat(Tracking.backends(run).closed).as("the backend it created").hasValue(1);
    assertThat(queue.append(0, 0, IndexTask.indexFile("ws", "c", "d"), null))
        .as("the queue passed in is left open for its owner")
        .isEqualTo(1);
    queue.close();
  }

  @Test
  void anotherLayoutWithAnEmptyQueueStartsCleanAndCommitsItsOwn() throws Exception {
    new RecordingBackend(Tracking.storage(run)).commit(Checkpoint.of(2, 2, 3, 0, 1, 0));
    IndexingService service =
        IndexingService.builder()
            .queue(Tracking.Queues.NAME, Map.of("run", run, "partitions", "4"))
            .backend(Tracking.Backends.NAME, config())
            .lanes(4)
            .build();
    service.submit(IndexTask.indexFile("ws", "a", "b"));
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    service.close();
    Checkpoint cp = Tracking.storage(run).checkpoint();
    assertThat(cp.layout()).isEqualTo("4x2");
    assertThat(new RecordingBackend(Tracking.storage(run)).contents("ws")).containsEntry("a", "b");
  }

  @Test
  void aSecondQueueOrBackendIsRefused() {
    IndexingServiceBuilder builder =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(10))
            .backend(new RecordingBackend());
    assertThatThrownBy(() -> builder.queue("memory", Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("queue: was already set; a builder takes one queue (as an instance or a name)");
    assertThatThrownBy(() -> builder.queue(MemoryTaskQueueProvider.newQueue(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("queue: was already set");
    assertThatThrownBy(() -> builder.backend(new RecordingBackend()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "backend: was already set; a builder takes one backend (as an instance or a name)");
    assertThatThrownBy(() -> builder.backend(Tracking.Backends.NAME, config()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("backend: was already set");
    assertThat(Tracking.backends(run).created).hasValue(0);
  }

  @Test
  void aMissingQueueOrBackendIsNamed() {
    assertThatThrownBy(() -> IndexingService.builder().backend(new RecordingBackend()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("queue: is required; call queue(...) on the builder");
    assertThatThrownBy(
            () -> IndexingService.builder().queue(MemoryTaskQueueProvider.newQueue(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("backend: is required; call backend(...) on the builder");
  }
}
