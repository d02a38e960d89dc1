package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.index.lucene.LuceneBaseline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.IndexWriter;
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
 * Suite 7, group commit: 4 producers, each making batches of {@code batch} (default 1,000) distinct
 * ~1 KB documents durable one batch after the other, {@code docs} (default 40,000) in all, into a
 * fresh Lucene index. Producer {@code k} owns workspace {@code k} and documents {@code k, k+4, k+8,
 * ...}. Implementations ({@link Impl}):
 *
 * <ul>
 *   <li>{@code SERVICE}: each producer submits its batch to an {@link IndexingService} (memory
 *       queue, {@code lanes} lanes (default 1), Lucene backend, default policies), then waits until
 *       the batch's last ticket is DURABLE before submitting the next. The service may cover every
 *       batch waiting at a moment with one commit (its group-commit rule);
 *   <li>{@code LUCENE_4T}: raw Lucene from 4 threads, same analyzer, fields and writer settings
 *       ({@link LuceneBaseline}): each thread calls {@code updateDocument} for its batch, then
 *       {@code commit()}, then goes on with its next batch.
 *   <li>{@code LUCENE_4T_ONE_COMMIT}: the same 4 threads without a commit per batch, one commit at
 *       the end: the ceiling. {@code LUCENE_4T} divided by it is the best group-commit-4p any
 *       service could reach on this machine (if it indexed as fast as raw Lucene and its commits
 *       cost nothing).
 * </ul>
 *
 * <p>Secondary result (JMH aux counter): {@code commits}, the commits one invocation made. Each
 * invocation starts from an empty directory (opening it is not timed).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GroupCommitBenchmark -jvmArgsAppend
 * "$(cat benchmarks/target/classes/indexq-jvm.options) -Xms3g -Xmx3g"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 5)
@Fork(1)
public class GroupCommitBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE,
    LUCENE_4T,
    LUCENE_4T_ONE_COMMIT
  }

  static final int PRODUCERS = 4;

  @Param({"SERVICE", "LUCENE_4T", "LUCENE_4T_ONE_COMMIT"})
  public Impl impl;

  @Param("40000")
  public int docs;

  @Param("1000")
  public int batch;

  /** The service's lanes (and queue partitions); the producers' workspaces spread over them. */
  @Param("1")
  public int lanes;

  /** What one invocation did. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Observed {
    /** Commits the invocation made (the service's final commit at shutdown excluded). */
    public int commits;

    @Setup(Level.Invocation)
    public void reset() {
      commits = 0;
    }
  }

  private Corpus corpus;
  private List<String> workspaces;
  private ExecutorService producers;
  private Path dir;
  private IndexingService service;
  private IndexWriter writer;
  private final AtomicInteger commits = new AtomicInteger();
  private RoundLog rounds;
  private Observed observed;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(docs, 1024);
    workspaces = Bench.workspaces("gc", PRODUCERS, lanes);
    producers = Executors.newFixedThreadPool(PRODUCERS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    producers.shutdownNow();
  }

  @Setup(Level.Invocation)
  public void open() throws Exception {
    dir = Bench.newDir("group-commit");
    if (impl == Impl.SERVICE) {
      service =
          Bench.service(Bench.memoryQueue(65_536, lanes), Bench.lucene(dir.resolve("index")), lanes)
              .listener(rounds = new RoundLog())
              .build();
    } else {
      writer = LuceneBaseline.openWriter(dir.resolve("index"));
    }
    commits.set(0);
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    if (rounds != null) {
      rounds.stopping();
      service.shutdown(java.time.Duration.ofMinutes(5));
      observed.commits = rounds.count(true);
    }
    Bench.closeAll(service, null, writer, dir);
    service = null;
    writer = null;
  }

  @Benchmark
  public int run(Observed observed) throws Exception {
    Bench.inParallel(
        producers,
        PRODUCERS,
        producer -> {
          String ws = workspaces.get(producer);
          int inBatch = 0;
          Ticket last = null;
          for (int i = producer; i < docs; i += PRODUCERS) {
            if (service != null) {
              last = service.submit(IndexTask.indexFile(ws, corpus.path(i), corpus.content(i)));
            } else {
              writer.updateDocument(
                  LuceneBaseline.idTerm(ws, corpus.path(i)),
                  LuceneBaseline.document(ws, corpus.path(i), corpus.content(i)));
            }
            if (++inBatch == batch || i + PRODUCERS >= docs) {
              inBatch = 0;
              if (service != null) {
                last.durable().get(10, TimeUnit.MINUTES);
              } else if (impl == Impl.LUCENE_4T) {
                writer.commit();
                commits.incrementAndGet();
              }
            }
          }
        });
    if (impl == Impl.LUCENE_4T_ONE_COMMIT) {
      writer.commit();
      commits.incrementAndGet();
    }
    this.observed = observed;
    observed.commits = commits.get(); // raw Lucene; the service's are counted once it stopped
    return observed.commits;
  }
}
