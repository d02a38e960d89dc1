package dev.indexqueue.index.lucene;

import static dev.indexqueue.IndexTask.indexFile;
import static dev.indexqueue.IndexTask.removeFile;
import static dev.indexqueue.index.lucene.TestSupport.batch;
import static dev.indexqueue.index.lucene.TestSupport.cp;
import static dev.indexqueue.index.lucene.TestSupport.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.RetryPolicy;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Partitioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TragicFailureTest {
  @TempDir Path dir;

  private static IndexTask[] docs(String ws, int from, int to, String version) {
    List<IndexTask> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(indexFile(ws, "f" + i + ".txt", "doc " + i + " " + version));
    }
    return out.toArray(new IndexTask[0]);
  }

  private static Map<String, String> model(int from, int to, String version) {
    Map<String, String> m = new TreeMap<>();
    for (int i = from; i < to; i++) {
      m.put("f" + i + ".txt", "doc " + i + " " + version);
    }
    return m;
  }

  @Test
  void aWriteFailureMidBatchRollsBackToTheLastCommitAndAsksForAReplay() throws IOException {
    FailingDirectory fd = new FailingDirectory(FSDirectory.open(dir));
    try (LuceneIndexBackend b =
        new LuceneIndexBackend(fd, dir.toString(), LuceneIndexOptions.of(dir), 2)) {
      b.apply(batch(docs("ws", 0, 4, "v1")));
      b.commit(cp(10));
      b.apply(batch(docs("ws", 4, 6, "v1"))); // applied, not committed: lost by the rollback

      fd.failNextWrites(1);
      assertThatThrownBy(() -> b.apply(batch(docs("ws", 0, 10, "v2"))))
          .isInstanceOf(BackendStateLostException.class)
          .hasMessageContaining("rolled back to the last commit (checkpoint Checkpoint[1x1:10])");
      assertThat(fd.injected()).isEqualTo(1);

      // until the core starts the replay (the handshake), nothing may be committed on top
      assertThatThrownBy(() -> b.commit(cp(99))).isInstanceOf(BackendStateLostException.class);
      assertThatThrownBy(() -> b.apply(batch(docs("ws", 0, 1, "v3"))))
          .isInstanceOf(BackendStateLostException.class);
      assertThat(b.startReplay()).isEqualTo(cp(10));
      b.makeVisible();
      assertThat(b.documents("ws")).isEqualTo(expected(model(0, 4, "v1")));

      // the replay
      b.apply(batch(docs("ws", 4, 6, "v1")));
      b.apply(batch(docs("ws", 0, 10, "v2")));
      b.commit(cp(20));
      b.makeVisible();
      assertThat(b.documents("ws")).isEqualTo(expected(model(0, 10, "v2")));
    }
    try (LuceneIndexBackend b = LuceneIndexBackend.open(LuceneIndexOptions.of(dir))) {
      assertThat(b.committedCheckpoint()).isEqualTo(cp(20));
      assertThat(b.documents("ws")).isEqualTo(expected(model(0, 10, "v2")));
    }
  }

  /**
   * Two shards for one partition; shard 1 loses its work. Placing a new workspace reads shard 1 (it
   * might hold the workspace), so the placement fails as an apply of shard 1 would: it asks for the
   * replay, which the core answers, instead of failing the task for good.
   */
  @Test
  void placingANewWorkspaceBesideAShardThatLostItsWorkAsksForTheReplay() throws IOException {
    FailingDirectory fd = new FailingDirectory(FSDirectory.open(shardDir(1)));
    try (ShardedLuceneBackend backend = twoShards(fd, 0, 2, 2)) {
      backend.apply(batch(TestSupport.busyBacklog("bulk"))); // shard 0 buffers them: busy
      backend.apply(batch(docs("a", 0, 1, "v1")));
      assertThat(backend.shardIndexOf("a")).isEqualTo(1);
      backend.commit(cp(2));
      fd.failNextWrites(1);
      assertThatThrownBy(() -> backend.apply(batch(docs("a", 0, 10, "v2"))))
          .isInstanceOf(BackendStateLostException.class);

      assertThatThrownBy(() -> backend.apply(batch(indexFile("b", "b.txt", "beta"))))
          .isInstanceOf(BackendStateLostException.class);
      assertThat(backend.startReplay()).isEqualTo(cp(2));
      backend.apply(batch(indexFile("b", "b.txt", "beta")));
      backend.makeVisible();
      assertThat(backend.documents("b")).extracting(IndexedDocument::path).containsExactly("b.txt");
      assertThat(backend.documents("a")).isEqualTo(expected(model(0, 1, "v1")));
    }
  }

  @Test
  void theServiceReplaysAfterTragicFailuresAndTheIndexEqualsTheModel() throws Exception {
    FailingDirectory fd = new FailingDirectory(FSDirectory.open(dir));
    LuceneIndexBackend backend =
        new LuceneIndexBackend(fd, dir.toString(), LuceneIndexOptions.of(dir), 3);
    replaysAfterFailures(backend, fd, List.of("w0", "w1", "w2"), LuceneIndexOptions.of(dir));
  }

  /**
   * Shard 1 of two fails; the core replays from shard 0's checkpoint into both, and the index
   * equals the model, also when reopened.
   */
  @Test
  void aShardsTragicFailuresAreReplayedIntoEveryShard() throws Exception {
    FailingDirectory fd = new FailingDirectory(FSDirectory.open(shardDir(1)));
    ShardedLuceneBackend backend = twoShards(fd, 3, 3, 1);
    List<String> workspaces = new ArrayList<>();
    for (int k = 0; workspaces.size() < 3; k++) {
      // two workspaces in the failing shard, one in shard 0
      if (Partitioning.partitionOf("w" + k, 2) == (workspaces.isEmpty() ? 0 : 1)) {
        workspaces.add("w" + k);
      }
    }
    replaysAfterFailures(backend, fd, workspaces, LuceneIndexOptions.of(dir));
  }

  private Path shardDir(int k) throws IOException {
    return Files.createDirectories(dir.resolve("shard-" + k));
  }

  /**
   * An index of two shards in {@link #dir}, shard 1 writing through {@code failing} (opened on
   * {@link #shardDir shardDir(1)}): one partition with {@code perPartition} 2, or two with 1. Shard
   * 0 flushes every {@code buffered0} documents, shard 1 every {@code buffered1} (0: by RAM only).
   */
  private ShardedLuceneBackend twoShards(
      FailingDirectory failing, int buffered0, int buffered1, int perPartition) throws IOException {
    Path s0 = shardDir(0);
    LuceneIndexOptions each = new LuceneIndexOptions(dir, 64, 0, 2);
    LuceneIndexBackend zero =
        new LuceneIndexBackend(
            FSDirectory.open(s0), s0.toString(), each, buffered0, 2, perPartition);
    LuceneIndexBackend one =
        new LuceneIndexBackend(failing, shardDir(1).toString(), each, buffered1, 2, perPartition);
    return new ShardedLuceneBackend(
        dir.toString(), new LuceneIndexBackend[] {zero, one}, perPartition, false, 0);
  }

  private static void replaysAfterFailures(
      IndexBackend backend, FailingDirectory fd, List<String> workspaces, LuceneIndexOptions reopen)
      throws Exception {
    Map<String, Map<String, String>> model = new TreeMap<>();
    workspaces.forEach(w -> model.put(w, new TreeMap<>()));
    Random random = new Random(42);
    try (IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(2, 4096))
            .backend(backend)
            .lanes(2)
            .batchSize(16)
            .commitPolicy(CommitPolicy.of(25, Duration.ofMinutes(5)))
            .refreshInterval(Duration.ofMinutes(5))
            .retryPolicy(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5), 2.0))
            .build()) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 60; i++) {
          String ws = workspaces.get(random.nextInt(workspaces.size()));
          String path = "f" + random.nextInt(15) + ".txt";
          if (random.nextInt(5) == 0) {
            service.submit(removeFile(ws, path));
            model.get(ws).remove(path);
          } else {
            String content = "round " + round + " op " + i;
            service.submit(indexFile(ws, path, content));
            model.get(ws).put(path, content);
          }
          if (i == 20) {
            fd.failNextWrites(round + 1); // a disk that fails once, twice, three times
          }
        }
        for (String ws : workspaces) {
          assertThat(service.awaitIndexReady(ws, Duration.ofSeconds(30))).isTrue();
        }
      }
      assertThat(fd.injected()).isEqualTo(1 + 2 + 3);
      assertThat(service.deadLetters().count()).isZero();
      assertThat(service.queueStatus().retried()).isPositive();
      for (String ws : workspaces) {
        assertThat(backend.documents(ws)).as(ws).isEqualTo(expected(model.get(ws)));
      }
    }
    try (IndexBackend reopened = LuceneIndexBackendProvider.open(reopen)) {
      for (String ws : workspaces) {
        assertThat(reopened.documents(ws)).as(ws).isEqualTo(expected(model.get(ws)));
      }
    }
  }
}
