package dev.indexqueue.index.lucene;

import static dev.indexqueue.IndexTask.indexFile;
import static dev.indexqueue.index.lucene.TestSupport.batch;
import static dev.indexqueue.index.lucene.TestSupport.cp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Partitioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index split into shards by workspace: layout, commits, targeted refreshes, refusals. */
class ShardedLuceneBackendTest {
  @TempDir Path dir;

  private IndexBackend open(int shards) {
    return LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir).withShards(shards));
  }

  /** The first workspace named {@code prefix + k} that lands in {@code shard} of {@code n}. */
  private static String inShard(String prefix, int shard, int n) {
    for (int k = 0; ; k++) {
      if (Partitioning.partitionOf(prefix + k, n) == shard) {
        return prefix + k;
      }
    }
  }

  private static long generation(Path shard) throws IOException {
    try (Directory d = FSDirectory.open(shard)) {
      return SegmentInfos.readLatestCommit(d).getGeneration();
    }
  }

  @Test
  void aNewIndexGetsTwoShardsPerPartitionEachNewWorkspaceInItsPartitionsFirstWhileIdle() {
    String a = inShard("a", 0, 4);
    String b = inShard("b", 3, 4);
    try (IndexBackend backend = open(0)) {
      assertThat(dir.resolve("shard-0")).doesNotExist(); // created when the partitions are known
      backend.partitions(4);
      backend.partitions(2); // the index exists now: changes nothing
      ShardedLuceneBackend sharded = (ShardedLuceneBackend) unwrap(backend);
      assertThat(sharded.shards()).isEqualTo(8);
      assertThat(sharded.perPartition()).isEqualTo(2);
      backend.apply(
          batch(indexFile(a, "A.java", "class Alpha {}"), indexFile(b, "B.java", "class Beta {}")));
      backend.commit(cp(2));
      backend.makeVisible();
      assertThat(backend.workspaces()).containsExactlyInAnyOrder(a, b);
      assertThat(backend.search(a, "Alpha", 10).hits())
          .extracting(SearchHit::path)
          .containsExactly("A.java");
      assertThat(backend.search(a, "Beta", 10).hits()).isEmpty();
      assertThat(backend.documents(b)).extracting(IndexedDocument::path).containsExactly("B.java");
    }
    for (int k = 0; k < 8; k++) {
      assertThat(dir.resolve("shard-" + k)).isDirectory();
    }
    // each document lives in its workspace's shard only
    try (IndexBackend shard0 = LuceneIndexBackendProvider.openReadOnly(dir.resolve("shard-0"))) {
      assertThat(shard0.workspaces()).containsExactly(a);
    }
  }

  private static long buffered(IndexBackend backend, int shard) {
    return ((ShardedLuceneBackend) unwrap(backend)).shard(shard).bufferedBytes();
  }

  @Test
  void aNewWorkspaceAvoidsABusyShardAndStaysInItsShardAfterwardsAndAfterAReopen() {
    try (IndexBackend backend = open(0)) {
      backend.partitions(1); // shards 0 and 1, both for partition 0
      ShardedLuceneBackend sharded = (ShardedLuceneBackend) unwrap(backend);
      backend.apply(batch(indexFile("small", "S.java", "class Small {}")));
      assertThat(buffered(backend, 0)).isLessThan(ShardedLuceneBackend.BUSY_BYTES);
      backend.apply(batch(TestSupport.busyBacklog("bulk")));
      assertThat(sharded.shardIndexOf("small")).isZero();
      assertThat(sharded.shardIndexOf("bulk")).isZero(); // shard 0 was idle when it came
      assertThat(buffered(backend, 0)).isGreaterThanOrEqualTo(ShardedLuceneBackend.BUSY_BYTES);

      backend.apply(batch(indexFile("urgent", "U.java", "class Urgent {}")));
      assertThat(sharded.shardIndexOf("urgent")).isEqualTo(1); // shard 0 is busy
      backend.makeVisible(Set.of("urgent")); // refreshes shard 1 only
      assertThat(backend.documents("urgent")).extracting(IndexedDocument::path).contains("U.java");
      assertThat(backend.documents("bulk")).isEmpty(); // shard 0 still flushes nothing

      backend.commit(cp(3)); // shard 0 idle again; "urgent" stays where its document is
      assertThat(buffered(backend, 0)).isLessThan(ShardedLuceneBackend.BUSY_BYTES);
      backend.apply(batch(indexFile("urgent", "V.java", "class Second {}")));
      assertThat(sharded.shardIndexOf("urgent")).isEqualTo(1);
      backend.apply(batch(indexFile("later", "L.java", "class Later {}")));
      assertThat(sharded.shardIndexOf("later")).isZero();
      backend.commit(cp(5));
    }
    try (IndexBackend reopened = open(0)) {
      ShardedLuceneBackend sharded = (ShardedLuceneBackend) unwrap(reopened);
      assertThat(sharded.perPartition()).isEqualTo(2);
      // found again where its committed documents are, though shard 0 is idle now
      assertThat(sharded.shardIndexOf("urgent")).isEqualTo(1);
      reopened.apply(batch(indexFile("urgent", "W.java", "class Third {}")));
      reopened.makeVisible();
      assertThat(reopened.documents("urgent"))
          .extracting(IndexedDocument::path)
          .containsExactly("U.java", "V.java", "W.java");
      assertThat(reopened.documents("bulk")).hasSize(30);
      reopened.apply(batch(IndexTask.removeWorkspace("urgent")));
      reopened.makeVisible();
      assertThat(reopened.documents("urgent")).isEmpty();
      reopened.commit(cp(7));
    }
    try (IndexBackend shard0 = LuceneIndexBackendProvider.openReadOnly(dir.resolve("shard-0"));
        IndexBackend shard1 = LuceneIndexBackendProvider.openReadOnly(dir.resolve("shard-1"))) {
      assertThat(shard0.workspaces()).containsExactlyInAnyOrder("small", "bulk", "later");
      assertThat(shard1.workspaces()).isEmpty();
    }
  }

  @Test
  void aReadOnlyOpenFindsAWorkspaceInAnyShardOfItsPartition() {
    try (IndexBackend backend = open(0)) {
      backend.partitions(1);
      backend.apply(batch(TestSupport.busyBacklog("bulk")));
      backend.apply(batch(indexFile("urgent", "U.java", "class Urgent {}")));
      assertThat(((ShardedLuceneBackend) unwrap(backend)).shardIndexOf("urgent")).isEqualTo(1);
      backend.commit(cp(2));
    }
    try (IndexBackend ro = LuceneIndexBackendProvider.openReadOnly(dir)) {
      assertThat(ro.workspaces()).containsExactlyInAnyOrder("bulk", "urgent");
      assertThat(ro.search("urgent", "Urgent", 10).hits())
          .extracting(SearchHit::path)
          .containsExactly("U.java");
      assertThat(ro.documents("bulk")).hasSize(30);
    }
  }

  /**
   * A crash between the shards' commits: shard 1 committed a workspace's document beyond shard 0's
   * checkpoint. After the restart the replay of that task goes to shard 1 again (where the document
   * is), though shard 0 is idle now, so the workspace does not end up in both.
   */
  @Test
  void aReplayAfterACrashBetweenTheShardsCommitsKeepsAWorkspaceInItsShard() {
    try (IndexBackend backend = open(0)) {
      backend.partitions(1);
      ShardedLuceneBackend sharded = (ShardedLuceneBackend) unwrap(backend);
      backend.apply(batch(TestSupport.busyBacklog("bulk")));
      backend.apply(batch(indexFile("urgent", "U.java", "class Urgent {}")));
      assertThat(sharded.shardIndexOf("urgent")).isEqualTo(1);
      backend.apply(batch(indexFile("urgent", "V.java", "class Second {}")));
      sharded.shard(1).commit(cp(3), true); // then the process dies before shard 0 commits
    }
    try (IndexBackend reopened = open(0)) {
      ShardedLuceneBackend sharded = (ShardedLuceneBackend) unwrap(reopened);
      assertThat(reopened.committedCheckpoint()).isEqualTo(Checkpoint.none());
      // the replay from shard 0's checkpoint (nothing committed there), the urgent tasks first
      // (the lane ranks them first): shard 0 is idle, yet they go where the documents are
      reopened.apply(batch(indexFile("urgent", "U.java", "class Urgent {}")));
      assertThat(sharded.shardIndexOf("urgent")).isEqualTo(1);
      reopened.apply(batch(indexFile("urgent", "V.java", "class Second {}")));
      reopened.apply(batch(TestSupport.busyBacklog("bulk")));
      reopened.makeVisible();
      assertThat(reopened.documents("urgent"))
          .extracting(IndexedDocument::path)
          .containsExactly("U.java", "V.java");
      reopened.commit(cp(3));
    }
    try (IndexBackend shard0 = LuceneIndexBackendProvider.openReadOnly(dir.resolve("shard-0"))) {
      assertThat(shard0.workspaces()).containsExactly("bulk");
    }
  }

  @Test
  void aNewIndexUsedWithoutAServiceHasOneShard() {
    try (IndexBackend backend = open(0)) {
      backend.apply(batch(indexFile("ws", "a.txt", "alpha")));
      backend.partitions(4); // too late: the index exists
      assertThat(unwrap(backend)).isInstanceOf(LuceneIndexBackend.class);
    }
    assertThat(dir.resolve("shard-0")).doesNotExist();
  }

  /** The index behind a backend that created it when first needed. */
  private static IndexBackend unwrap(IndexBackend b) {
    return b instanceof DeferredLuceneBackend d ? d.index() : b;
  }

  @Test
  void aTargetedRefreshShowsItsWorkspacesShardsOnly() {
    String a = inShard("a", 1, 4);
    String b = inShard("b", 2, 4);
    try (IndexBackend backend = open(4)) {
      assertThat(backend.refreshesByWorkspace()).isTrue();
      backend.apply(batch(indexFile(a, "a.txt", "alpha"), indexFile(b, "b.txt", "beta")));
      backend.makeVisible(Set.of(a));
      assertThat(backend.documents(a)).hasSize(1);
      assertThat(backend.documents(b)).isEmpty(); // its shard was not refreshed
      backend.makeVisible();
      assertThat(backend.documents(b)).hasSize(1);
    }
  }

  @Test
  void aCommitWritesTheShardsThatChangedAndShardZeroWithTheCheckpoint() throws IOException {
    String a = inShard("a", 1, 3);
    try (IndexBackend backend = open(3)) {
      long[] before = {
        generation(dir.resolve("shard-0")),
        generation(dir.resolve("shard-1")),
        generation(dir.resolve("shard-2"))
      };
      backend.apply(batch(indexFile(a, "a.txt", "alpha")));
      backend.commit(cp(1));
      assertThat(generation(dir.resolve("shard-0"))).isGreaterThan(before[0]);
      assertThat(generation(dir.resolve("shard-1"))).isGreaterThan(before[1]);
      assertThat(generation(dir.resolve("shard-2"))).isEqualTo(before[2]); // nothing to commit
      assertThat(backend.committedCheckpoint()).isEqualTo(cp(1));
    }
    try (IndexBackend reopened = open(0)) {
      assertThat(reopened.committedCheckpoint()).isEqualTo(cp(1));
      reopened.makeVisible();
      assertThat(reopened.documents(a)).hasSize(1);
    }
  }

  @Test
  void anIndexKeepsItsShardsAndAnotherNumberIsRefusedNamingBoth() {
    try (IndexBackend backend = open(3)) {
      backend.commit(cp(1));
    }
    try (IndexBackend again = open(0)) {
      assertThat(((ShardedLuceneBackend) unwrap(again)).shards()).isEqualTo(3);
    }
    assertThatThrownBy(() -> open(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("shards: ")
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("has 3 shard(s)")
        .hasMessageContaining("asks for 2");
  }

  @Test
  void anIndexOfOneShardStaysInTheDirectoryItselfAndIsNotResharded() {
    try (IndexBackend backend = open(1)) {
      assertThat(unwrap(backend)).isInstanceOf(LuceneIndexBackend.class);
      backend.apply(batch(indexFile("ws", "a.txt", "alpha")));
      backend.commit(cp(1));
    }
    assertThat(dir.resolve("shard-0")).doesNotExist();
    try (IndexBackend again = open(0)) { // as the index has: one
      assertThat(unwrap(again)).isInstanceOf(LuceneIndexBackend.class);
      again.makeVisible();
      assertThat(again.documents("ws")).hasSize(1);
    }
    assertThatThrownBy(() -> open(4)).hasMessageContaining("has 1 shard(s)");
  }

  @Test
  void aMissingShardIsRefusedAndNotRecreated() throws IOException {
    try (IndexBackend backend = open(3)) {
      backend.commit(cp(1));
    }
    Path shard2 = dir.resolve("shard-2");
    try (var files = Files.list(shard2)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    assertThatThrownBy(() -> open(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("incomplete")
        .hasMessageContaining(shard2.toString());
    try (var files = Files.list(shard2)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shardsWithDocumentsButNoShardZeroAreRefused() throws IOException {
    String b = inShard("b", 1, 2);
    try (IndexBackend backend = open(2)) {
      backend.apply(batch(indexFile(b, "b.txt", "beta")));
      backend.commit(cp(1));
    }
    Path shard0 = dir.resolve("shard-0");
    try (var files = Files.list(shard0)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    assertThatThrownBy(() -> open(0).partitions(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("incomplete")
        .hasMessageContaining(dir.resolve("shard-1") + " holds documents");
  }

  @Test
  void indexFilesBesideShardsAreRefusedAsCorrupt() throws IOException {
    try (IndexBackend backend = open(2)) {
      backend.commit(cp(1));
    }
    Files.writeString(dir.resolve("segments_9"), "stray");
    assertThatThrownBy(() -> open(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("corrupt")
        .hasMessageContaining("shard directories of 2");
  }

  @Test
  void readOnlySeesEveryShardsLastCommit() {
    String a = inShard("a", 0, 2);
    String b = inShard("b", 1, 2);
    try (IndexBackend writer = open(2)) {
      writer.apply(batch(indexFile(a, "a.txt", "alpha"), indexFile(b, "b.txt", "beta")));
      writer.commit(cp(2));
      try (IndexBackend reader = LuceneIndexBackendProvider.openReadOnly(dir)) {
        assertThat(reader.workspaces()).containsExactlyInAnyOrder(a, b);
        assertThat(reader.visibleCheckpoint()).isEqualTo(cp(2));
        writer.apply(batch(indexFile(b, "c.txt", "gamma")));
        writer.commit(cp(3));
        assertThat(reader.documents(b)).hasSize(1);
        assertThat(reader.visibleCheckpoint()).isEqualTo(cp(3)); // moves every shard
        assertThat(reader.documents(b)).hasSize(2);
        assertThatThrownBy(() -> reader.commit(cp(4)))
            .isInstanceOf(UnsupportedOperationException.class);
      }
    }
  }
}
