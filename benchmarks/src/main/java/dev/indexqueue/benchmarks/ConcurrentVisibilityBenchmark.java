package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.index.lucene.LuceneBaseline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.SearcherManager;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Suite 8, visibility with 4 producers: each producer makes its documents searchable one at a time,
 * waiting until one is VISIBLE before it writes the next; {@code docs} (default 2,000) distinct ~1
 * KB documents in all, into a fresh Lucene index. Producer {@code k} owns workspace {@code k}.
 * Implementations ({@link Impl}):
 *
 * <ul>
 *   <li>{@code SERVICE}: {@link IndexingService#submit} (memory queue, one lane, Lucene backend,
 *       default policies), then {@code ticket.visible().get()}. The service may cover every
 *       producer waiting at a moment with one refresh;
 *   <li>{@code LUCENE_4T}: raw Lucene from 4 threads, same analyzer, fields and writer settings:
 *       {@code updateDocument}, then {@code SearcherManager.maybeRefreshBlocking()} (which is a
 *       group refresh of its own: a thread that waited for another's refresh finds its document
 *       already visible when that refresh covered it, and does not refresh again).
 * </ul>
 *
 * <p>Secondary result (JMH aux counter): {@code refreshes}, the refreshes one invocation made (the
 * service's; for raw Lucene the calls that opened a new reader). Each invocation starts from an
 * empty directory (opening it is not timed).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ConcurrentVisibilityBenchmark
 * -jvmArgsAppend "$(cat benchmarks/target/classes/indexq-jvm.options) -Xms3g -Xmx3g"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 5)
@Fork(1)
public class ConcurrentVisibilityBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE,
    LUCENE_4T
  }

  static final int PRODUCERS = 4;

  @Param({"SERVICE", "LUCENE_4T"})
  public Impl impl;

  @Param("2000")
  public int docs;

  /** What one invocation did. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Observed {
    /** Refreshes the invocation made. */
    public int refreshes;

    @Setup(Level.Invocation)
    public void reset() {
      refreshes = 0;
    }
  }

  private Corpus corpus;
  private List<String> workspaces;
  private ExecutorService producers;
  private Path dir;
  private IndexingService service;
  private IndexWriter writer;
  private SearcherManager searchers;
  private final AtomicInteger refreshes = new AtomicInteger();
  private RoundLog rounds;
  private Observed observed;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(docs, 1024);
    workspaces = Bench.workspaces("vis", PRODUCERS, 1);
    producers = Executors.newFixedThreadPool(PRODUCERS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    producers.shutdownNow();
  }

  @Setup(Level.Invocation)
  public void open() throws Exception {
    dir = Bench.newDir("visibility-4p");
    if (impl == Impl.SERVICE) {
      service =
          Bench.service(Bench.memoryQueue(65_536), Bench.lucene(dir.resolve("index")), 1)
              .listener(rounds = new RoundLog())
              .build();
    } else {
      writer = LuceneBaseline.openWriter(dir.resolve("index"));
      searchers = new SearcherManager(writer, null);
      searchers.addListener(
          new ReferenceManager.RefreshListener() {
            @Override
            public void beforeRefresh() {}

            @Override
            public void afterRefresh(boolean didRefresh) {
              if (didRefresh) {
                refreshes.incrementAndGet();
              }
            }
          });
    }
    refreshes.set(0);
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    if (rounds != null) {
      rounds.stopping();
      service.shutdown(java.time.Duration.ofMinutes(5));
      observed.refreshes = rounds.count(false);
    }
    Bench.closeAll(service, searchers, writer, dir);
    service = null;
    writer = null;
    searchers = null;
  }

  @Benchmark
  public int run(Observed observed) throws Exception {
    Bench.inParallel(
        producers,
        PRODUCERS,
        producer -> {
          String ws = workspaces.get(producer);
          for (int i = producer; i < docs; i += PRODUCERS) {
            if (service != null) {
              service
                  .submit(IndexTask.indexFile(ws, corpus.path(i), corpus.content(i)))
                  .visible()
                  .get(10, TimeUnit.MINUTES);
            } else {
              writer.updateDocument(
                  LuceneBaseline.idTerm(ws, corpus.path(i)),
                  LuceneBaseline.document(ws, corpus.path(i), corpus.content(i)));
              searchers.maybeRefreshBlocking();
            }
          }
        });
    this.observed = observed;
    observed.refreshes = refreshes.get(); // raw Lucene; the service's are counted once it stopped
    return observed.refreshes;
  }
}
