package dev.indexqueue.index.lucene;

import static dev.indexqueue.IndexTask.indexFile;
import static dev.indexqueue.IndexTask.removeFile;
import static dev.indexqueue.index.lucene.TestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.tck.Budget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Analysis on helper threads changes nothing the index holds: a captured stream replays the
 * analyzer's tokens exactly (property over generated code-like text), indexes built with and
 * without helpers answer every query with the same hits and scores, analysis failures reach the
 * lane as they were thrown, and closing stops the helpers.
 */
public class PreAnalysisTest {
  @TempDir Path dir;

  private static final String ALPHABET = "abcxyzABCXYZ019_.-$ \n\t(){};=,<>/*\"'#@éß中\uD83D\uDE00";

  /** Code-like text: identifiers in all cases, digits, punctuation, non-ASCII and emoji. */
  public static Gen<String> codeText() {
    return SourceDSL.integers()
        .between(0, 600)
        .zip(SourceDSL.longs().all(), (len, seed) -> text(new SplittableRandom(seed), len));
  }

  static String text(SplittableRandom r, int len) {
    StringBuilder sb = new StringBuilder(len);
    while (sb.length() < len) {
      if (r.nextInt(4) == 0) {
        String[] words = {
          "getUserName",
          "max_retry_count",
          "utf8Decoder",
          "HTTPServer",
          "x2y",
          "AbcDef",
          "|+|",
          " >>= ",
          "@tailrec",
          "->",
          "≤",
          "中文"
        };
        sb.append(words[r.nextInt(words.length)]);
      } else {
        sb.appendCodePoint(
            ALPHABET.codePointAt(
                ALPHABET.offsetByCodePoints(
                    0, r.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
      }
    }
    return sb.toString();
  }

  /** One token as the indexer sees it, or the end state (term null). */
  public record Token(String term, int positionIncrement, int start, int end) {}

  public static List<Token> tokens(TokenStream ts) throws IOException {
    List<Token> out = new ArrayList<>();
    try (ts) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
      OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(
            new Token(
                term.toString(), pos.getPositionIncrement(), off.startOffset(), off.endOffset()));
      }
      ts.end();
      out.add(new Token(null, pos.getPositionIncrement(), off.startOffset(), off.endOffset()));
    }
    return out;
  }

  @Test
  void aReplayYieldsExactlyTheAnalyzersTokens() {
    try (Analyzer analyzer = CodeSearch.analyzer()) {
      qt().withExamples(Budget.examples(200))
          .forAll(codeText())
          .checkAssert(
              text -> {
                try {
                  List<Token> direct = tokens(analyzer.tokenStream("content", text));
                  AnalyzedText captured = AnalyzedText.capture(analyzer, "content", text);
                  assertThat(tokens(captured.replay())).as("replay of %s", text).isEqualTo(direct);
                  assertThat(tokens(captured.replay())).as("second replay").isEqualTo(direct);
                  assertThat(captured.tokenCount()).isEqualTo(direct.size() - 1);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  @Test
  void indexesWithAndWithoutHelpersAnswerAlike() {
    SplittableRandom r = new SplittableRandom(42);
    List<List<IndexTask>> batches = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      List<IndexTask> tasks = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String path = "src/F" + r.nextInt(120) + ".java";
        tasks.add(
            r.nextInt(10) == 0
                ? removeFile("ws", path)
                : indexFile("ws", path, text(r, 50 + r.nextInt(800))));
      }
      batches.add(tasks);
    }
    batches.add(
        List.of(indexFile("ws", "big.txt", "getUserName ".repeat(PreAnalysis.MAX_CHARS / 10))));
    List<String> queries =
        List.of(
            "getUserName",
            "\"get user name\"",
            "user",
            "max_retry_count",
            "retry",
            "utf8",
            "decoder",
            "HTTPServer",
            "server",
            "x2y",
            "abc",
            "xyz",
            "AbcDef",
            "\"abc def\"",
            "é",
            "中",
            "path:java",
            "|+|",
            ">>=",
            "@tailrec",
            "->");
    try (LuceneIndexBackend inline =
            LuceneIndexBackend.open(
                LuceneIndexOptions.of(dir.resolve("a")).withAnalysisThreads(0));
        LuceneIndexBackend helped =
            LuceneIndexBackend.open(
                LuceneIndexOptions.of(dir.resolve("b")).withAnalysisThreads(3))) {
      for (List<IndexTask> tasks : batches) {
        inline.apply(batch(tasks.toArray(IndexTask[]::new)));
        helped.apply(batch(tasks.toArray(IndexTask[]::new)));
      }
      inline.makeVisible();
      helped.makeVisible();
      assertThat(helped.documents("ws")).isEqualTo(inline.documents("ws")).hasSizeGreaterThan(50);
      int hits = 0;
      for (String q : queries) {
        // same files, lines and highlights; scores may differ: they depend on the segments, which
        // a merge on refresh (IndexWriterConfig.maxFullFlushMergeWaitMillis) shapes by timing
        SearchResults expected = inline.search("ws", q, 200);
        SearchResults actual = helped.search("ws", q, 200);
        hits += expected.hits().size();
        assertThat(actual.totalHits()).as(q).isEqualTo(expected.totalHits());
        assertThat(withoutScores(actual)).as(q).isEqualTo(withoutScores(expected));
      }
      assertThat(hits).isGreaterThan(100);
    }
  }

  private static List<SearchHit> withoutScores(SearchResults r) {
    return r.hits().stream()
        .map(h -> new SearchHit(h.workspace(), h.path(), 0f, h.pathOnly(), h.lines()))
        .sorted(java.util.Comparator.comparing(SearchHit::path))
        .toList();
  }

  /** An analyzer whose tokenizer throws for texts holding "BOOM". */
  private static final class Exploding extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      Tokenizer t =
          new Tokenizer() {
            private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
            private boolean done;

            @Override
            public boolean incrementToken() throws IOException {
              if (done) {
                return false;
              }
              clearAttributes();
              StringBuilder sb = new StringBuilder();
              char[] buf = new char[256];
              for (int n = input.read(buf); n > 0; n = input.read(buf)) {
                sb.append(buf, 0, n);
              }
              if (sb.indexOf("BOOM") >= 0) {
                throw new IllegalArgumentException("content: cannot analyse, was: " + sb);
              }
              term.append(sb);
              done = true;
              return true;
            }

            @Override
            public void reset() throws IOException {
              super.reset();
              done = false;
            }
          };
      return new TokenStreamComponents(t);
    }
  }

  @Test
  void anAnalysisFailureReachesTheLaneAsThrownAndOnlyForItsText() throws IOException {
    try (Analyzer analyzer = new Exploding();
        PreAnalysis pre = new PreAnalysis(analyzer, "content", 2, "test-analysis", 4)) {
      String[] texts = {"one", null, "BOOM here", "four", "x".repeat(PreAnalysis.MAX_CHARS + 1)};
      PreAnalysis.Pending p = pre.start(texts, 1);
      assertThat(tokens(p.take(0).replay())).extracting(Token::term).containsExactly("one", null);
      assertThat(p.take(1)).isNull();
      assertThatThrownBy(() -> p.take(2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("BOOM here");
      assertThat(tokens(p.take(3).replay())).extracting(Token::term).containsExactly("four", null);
      assertThat(p.take(4)).as("too long: the writer analyses it").isNull();
    }
  }

  @Test
  void withoutHelpersOrTextsNothingIsStarted() {
    try (Analyzer analyzer = CodeSearch.analyzer();
        PreAnalysis none = new PreAnalysis(analyzer, "content", 0, "test-analysis-none", 4)) {
      assertThat(none.start(new String[] {"a", "b"}, 1)).isNull();
      none.close();
    }
  }

  @Test
  void helpersOnlyUseProcessorsTheLanesLeaveIdle() throws IOException {
    try (Analyzer analyzer = CodeSearch.analyzer();
        PreAnalysis pre = new PreAnalysis(analyzer, "content", 3, "test-analysis-busy", 2)) {
      assertThat(pre.start(new String[] {"a", "b"}, 2)).as("two lanes on two processors").isNull();
      assertThat(pre.start(null, 1)).as("no texts").isNull();
      PreAnalysis.Pending p = pre.start(new String[] {"a", "b"}, 1);
      assertThat(p).as("one lane leaves a processor").isNotNull();
      assertThat(tokens(p.take(1).replay()))
          .isEqualTo(tokens(analyzer.tokenStream("content", "b")));
    }
  }

  @Test
  void closeStopsTheHelpersTwiceSafelyAndTheLaneThenWorksAlone() throws IOException {
    try (Analyzer analyzer = CodeSearch.analyzer()) {
      PreAnalysis pre = new PreAnalysis(analyzer, "content", 2, "test-analysis-close", 4);
      pre.start(new String[] {"warm up", "the helpers"}, 1).take(1);
      assertThat(threads("test-analysis-close")).isNotEmpty();
      pre.close();
      pre.close();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> threads("test-analysis-close").isEmpty());
      PreAnalysis.Pending p = pre.start(new String[] {"getUserName", "max_retry_count"}, 1);
      assertThat(tokens(p.take(1).replay()))
          .isEqualTo(tokens(analyzer.tokenStream("content", "max_retry_count")));
      assertThat(tokens(p.take(0).replay()))
          .isEqualTo(tokens(analyzer.tokenStream("content", "getUserName")))
          .hasSizeGreaterThan(2);
    }
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .toList();
  }
}
