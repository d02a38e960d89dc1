package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Checkpoint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A service started on a queue with another partitioning than the index's checkpoint (the queue
 * empty, so it starts clean) records the new partitioning at once: a crash before its first regular
 * commit must not leave the old layout's checkpoint beside a queue that already holds tasks of the
 * new one (the next start would refuse it).
 */
class PartitionChangeRecoveryTest {

  @Test
  void aCrashBeforeTheFirstCommitAfterAPartitionChangeDoesNotBlockTheNextStart() throws Exception {
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend old = new RecordingBackend(storage);
    old.commit(Checkpoint.of(2, 2, 10, 0, 7, 0)); // an index committed under 2 partitions
    old.close();

    CrashableQueue queue = new CrashableQueue(MemoryTaskQueueProvider.newQueue(4, 1000));
    RecordingBackend first = new RecordingBackend(storage);
    IndexingService s1 = IndexingService.builder().queue(queue).backend(first).lanes(4).build();
    assertThat(storage.checkpoint().layout())
        .as("the new partitioning is committed at start")
        .isEqualTo("4x2");
    // the process dies before its first regular commit: nothing more is committed nor acknowledged
    first.crash();
    queue.crash();
    s1.submit(IndexTask.indexFile("ws", "a.txt", "alpha"));
    s1.shutdown(Duration.ofSeconds(5));
    queue.restart();

    RecordingBackend second = new RecordingBackend(storage);
    try (IndexingService s2 =
        IndexingService.builder().queue(queue).backend(second).lanes(4).build()) {
      assertThat(s2.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
      assertThat(second.documents("ws")).hasSize(1);
    }
    second.assertNoViolations();
    assertThat(Map.of("layout", storage.checkpoint().layout())).containsEntry("layout", "4x2");
  }
}
