package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service whose lane count changes between runs, on chronicle and Lucene, as a user meets it: the
 * queue (partitions = lanes) migrates when it was drained, and the build is refused, naming the way
 * out, when it holds tasks.
 */
class PartitionChangeTest {
  @TempDir Path dir;

  IndexingService service(int lanes) {
    return IndexingService.builder()
        .queue("chronicle", Map.of("directory", dir.resolve("queue").toString()))
        .backend("lucene", Map.of("directory", dir.resolve("index").toString()))
        .lanes(lanes)
        .build();
  }

  List<String> paths(String workspace) {
    List<String> out = new ArrayList<>();
    try (IndexBackend b =
        dev.indexqueue.index.lucene.LuceneIndexBackendProvider.open(
            dev.indexqueue.index.lucene.LuceneIndexOptions.of(dir.resolve("index")))) {
      for (IndexedDocument d : b.documents(workspace)) {
        out.add(d.path());
      }
    }
    return out;
  }

  @Test
  void moreLanesAfterADrainMigrateTheQueueAndKeepEveryDocument() {
    IndexingService two = service(2);
    for (int i = 0; i < 20; i++) {
      two.submit(IndexTask.indexFile("ws" + i % 4, "a" + i, "first run " + i));
    }
    ShutdownReport r = two.shutdown(Duration.ofSeconds(60));
    assertThat(r.remaining()).isZero();

    IndexingService four = service(4);
    assertThat(four.queueStatus().partitions()).hasSize(4);
    for (int i = 0; i < 20; i++) {
      four.submit(IndexTask.indexFile("ws" + i % 4, "b" + i, "second run " + i));
    }
    assertThat(four.shutdown(Duration.ofSeconds(60)).remaining()).isZero();
    for (int w = 0; w < 4; w++) {
      assertThat(paths("ws" + w)).as("ws%d", w).hasSize(10);
    }
  }

  @Test
  void moreLanesWhileTheQueueHoldsTasksAreRefusedAndTheOldCountStillWorks() {
    service(2).shutdown(Duration.ofSeconds(60));
    // a process of 2 lanes accepted a task and died before applying it
    try (TaskQueue q =
        ChronicleTaskQueueProvider.newQueue(dir.resolve("queue"), 2, 100, SyncPolicy.BATCH)) {
      q.append(Partitioning.partitionOf("ws", 2), 0, IndexTask.indexFile("ws", "late", "x"), null);
    }
    assertThatThrownBy(() -> service(4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has the layout 2 partitions × 2 bands")
        .hasMessageContaining("opened with 4 partitions × 2 bands")
        .hasMessageContaining("holds 1 unacknowledged task(s)")
        .hasMessageContaining("partitions=2 and bands=2");
    // the refused build released the directory: the old lane count drains it
    IndexingService two = service(2);
    assertThat(two.shutdown(Duration.ofSeconds(60)).remaining()).isZero();
    assertThat(paths("ws")).containsExactly("late");
    service(4).shutdown(Duration.ofSeconds(60));
  }
}
