package dev.indexqueue.index.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
import dev.indexqueue.index.lucene.LuceneIndexOptions;
import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;
import org.apache.solr.core.SolrCore;
import org.apache.solr.schema.FieldType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Solr backend searches as the Lucene backend does: the same corpus in both, the same queries,
 * the same matching files, total counts, path-only marks and matching lines (scores and the order
 * of equal hits may differ: Solr scores per shard). And the configset's analysis is, token for
 * token, the Lucene backend's.
 */
class SolrSearchTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The corpus: path → content, in workspace "ws"; workspace "other" holds decoys. */
  static final Map<String, String> CORPUS = new LinkedHashMap<>();

  static {
    CORPUS.put(
        "src/User.java",
        "package a;\nclass User {\r\n  String getUserName() {\n    return userName;\n  }\n"
            + "  // user\n  // user again\n}");
    CORPUS.put("src/retry.py", "max_retry_count = 3\nprint(max_retry_count)\n# retry later");
    CORPUS.put("src/codec.c", "int utf8Decoder(void);\nstatic int x2y = 0x1F;");
    CORPUS.put("docs/readme.md", "nothing to see here\nsee the README for more");
    CORPUS.put(
        "src/Lock.java",
        "// you may not write to this file\n// write it again\n// or write\n"
            + "class ReentrantReadWriteLock {}\n");
    CORPUS.put("src/Noise.java", "if compute if if absent if compute");
    CORPUS.put("lib/Map.scala", "val m = Map.empty\nior.leftMap(f)\nfoo.bar_baz(1, 2)");
    CORPUS.put("docs/ünïcödé ✓.md", "Grüße aus Köln: straße, ÆØÅ and 日本語のテキスト\nnaïve café");
    CORPUS.put("a b/with space.txt", "space in the path; HTTPServer and XMLHttpRequest2");
    CORPUS.put("src/Order.java", "OrderTotal total = order.total();\nint orderTotal = 12_000;");
    CORPUS.put(
        "src/Monad.scala",
        "import scala.annotation.tailrec\ntrait Monad[F[_]] {\n  def >>=[B](f: A => F[B]): F[B]\n"
            + "  def |+|(y: A): A = combine(this, y)\n  @tailrec def go(n: Int) = n :: acc\n"
            + "  val p = \"a\" -> 1 // a->b, x<*>y *> z === w\n  implicit final class Ops\n}");
  }

  static final List<String> QUERIES =
      List.of(
          "getUserName",
          "get user name",
          "\"get user name\"",
          "UserName",
          "getusername",
          "max_retry_count",
          "retry",
          "maxRetryCount",
          "utf8",
          "decoder",
          "readme.md",
          "path:java",
          "path:py OR path:c",
          "content:write",
          "*Decoder",
          "util*",
          "writ*",
          "wr?te",
          "ReentrantReadWriteLock",
          "computeIfAbsent",
          "compute if absent",
          "\"compute if\"",
          "\"if compute\"~2",
          "write -file",
          "-write",
          "user OR order",
          "(user OR order) AND NOT total",
          "user^3 order",
          "retyr~1",
          "/ret.y/",
          "[maa TO max]",
          "{a TO c}",
          "leftMap",
          "Map.empty",
          "bar_baz",
          "HTTPServer",
          "xml http request",
          "XMLHttpRequest2",
          "straße",
          "Köln",
          "日本語",
          "naïve café",
          "12_000",
          "0x1F",
          "x2y",
          "path:\"with space\"",
          "path:ünïcödé",
          "nosuchword",
          "see here",
          "OrderTotal",
          "|+|",
          ">>=",
          "::",
          "->",
          "<*>",
          "@tailrec",
          "tailrec",
          "\"implicit final class\"",
          "Map.empty OR >>=",
          "combine(this");

  @TempDir static Path luceneDir;
  static IndexBackend lucene;
  static IndexBackend solr;

  @BeforeAll
  static void indexTheCorpus() {
    SolrTestCluster cluster = SolrTestCluster.shared();
    lucene = LuceneIndexBackendProvider.open(LuceneIndexOptions.of(luceneDir));
    solr = SolrIndexBackendProvider.open(cluster.options("search"));
    List<QueuedTask> tasks = new ArrayList<>();
    long pos = 0;
    for (Map.Entry<String, String> e : CORPUS.entrySet()) {
      tasks.add(new QueuedTask(0, 0, pos++, index("ws", e.getKey(), e.getValue())));
      tasks.add(new QueuedTask(0, 0, pos++, index("other", e.getKey(), "getUserName decoy")));
    }
    for (IndexBackend b : List.of(lucene, solr)) {
      b.apply(new Batch(0, tasks, WorkspaceSource.none()));
      b.makeVisible();
    }
  }

  @AfterAll
  static void close() {
    lucene.close();
    solr.close();
  }

  private static IndexTask index(String ws, String path, String content) {
    return new IndexTask(IndexTaskType.INDEX_FILE, ws, path, content, 0, T0);
  }

  /** What a search answers, without scores and order: path → (pathOnly, lines). */
  private static Map<String, String> byPath(SearchResults r) {
    Map<String, String> m = new TreeMap<>();
    for (SearchHit h : r.hits()) {
      m.put(h.path(), (h.pathOnly() ? "path only " : "") + h.lines());
    }
    return m;
  }

  @Test
  void everyQueryFindsWhatTheLuceneBackendFinds() {
    int nonEmpty = 0;
    for (String q : QUERIES) {
      SearchResults want = lucene.search("ws", q, 100);
      SearchResults got = solr.search("ws", q, 100);
      assertThat(got.totalHits()).as("total hits of %s", q).isEqualTo(want.totalHits());
      assertThat(byPath(got)).as("hits of %s", q).isEqualTo(byPath(want));
      if (!want.hits().isEmpty()) {
        nonEmpty++;
      }
    }
    // the corpus and queries are not vacuous: most queries find something
    assertThat(nonEmpty).isGreaterThan(QUERIES.size() * 2 / 3);
  }

  @Test
  void theLimitCutsTheHitsNotTheTotal() {
    SearchResults r = solr.search("ws", "path:src", 3);
    assertThat(r.hits()).hasSize(3);
    assertThat(r.totalHits())
        .isEqualTo(CORPUS.keySet().stream().filter(p -> p.startsWith("src/")).count());
    assertThat(r.hasMore()).isTrue();
    // the best hit comes first in both: the only file holding the identifier
    assertThat(solr.search("ws", "getUserName", 1).hits().get(0).path())
        .isEqualTo(lucene.search("ws", "getUserName", 1).hits().get(0).path());
  }

  @Test
  void badQueriesAreRefusedAsTheLuceneBackendRefusesThem() {
    for (String q : List.of("foo AND (", "workspace:ws", "path:(a", "a OR OR b", ".,;")) {
      Throwable want = catchThrowable(() -> lucene.search("ws", q, 10));
      assertThatThrownBy(() -> solr.search("ws", q, 10))
          .as(q)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(want.getMessage());
    }
    assertThatThrownBy(() -> solr.search("ws", " ", 10)).hasMessageStartingWith("query:");
    assertThatThrownBy(() -> solr.search("ws", "x", 0)).hasMessageStartingWith("limit:");
    assertThatThrownBy(() -> solr.search("../x", "x", 1)).hasMessageStartingWith("workspace:");
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }

  /**
   * The configset's analysis chains produce the Lucene backend's tokens, attribute for attribute.
   */
  @Test
  void theConfigsetAnalysesAsTheLuceneBackend() throws IOException {
    SolrCore core = null;
    for (var jetty : SolrTestCluster.shared().cluster.getJettySolrRunners()) {
      for (SolrCore c : jetty.getCoreContainer().getCores()) {
        if (c.getName().startsWith("search_")) {
          core = c;
        }
      }
    }
    assertThat(core).as("a core of the search collection").isNotNull();
    FieldType code = core.getLatestSchema().getFieldType(SolrIndexBackend.F_CONTENT);
    List<String> texts = new ArrayList<>(CORPUS.values());
    texts.addAll(QUERIES);
    texts.add(
        "a1b2 ABCDef ab-cd ab.cd ab_cd ab'cd O'Neil's x.y.z 3.14 1e10 __init__ $var @Override");
    for (String text : texts) {
      assertThat(tokens(code.getIndexAnalyzer(), text))
          .as("index tokens of %s", text)
          .isEqualTo(tokens(CodeSearch.analyzer(), text));
      assertThat(tokens(code.getQueryAnalyzer(), text))
          .as("query tokens of %s", text)
          .isEqualTo(tokens(CodeSearch.analyzer(), text));
    }
  }

  private static List<String> tokens(Analyzer a, String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream(SolrIndexBackend.F_CONTENT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
      OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(
            term
                + " +"
                + inc.getPositionIncrement()
                + " len"
                + len.getPositionLength()
                + " "
                + off.startOffset()
                + "-"
                + off.endOffset());
      }
      ts.end();
      out.add("end " + off.endOffset() + " +" + inc.getPositionIncrement());
    }
    return out;
  }
}
