package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.index.lucene.LuceneBaseline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.SearcherManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 4, visibility latency: on an idle index of 1,000 documents, the time from submitting one
 * {@code INDEX_FILE} (~1 KB, overwriting one of the 1,000) until it is searchable. SampleTime: the
 * ratio runner compares p50 (and reports p99).
 *
 * <ul>
 *   <li>{@code SERVICE}: {@link IndexingService#submit} (memory queue, one lane, Lucene backend,
 *       default commit and refresh policies), then {@code ticket.visible().get()};
 *   <li>{@code LUCENE_REFRESH}: raw Lucene {@code updateDocument} (same analyzer and fields), then
 *       {@code SearcherManager.maybeRefreshBlocking()}.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar VisibilityBenchmark -jvmArgsAppend
 * "$(cat benchmarks/target/classes/indexq-jvm.options)"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VisibilityBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE,
    LUCENE_REFRESH
  }

  static final int DOCS = 1000;
  static final String WS = "vis";

  @Param({"SERVICE", "LUCENE_REFRESH"})
  public Impl impl;

  private Corpus corpus;
  private Path dir;
  private IndexingService service;
  private IndexWriter writer;
  private SearcherManager searchers;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    corpus = Corpus.load(2 * DOCS, 1024);
    dir = Bench.newDir("visibility");
    if (impl == Impl.SERVICE) {
      service =
          Bench.service(Bench.memoryQueue(65_536), Bench.lucene(dir.resolve("index")), 1).build();
      for (int i = 0; i < DOCS; i++) {
        service.submit(IndexTask.indexFile(WS, corpus.path(i), corpus.content(i)));
      }
      if (!service.awaitIndexReady(WS, Duration.ofMinutes(5))) {
        throw new IllegalStateException("prefill not visible");
      }
    } else {
      writer = LuceneBaseline.openWriter(dir.resolve("index"));
      searchers = new SearcherManager(writer, null);
      for (int i = 0; i < DOCS; i++) {
        writer.updateDocument(
            LuceneBaseline.idTerm(WS, corpus.path(i)),
            LuceneBaseline.document(WS, corpus.path(i), corpus.content(i)));
      }
      writer.commit();
      searchers.maybeRefreshBlocking();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (service != null) {
      service.close();
    }
    if (writer != null) {
      searchers.close();
      writer.rollback();
      writer.getDirectory().close();
    }
    Bench.delete(dir);
  }

  @Benchmark
  public Object submitUntilVisible() throws Exception {
    int k = next++;
    int i = k % DOCS;
    String path = corpus.path(i);
    String content = corpus.content(DOCS + (k % DOCS));
    if (service != null) {
      Ticket t = service.submit(IndexTask.indexFile(WS, path, content));
      return t.visible().get(1, TimeUnit.MINUTES);
    }
    writer.updateDocument(
        LuceneBaseline.idTerm(WS, path), LuceneBaseline.document(WS, path, content));
    searchers.maybeRefreshBlocking();
    return searchers;
  }
}
