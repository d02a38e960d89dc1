package dev.indexqueue.benchmarks;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.Ticket;
import dev.indexqueue.index.lucene.LuceneBaseline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.IndexWriter;
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
 * Suite 2, end to end with distinct documents: the time to make {@code docs} (default 100,000)
 * distinct ~1 KB documents durable in a fresh Lucene index.
 *
 * <p>Workload: document {@code i} of the shared {@link Corpus} goes to workspace {@code i % 8}
 * (eight workspaces, four per lane when there are two lanes). Implementations ({@link Impl}):
 *
 * <ul>
 *   <li>{@code SERVICE_MEMORY_1LANE}, {@code SERVICE_MEMORY_2LANES}, {@code
 *       SERVICE_CHRONICLE_1LANE}: one thread submits every task to an {@link IndexingService}
 *       (memory queue of 65,536 or Chronicle queue; Lucene backend, default settings), then waits
 *       until the last ticket of every workspace is DURABLE;
 *   <li>{@code LUCENE_1T}, {@code LUCENE_2T}: raw Lucene, same analyzer, fields and writer settings
 *       ({@link LuceneBaseline}): {@code updateDocument} per document from 1 or 2 threads, then one
 *       commit.
 * </ul>
 *
 * <p>{@code -p policy=BULK} gives the service the raw loop's commit schedule (see {@link #policy}).
 * Each invocation starts from an empty directory (opening it is not timed). Run: {@code java -jar
 * benchmarks/target/benchmarks.jar EndToEndBenchmark -jvmArgsAppend "$(cat
 * benchmarks/target/classes/indexq-jvm.options)"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class EndToEndBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE_MEMORY_1LANE,
    SERVICE_MEMORY_2LANES,
    SERVICE_CHRONICLE_1LANE,
    LUCENE_1T,
    LUCENE_2T
  }

  static final int WORKSPACES = 8;

  @Param({
    "SERVICE_MEMORY_1LANE",
    "SERVICE_MEMORY_2LANES",
    "SERVICE_CHRONICLE_1LANE",
    "LUCENE_1T",
    "LUCENE_2T"
  })
  public Impl impl;

  @Param("100000")
  public int docs;

  /**
   * The service's commit and refresh policies: {@code DEFAULT} (every 10,000 tasks or 1 s; refresh
   * every 1 s) or {@code BULK} (commit when someone waits for DURABLE, as the raw loop's single
   * commit; no interval refresh). Raw Lucene ignores it.
   */
  @Param({"DEFAULT"})
  public String policy;

  private Corpus corpus;
  private List<String> workspaces;
  private ExecutorService threads;
  private Path dir;
  private IndexingService service;
  private IndexWriter writer;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(docs, 1024);
    workspaces = Bench.workspaces("ws", WORKSPACES, 2);
    threads = Executors.newFixedThreadPool(2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    threads.shutdownNow();
  }

  @Setup(Level.Invocation)
  public void open() throws Exception {
    dir = Bench.newDir("e2e");
    switch (impl) {
      case SERVICE_MEMORY_1LANE ->
          service =
              policy(
                      Bench.service(
                          Bench.memoryQueue(65_536), Bench.lucene(dir.resolve("index")), 1))
                  .build();
      case SERVICE_MEMORY_2LANES ->
          service =
              policy(
                      Bench.service(
                          Bench.memoryQueue(65_536, 2), Bench.lucene(dir.resolve("index")), 2))
                  .build();
      case SERVICE_CHRONICLE_1LANE ->
          service =
              policy(
                      Bench.service(
                          Bench.chronicleQueue(dir.resolve("queue")),
                          Bench.lucene(dir.resolve("index")),
                          1))
                  .build();
      default -> writer = LuceneBaseline.openWriter(dir.resolve("index"));
    }
  }

  private IndexingServiceBuilder policy(IndexingServiceBuilder b) {
    if (policy.equals("BULK")) {
      return b.commitPolicy(CommitPolicy.of(1_000_000, Duration.ofHours(1)))
          .refreshInterval(Duration.ofHours(1));
    }
    return b;
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    Bench.closeAll(service, null, writer, dir);
    service = null;
    writer = null;
  }

  @Benchmark
  public long run() throws Exception {
    return switch (impl) {
      case LUCENE_1T -> raw(1);
      case LUCENE_2T -> raw(2);
      default -> viaService();
    };
  }

  private long viaService() throws Exception {
    Map<String, Ticket> last = new HashMap<>();
    for (int i = 0; i < docs; i++) {
      String ws = workspaces.get(i % WORKSPACES);
      last.put(ws, service.submit(IndexTask.indexFile(ws, corpus.path(i), corpus.content(i))));
    }
    long s = 0;
    for (Ticket t : last.values()) {
      s += t.durable().get(10, TimeUnit.MINUTES).sequence();
    }
    return s;
  }

  private long raw(int n) throws Exception {
    Bench.inParallel(
        threads,
        n,
        first -> {
          for (int i = first; i < docs; i += n) {
            String ws = workspaces.get(i % WORKSPACES);
            writer.updateDocument(
                LuceneBaseline.idTerm(ws, corpus.path(i)),
                LuceneBaseline.document(ws, corpus.path(i), corpus.content(i)));
          }
        });
    return writer.commit();
  }
}
