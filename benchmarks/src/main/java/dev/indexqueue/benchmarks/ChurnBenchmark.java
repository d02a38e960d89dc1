package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.index.lucene.LuceneBaseline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Suite 3, churn: {@code paths} (default 10,000) documents each updated {@code updates} (default
 * 10) times by 4 producer threads, until everything is VISIBLE.
 *
 * <p>Workload: producer {@code k} owns workspace {@code churn<k>} (two per lane) and a quarter of
 * the paths; it makes {@code updates} passes over its paths, each pass writing new ~1 KB content
 * (corpus documents shifted by the pass), so the last pass is what the index must end up with.
 * Implementations ({@link Impl}):
 *
 * <ul>
 *   <li>{@code SERVICE}: {@link IndexingService#submit} (memory queue of 131,072, two lanes, read
 *       ahead 65,536 so that coalescing sees several passes; Lucene backend), then {@code
 *       awaitIndexReady} for each workspace;
 *   <li>{@code LUCENE_EVERY_UPDATE}: raw Lucene applies every update ({@code updateDocument} from
 *       the same 4 threads, same analyzer and fields), then {@code maybeRefreshBlocking}.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ChurnBenchmark -jvmArgsAppend "$(cat
 * benchmarks/target/classes/indexq-jvm.options)"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class ChurnBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE,
    LUCENE_EVERY_UPDATE
  }

  static final int PRODUCERS = 4;

  @Param({"SERVICE", "LUCENE_EVERY_UPDATE"})
  public Impl impl;

  @Param("10000")
  public int paths;

  @Param("10")
  public int updates;

  private Corpus corpus;
  private List<String> workspaces;
  private ExecutorService producers;
  private Path dir;
  private IndexingService service;
  private IndexWriter writer;
  private SearcherManager searchers;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(paths + updates, 1024);
    producers = Executors.newFixedThreadPool(PRODUCERS);
    workspaces = Bench.workspaces("churn", PRODUCERS, 2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    producers.shutdownNow();
  }

  @Setup(Level.Invocation)
  public void open() throws Exception {
    dir = Bench.newDir("churn");
    if (impl == Impl.SERVICE) {
      service =
          Bench.service(Bench.memoryQueue(1 << 17, 2), Bench.lucene(dir.resolve("index")), 2)
              .readAhead(1 << 16)
              .build();
    } else {
      writer = LuceneBaseline.openWriter(dir.resolve("index"));
      searchers = new SearcherManager(writer, null);
    }
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    Bench.closeAll(service, writer == null ? null : searchers, writer, dir);
    service = null;
    writer = null;
  }

  @Benchmark
  public boolean run() throws Exception {
    Bench.inParallel(
        producers,
        PRODUCERS,
        producer -> {
          String ws = workspaces.get(producer);
          for (int u = 0; u < updates; u++) {
            for (int p = producer; p < paths; p += PRODUCERS) {
              String path = corpus.path(p);
              String content = corpus.content(p + u);
              if (service != null) {
                service.submit(IndexTask.indexFile(ws, path, content));
              } else {
                writer.updateDocument(
                    LuceneBaseline.idTerm(ws, path), LuceneBaseline.document(ws, path, content));
              }
            }
          }
        });
    if (service != null) {
      boolean ok = true;
      for (int k = 0; k < PRODUCERS; k++) {
        ok &= service.awaitIndexReady(workspaces.get(k), Duration.ofMinutes(10));
      }
      if (!ok) {
        throw new IllegalStateException("churn: not visible within 10 minutes");
      }
      return ok;
    }
    searchers.maybeRefreshBlocking();
    return true;
  }
}
