package dev.indexqueue.index.lucene;

import static dev.indexqueue.IndexTask.indexFile;
import static dev.indexqueue.IndexTask.reindexWorkspace;
import static dev.indexqueue.IndexTask.removeFile;
import static dev.indexqueue.IndexTask.removeWorkspace;
import static dev.indexqueue.index.lucene.TestSupport.batch;
import static dev.indexqueue.index.lucene.TestSupport.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.SearchHit;
import dev.indexqueue.index.lucene.TestSupport.MemorySource;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneIndexBackendTest {
  @TempDir Path dir;

  private LuceneIndexBackend open() {
    return LuceneIndexBackend.open(LuceneIndexOptions.of(dir));
  }

  private static List<String> paths(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::path).sorted().toList();
  }

  @Test
  void codeAwareSearchSplitsCamelCaseSnakeCaseAndDigits() {
    try (LuceneIndexBackend b = open()) {
      b.apply(
          batch(
              indexFile(
                  "ws",
                  "src/User.java",
                  "class User {\n  String getUserName() {\n    return name;\n  }\n}"),
              indexFile("ws", "src/retry.py", "max_retry_count = 3\nprint(max_retry_count)"),
              indexFile("ws", "src/codec.c", "int utf8Decoder(void);"),
              indexFile("ws", "docs/readme.md", "nothing to see here"),
              indexFile("other", "src/User.java", "getUserName everywhere")));
      b.makeVisible();

      assertThat(paths(b.search("ws", "getUserName", 10).hits())).containsExactly("src/User.java");
      assertThat(paths(b.search("ws", "get user name", 10).hits()))
          .containsExactly("src/User.java");
      assertThat(paths(b.search("ws", "UserName", 10).hits())).containsExactly("src/User.java");
      assertThat(paths(b.search("ws", "getusername", 10).hits())).containsExactly("src/User.java");
      assertThat(paths(b.search("ws", "max_retry_count", 10).hits()))
          .containsExactly("src/retry.py");
      assertThat(paths(b.search("ws", "retry", 10).hits())).containsExactly("src/retry.py");
      assertThat(paths(b.search("ws", "maxRetryCount", 10).hits())).containsExactly("src/retry.py");
      assertThat(paths(b.search("ws", "utf8", 10).hits())).containsExactly("src/codec.c");
      assertThat(paths(b.search("ws", "decoder", 10).hits())).containsExactly("src/codec.c");
      // path: by file name, by extension, by field
      assertThat(paths(b.search("ws", "readme.md", 10).hits())).containsExactly("docs/readme.md");
      assertThat(paths(b.search("ws", "path:java", 10).hits())).containsExactly("src/User.java");
      assertThat(paths(b.search("ws", "path:py OR path:c", 10).hits()))
          .containsExactly("src/codec.c", "src/retry.py");
      assertThat(paths(b.search("ws", "*Decoder", 10).hits())).containsExactly("src/codec.c");
      assertThat(b.search("ws", "nosuchword", 10).hits()).isEmpty();
    }
  }

  @Test
  void hitsCarryMatchingLinesWithHighlights() {
    try (LuceneIndexBackend b = open()) {
      String content =
          "package a;\nclass User {\r\n  String getUserName() {\n    return userName;\n  }\n"
              + "  // user\n  // user again\n}";
      b.apply(batch(indexFile("ws", "User.java", content)));
      b.makeVisible();

      SearchHit hit = b.search("ws", "getUserName", 5).hits().get(0);
      assertThat(hit.workspace()).isEqualTo("ws");
      assertThat(hit.path()).isEqualTo("User.java");
      assertThat(hit.score()).isPositive();
      assertThat(hit.lines()).hasSize(3); // at most three
      SearchHit.MatchLine first = hit.lines().get(0);
      assertThat(first.lineNumber()).isEqualTo(2);
      assertThat(first.text()).isEqualTo("class User {");
      assertThat(first.highlights()).containsExactly(new SearchHit.Range(6, 10));
      SearchHit.MatchLine second = hit.lines().get(1);
      assertThat(second.lineNumber()).isEqualTo(3);
      assertThat(second.highlights()).containsExactly(new SearchHit.Range(9, 20));
      assertThat(second.text().substring(9, 20)).isEqualTo("getUserName");
      assertThat(hit.lines().get(2).lineNumber()).isEqualTo(4);

      // negated terms are not highlighted; a path-only match has no lines
      SearchHit exact = b.search("ws", "getUserName -nothing", 5).hits().get(0);
      assertThat(exact.lines()).isNotEmpty();
      assertThat(b.search("ws", "path:User.java", 5).hits().get(0).lines()).isEmpty();
    }
  }

  @Test
  void theMostSpecificLinesAreShownAndIdentifiersRankAboveTheirParts() {
    try (LuceneIndexBackend b = open()) {
      String licence = "// you may not write to this file\n// write it again\n// or write\n";
      b.apply(
          batch(
              indexFile("ws", "Lock.java", licence + "class ReentrantReadWriteLock {}\n"),
              indexFile("ws", "Noise.java", "if compute if if absent if compute")));
      b.makeVisible();

      SearchHit hit = b.search("ws", "ReentrantReadWriteLock", 5).hits().get(0);
      // 3 lines shown, in line order: the identifier's line and the first two licence lines
      assertThat(hit.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(1, 2, 4);
      assertThat(hit.lines().get(2).text()).isEqualTo("class ReentrantReadWriteLock {}");

      // the parts of an identifier count as a phrase, not as three unrelated words
      assertThat(b.search("ws", "computeIfAbsent", 5).hits()).isEmpty();
      assertThat(paths(b.search("ws", "compute if absent", 5).hits()))
          .containsExactly("Noise.java");
    }
  }

  @Test
  void badQueriesAreRefusedNamingTheQuery() {
    try (LuceneIndexBackend b = open()) {
      assertThatThrownBy(() -> b.search("ws", "foo AND (", 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("query: cannot parse \"foo AND (\"");
      assertThatThrownBy(() -> b.search("ws", "workspace:ws", 10).hits())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown field 'workspace'");
      assertThatThrownBy(() -> b.search("ws", " ", 10).hits()).hasMessageStartingWith("query:");
      assertThatThrownBy(() -> b.search("ws", "x", 0).hits()).hasMessageStartingWith("limit:");
      assertThatThrownBy(() -> b.search("../x", "x", 1).hits())
          .hasMessageStartingWith("workspace:");
    }
  }

  @Test
  void tasksUpsertRemoveAndReindex() {
    MemorySource source = new MemorySource();
    try (LuceneIndexBackend b = open()) {
      b.apply(
          batch(
              source,
              indexFile("ws", "a.txt", "alpha"),
              indexFile("ws", "b.txt", "beta"),
              indexFile("ws", "a.txt", "alpha two"),
              removeFile("ws", "b.txt"),
              removeFile("ws", "never.txt"),
              indexFile("gone", "x.txt", "x")));
      b.makeVisible();
      assertThat(b.documents("ws")).isEqualTo(expected(Map.of("a.txt", "alpha two")));
      assertThat(b.workspaces()).containsExactly("gone", "ws");

      b.apply(batch(source, removeWorkspace("gone")));
      b.makeVisible();
      assertThat(b.documents("gone")).isEmpty();
      assertThat(b.workspaces()).containsExactly("ws");

      // reindex: a.txt changes, c.txt appears, and an indexed file missing from the source goes
      source.put("ws", "a.txt", "alpha three").put("ws", "c.txt", "gamma");
      b.apply(batch(source, indexFile("ws", "stale.txt", "stale"), reindexWorkspace("ws")));
      b.makeVisible();
      assertThat(b.documents("ws"))
          .isEqualTo(expected(Map.of("a.txt", "alpha three", "c.txt", "gamma")));
      // without a source a reindex is refused, not taken as "every file is gone"
      assertThatThrownBy(() -> b.apply(batch(reindexWorkspace("ws"))))
          .isInstanceOf(dev.indexqueue.spi.PermanentBackendException.class)
          .hasMessageContaining("needs a workspace source");
      // idempotent: again changes nothing
      b.apply(batch(source, reindexWorkspace("ws")));
      b.makeVisible();
      assertThat(b.documents("ws"))
          .isEqualTo(expected(Map.of("a.txt", "alpha three", "c.txt", "gamma")));
    }
  }

  @Test
  void checkpointSurvivesReopenAndUncommittedWorkDoesNot() {
    try (LuceneIndexBackend b = open()) {
      assertThat(b.committedCheckpoint()).isZero();
      b.apply(batch(indexFile("ws", "a.txt", "committed")));
      b.commit(42);
      b.apply(batch(indexFile("ws", "b.txt", "not committed")));
      b.makeVisible();
      assertThat(b.documents("ws")).hasSize(2);
    }
    try (LuceneIndexBackend b = open()) {
      assertThat(b.committedCheckpoint()).isEqualTo(42);
      assertThat(b.documents("ws")).isEqualTo(expected(Map.of("a.txt", "committed")));
      b.commit(43); // a commit without changes still records the checkpoint
    }
    try (LuceneIndexBackend b = open()) {
      assertThat(b.committedCheckpoint()).isEqualTo(43);
    }
  }

  @Test
  void aSecondBackendOnALockedDirectoryFailsNamingIt() {
    try (LuceneIndexBackend b = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("locked by another writer");
      b.apply(batch(indexFile("ws", "a.txt", "still works")));
      b.commit(1);
    }
  }

  @Test
  void aCorruptIndexFailsNamingTheDirectoryAndIsNotRecreated() throws IOException {
    try (LuceneIndexBackend b = open()) {
      b.apply(batch(indexFile("ws", "a.txt", "a")));
      b.commit(7);
    }
    Path segments;
    try (var files = Files.list(dir)) {
      segments =
          files
              .filter(p -> p.getFileName().toString().startsWith("segments_"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segments);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(segments, bytes);
    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("corrupt");
    // nothing was recreated: the damaged commit is still there
    assertThat(Files.readAllBytes(segments)).isEqualTo(bytes);

    Files.delete(segments);
    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("no commit point");
  }

  @Test
  void closeTwiceIsANoOpAndCallsAfterCloseFail() {
    LuceneIndexBackend b = open();
    b.close();
    b.close();
    assertThatThrownBy(() -> b.apply(batch(indexFile("ws", "a", "a"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void providerIsFoundByNameAndChecksItsConfig() {
    try (IndexBackend b =
        Providers.indexBackend(
            "lucene", Map.of("directory", dir.toString(), "ramBufferMB", "16"))) {
      assertThat(b.committedCheckpoint()).isZero();
    }
    assertThatThrownBy(
            () ->
                Providers.indexBackend(
                    "lucene", Map.of("directory", dir.toString(), "ramBuffer", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'ramBuffer'");
    assertThatThrownBy(() -> Providers.indexBackend("lucene", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("directory: is required");
    assertThatThrownBy(
            () ->
                Providers.indexBackend(
                    "lucene", Map.of("directory", dir.toString(), "ramBufferMB", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ramBufferMB: must be between 1 and 2047, was: 0");
  }
}
