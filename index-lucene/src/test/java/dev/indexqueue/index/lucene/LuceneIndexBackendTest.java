package dev.indexqueue.index.lucene;

import static dev.indexqueue.IndexTask.indexFile;
import static dev.indexqueue.IndexTask.reindexWorkspace;
import static dev.indexqueue.IndexTask.removeFile;
import static dev.indexqueue.IndexTask.removeWorkspace;
import static dev.indexqueue.index.lucene.TestSupport.batch;
import static dev.indexqueue.index.lucene.TestSupport.cp;
import static dev.indexqueue.index.lucene.TestSupport.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.TestSupport.MemorySource;
import dev.indexqueue.spi.Checkpoint;
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
      assertThat(hit.pathOnly()).isFalse();
      // only the line that holds the identifier, not "User" or "userName" (fragments of it)
      assertThat(hit.lines()).hasSize(1);
      SearchHit.MatchLine only = hit.lines().get(0);
      assertThat(only.lineNumber()).isEqualTo(3);
      assertThat(only.highlights()).containsExactly(new SearchHit.Range(9, 20));
      assertThat(only.text().substring(9, 20)).isEqualTo("getUserName");

      // a run of parts: the whole identifier's line first, then the one holding it inside another
      SearchHit parts = b.search("ws", "UserName", 5).hits().get(0);
      assertThat(parts.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(4, 3);
      assertThat(parts.lines().get(0).highlights()).containsExactly(new SearchHit.Range(11, 19));
      assertThat(parts.lines().get(1).highlights()).containsExactly(new SearchHit.Range(12, 20));

      // quoted, the word itself only: userName, not getUserName
      assertThat(b.search("ws", "\"UserName\"", 5).hits().get(0).lines())
          .extracting(SearchHit.MatchLine::lineNumber)
          .containsExactly(4);

      // whole words spelled as in the query first, then other whole words, then parts; CRLF cut
      SearchHit user = b.search("ws", "user", 5).hits().get(0);
      assertThat(user.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(6, 7, 2);
      assertThat(user.lines().get(2).text()).isEqualTo("class User {");
      assertThat(user.lines().get(2).highlights()).containsExactly(new SearchHit.Range(6, 10));

      // negated terms are not highlighted; a path-only match is marked and has no lines
      SearchHit exact = b.search("ws", "getUserName -nothing", 5).hits().get(0);
      assertThat(exact.lines()).isEqualTo(hit.lines());
      SearchHit path = b.search("ws", "path:User.java", 5).hits().get(0);
      assertThat(path.pathOnly()).isTrue();
      assertThat(path.lines()).isEmpty();
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
      // the identifier's line only: the licence lines hold "write", a fragment of it
      assertThat(hit.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(4);
      assertThat(hit.lines().get(0).text()).isEqualTo("class ReentrantReadWriteLock {}");
      // "write" alone: the whole words first, the part of the identifier last (cut at three)
      assertThat(b.search("ws", "write", 5).hits().get(0).lines())
          .extracting(SearchHit.MatchLine::lineNumber)
          .containsExactly(1, 2, 3);

      // the parts of an identifier count as a phrase, not as three unrelated words
      assertThat(b.search("ws", "computeIfAbsent", 5).hits()).isEmpty();
      assertThat(paths(b.search("ws", "compute if absent", 5).hits()))
          .containsExactly("Noise.java");
    }
  }

  /** The lines of the first hit as "line: text". */
  private static List<String> lines(SearchHit hit) {
    return hit.lines().stream().map(l -> l.lineNumber() + ": " + l.text().strip()).toList();
  }

  /** The highlighted texts of a hit. */
  private static List<String> highlighted(SearchHit hit) {
    List<String> out = new java.util.ArrayList<>();
    for (SearchHit.MatchLine l : hit.lines()) {
      for (SearchHit.Range r : l.highlights()) {
        out.add(l.text().substring(r.start(), r.end()));
      }
    }
    return out;
  }

  private static SearchHit hit(LuceneIndexBackend b, String query, String path) {
    return b.search("ws", query, 50).hits().stream()
        .filter(h -> h.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError(query + " did not find " + path));
  }

  private LuceneIndexBackend scala() {
    LuceneIndexBackend b = open();
    List<IndexTask> tasks = new java.util.ArrayList<>();
    ScalaSnippets.files().forEach((p, c) -> tasks.add(indexFile("ws", p, c)));
    b.apply(batch(tasks.toArray(IndexTask[]::new)));
    b.makeVisible();
    return b;
  }

  @Test
  void operatorsAndAnnotationsAreSearchableAsWritten() {
    try (LuceneIndexBackend b = scala()) {
      Map<String, List<String>> expected =
          Map.of(
              "|+|", List.of("core/src/main/scala/demo/Semigroup.scala"),
              ">>=", List.of("core/src/main/scala/demo/FlatMap.scala", "site/functor.md"),
              "<*>", List.of("core/src/main/scala/demo/Apply.scala", "site/functor.md"),
              "*>", List.of("core/src/main/scala/demo/Apply.scala", "site/functor.md"),
              "===",
                  List.of(
                      "core/src/main/scala/demo/Eq.scala",
                      "site/functor.md",
                      "tests/src/test/scala/demo/AlternativeSuite.scala"),
              "::",
                  List.of(
                      "core/src/main/scala/demo/FlatMap.scala",
                      "tests/src/test/scala/demo/AlternativeSuite.scala"),
              "->", List.of("core/src/main/scala/demo/Ior.scala"),
              "@tailrec", List.of("core/src/main/scala/demo/FlatMap.scala"),
              "=!=", List.of("core/src/main/scala/demo/Eq.scala"));
      expected.forEach(
          (op, files) -> {
            SearchResults r = b.search("ws", op, 50);
            assertThat(paths(r.hits())).as(op).containsExactlyElementsOf(files);
            assertThat(r.totalHits()).as(op).isEqualTo(files.size());
            for (SearchHit h : r.hits()) {
              assertThat(h.lines()).as("%s in %s", op, h.path()).isNotEmpty();
              assertThat(highlighted(h)).as("%s in %s", op, h.path()).containsOnly(op);
            }
          });
      // @tailrec is the annotation, not the import of scala.annotation.tailrec
      assertThat(lines(hit(b, "@tailrec", "core/src/main/scala/demo/FlatMap.scala")))
          .containsExactly("12: @tailrec");
      // the identifier finds both
      assertThat(lines(hit(b, "tailrec", "core/src/main/scala/demo/FlatMap.scala")))
          .containsExactly("3: import scala.annotation.tailrec", "12: @tailrec");
      // <* is not <*> nor *>
      assertThat(lines(hit(b, "<*", "core/src/main/scala/demo/Apply.scala")))
          .containsExactly(
              "10: def <*[A, B](fa: F[A])(fb: F[B]): F[A] = map2(fa, fb)((a, _) => a)");
      // || and && are code, not boolean operators
      assertThat(paths(b.search("ws", "&&", 50).hits()))
          .containsExactly("tests/src/test/scala/demo/AlternativeSuite.scala");
    }
  }

  @Test
  void linesHoldTheWholeIdentifierAndNeverOnlyAFragment() {
    try (LuceneIndexBackend b = scala()) {
      // tailRecM: never "val M = Alternative[List]" with M highlighted
      SearchHit suite = hit(b, "tailRecM", "tests/src/test/scala/demo/AlternativeSuite.scala");
      assertThat(lines(suite))
          .containsExactly(
              "5: test(\"tailRecM is stack safe\") {",
              "7: val res = M.tailRecM(0)(i => if (i < n) List(Left(i + 1)) else List(Right(i)))");
      assertThat(highlighted(suite)).containsOnly("tailRecM");
      // leftMap after three Map.empty lines: the occurrence, not the fragments
      SearchHit ior = hit(b, "leftMap", "core/src/main/scala/demo/Ior.scala");
      assertThat(lines(ior))
          .containsExactly(
              "7: def left[A, B, C](ior: Ior[A, B], f: A => C): Ior[C, B] = ior.leftMap(f)");
      assertThat(highlighted(ior)).containsExactly("leftMap");
      // a term of several words is a phrase of whole words
      SearchHit empty = hit(b, "Map.empty", "core/src/main/scala/demo/Ior.scala");
      assertThat(empty.lines())
          .extracting(SearchHit.MatchLine::lineNumber)
          .containsExactly(4, 5, 6);
      assertThat(highlighted(empty)).containsOnly("Map.empty");
      assertThat(b.search("ws", "M.tailRecM", 50).hits()).hasSize(1);
      // a quoted word is that word: no run of parts inside a longer identifier
      assertThat(lines(hit(b, "\"leftMap\"", "core/src/main/scala/demo/Ior.scala"))).hasSize(1);
    }
  }

  @Test
  void phraseAndOrQueriesShowTheLinesThatHoldThem() {
    try (LuceneIndexBackend b = scala()) {
      SearchHit phrase =
          hit(b, "\"implicit final class\"", "core/src/main/scala/demo/Semigroup.scala");
      assertThat(lines(phrase))
          .containsExactly(
              "8: implicit final class SemigroupOps[A](private val lhs: A) extends AnyVal {");
      assertThat(highlighted(phrase)).containsExactly("implicit final class");
      // the phrase's words alone elsewhere are not shown
      assertThat(lines(hit(b, "\"implicit A\"", "core/src/main/scala/demo/Semigroup.scala")))
          .containsExactly(
              "9: def |+|(rhs: A)(implicit A: Semigroup[A]): A = A.combine(lhs, rhs)",
              "10: def combineN(n: Int)(implicit A: Semigroup[A]): A =");
      // OR: lines with either alternative, the one holding both first, then the longer match
      SearchHit or = hit(b, "combineN OR |+|", "core/src/main/scala/demo/Semigroup.scala");
      assertThat(or.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(11, 10, 9);
      assertThat(highlighted(or)).containsOnly("combineN", "|+|");
      // AND across lines: each line holds one of the words
      SearchHit and = hit(b, "eqv neqv", "core/src/main/scala/demo/Eq.scala");
      assertThat(and.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(5, 11, 4);
      assertThat(highlighted(and)).containsOnly("eqv", "neqv");
      // NOT: the excluded word is not highlighted and its files are gone
      assertThat(paths(b.search("ws", "Functor -Apply", 50).hits()))
          .doesNotContain("core/src/main/scala/demo/Apply.scala");
    }
  }

  @Test
  void totalsCountEveryMatchingFileAndPathOnlyHitsAreMarked() {
    try (LuceneIndexBackend b = scala()) {
      SearchResults r = b.search("ws", "def", 2);
      assertThat(r.hits()).hasSize(2);
      assertThat(r.totalHits()).isEqualTo(5);
      assertThat(r.hasMore()).isTrue();
      assertThat(b.search("ws", "def", 50).totalHits()).isEqualTo(5);
      assertThat(b.search("ws", "nosuchword", 5).totalHits()).isZero();
      // "functor" is in the path of site/functor.md and in its content; "scala" only in paths
      SearchResults scala = b.search("ws", "scala", 50);
      assertThat(scala.totalHits()).isEqualTo(6);
      for (SearchHit h : scala.hits()) {
        boolean inContent = ScalaSnippets.files().get(h.path()).toLowerCase().contains("scala");
        assertThat(h.pathOnly()).as(h.path()).isEqualTo(!inContent);
        assertThat(h.lines().isEmpty()).as(h.path()).isEqualTo(!inContent);
      }
      assertThat(scala.hits()).anyMatch(SearchHit::pathOnly);
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
      assertThatThrownBy(() -> b.search("ws", ". , ;", 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("query: holds nothing searchable");
      assertThatThrownBy(() -> b.search("ws", "x:Int", 10))
          .hasMessageContaining("unknown field 'x'")
          .hasMessageContaining("quote a term");
      assertThatThrownBy(() -> b.search("ws", "secret ".repeat(200), 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("query: must be at most 1024 characters, was 1400 characters");
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
      assertThat(b.committedCheckpoint()).isEqualTo(Checkpoint.none());
      b.apply(batch(indexFile("ws", "a.txt", "committed")));
      b.commit(cp(42));
      b.apply(batch(indexFile("ws", "b.txt", "not committed")));
      b.makeVisible();
      assertThat(b.documents("ws")).hasSize(2);
    }
    try (LuceneIndexBackend b = open()) {
      assertThat(b.committedCheckpoint()).isEqualTo(cp(42));
      assertThat(b.documents("ws")).isEqualTo(expected(Map.of("a.txt", "committed")));
      b.commit(cp(43)); // a commit without changes still records the checkpoint
    }
    try (LuceneIndexBackend b = open()) {
      assertThat(b.committedCheckpoint()).isEqualTo(cp(43));
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
      b.commit(cp(1));
    }
  }

  @Test
  void aCorruptIndexFailsNamingTheDirectoryAndIsNotRecreated() throws IOException {
    try (LuceneIndexBackend b = open()) {
      b.apply(batch(indexFile("ws", "a.txt", "a")));
      b.commit(cp(7));
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
      assertThat(b.committedCheckpoint()).isEqualTo(Checkpoint.none());
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

  @Test
  void anIndexBuiltWithAnotherCodeAnalysisIsRefusedNamingHowToRebuildIt() throws IOException {
    try (LuceneIndexBackend b = open()) {
      b.apply(batch(indexFile("ws", "a.txt", "getUserName")));
      b.commit(cp(1));
    }
    // as an index of an earlier version was committed: no analysis version in the commit data
    try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(dir);
        org.apache.lucene.index.IndexWriter w =
            new org.apache.lucene.index.IndexWriter(
                d, new org.apache.lucene.index.IndexWriterConfig())) {
      w.setLiveCommitData(Map.of(LuceneIndexBackendProvider.CHECKPOINT_KEY, "1").entrySet());
      w.commit();
    }
    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("code analysis version 1")
        .hasMessageContaining("indexq repair");
    assertThatThrownBy(() -> LuceneIndexBackendProvider.openReadOnly(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("code analysis version 1");
  }

  @Test
  void anEmptyIndexOfAnEarlierVersionOpensAndTakesTheCurrentAnalysis() throws IOException {
    try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(dir);
        org.apache.lucene.index.IndexWriter w =
            new org.apache.lucene.index.IndexWriter(
                d, new org.apache.lucene.index.IndexWriterConfig())) {
      w.setLiveCommitData(Map.of(LuceneIndexBackendProvider.CHECKPOINT_KEY, "0").entrySet());
      w.commit();
    }
    try (LuceneIndexBackend b = open()) {
      b.apply(batch(indexFile("ws", "a.txt", "getUserName")));
      b.commit(cp(1));
    }
    try (LuceneIndexBackend b = open()) {
      assertThat(b.committedCheckpoint()).isEqualTo(cp(1));
    }
  }
}
