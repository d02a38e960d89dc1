package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.index.lucene.LuceneBaseline;
import dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
import dev.indexqueue.index.lucene.LuceneIndexOptions;
import dev.indexqueue.queue.chronicle.ChronicleTaskQueueProvider;
import dev.indexqueue.queue.chronicle.SyncPolicy;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.WorkspaceSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Suite 5, recovery: restart and catch up with {@code tail} (default 1,000) uncommitted tasks that
 * sit behind a log of {@code committed} (default 1,000,000) committed and acknowledged ones.
 *
 * <p>Setup (once per trial, not timed): a Chronicle queue with {@code committed + tail} tasks (the
 * committed ones ~100 B, the tail ~1 KB corpus documents), acknowledged up to {@code committed},
 * and a Lucene index committed with checkpoint {@code committed} (holding 1,000 documents). Every
 * invocation starts from a fresh copy of both (copying is not timed). Implementations ({@link
 * Impl}):
 *
 * <ul>
 *   <li>{@code SERVICE_RESTART}: open the Chronicle queue and the Lucene backend, build the service
 *       (which replays from the checkpoint), and wait until the replayed tail is VISIBLE ({@code
 *       awaitIndexReady});
 *   <li>{@code APPLY_1K}: on an open raw Lucene writer over the same index, {@code updateDocument}
 *       the tail's documents and {@code maybeRefreshBlocking()}: the work that cannot be avoided.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RecoveryBenchmark -jvmArgsAppend "$(cat
 * benchmarks/target/classes/indexq-jvm.options)"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class RecoveryBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE_RESTART,
    APPLY_1K
  }

  static final String WS = "recovery";

  @Param({"SERVICE_RESTART", "APPLY_1K"})
  public Impl impl;

  @Param("1000000")
  public int committed;

  @Param("1000")
  public int tail;

  private Corpus corpus;
  private Path template;
  private Path dir;
  private IndexingService service;
  private IndexWriter writer;
  private SearcherManager searchers;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(tail, 1024);
    template = Bench.newDir("recovery-template");
    Corpus small = Corpus.load(1000, 100);
    try (TaskQueue q =
        ChronicleTaskQueueProvider.newQueue(template.resolve("queue"), 1L << 30, SyncPolicy.NONE)) {
      for (int i = 0; i < committed; i++) {
        q.append(
            0, 0, IndexTask.indexFile(WS, small.path(i % 1000), small.content(i % 1000)), null);
      }
      for (int i = 0; i < tail; i++) {
        q.append(0, 0, IndexTask.indexFile(WS, corpus.path(i), corpus.content(i)), null);
      }
      q.acknowledge(0, 0, committed);
    }
    try (IndexBackend b =
        LuceneIndexBackendProvider.open(LuceneIndexOptions.of(template.resolve("index")))) {
      List<QueuedTask> tasks = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        tasks.add(
            new QueuedTask(
                0,
                0,
                committed - 1000 + i,
                IndexTask.indexFile(WS, small.path(i), small.content(i))));
      }
      b.apply(new Batch(0, tasks, WorkspaceSource.none()));
      b.commit(Checkpoint.of(1, 2, committed, 0)); // the queue: one partition, two bands
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Bench.delete(template);
  }

  @Setup(Level.Invocation)
  public void open() throws Exception {
    dir = Bench.newDir("recovery");
    Bench.copy(template, dir);
    if (impl == Impl.APPLY_1K) {
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
    if (impl == Impl.SERVICE_RESTART) {
      service =
          Bench.service(
                  ChronicleTaskQueueProvider.newQueue(
                      dir.resolve("queue"), 1L << 30, SyncPolicy.BATCH),
                  LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir.resolve("index"))),
                  1)
              .build();
      if (!service.awaitIndexReady(WS, Duration.ofMinutes(10))) {
        throw new IllegalStateException("recovery: not visible within 10 minutes");
      }
      return true;
    }
    for (int i = 0; i < tail; i++) {
      writer.updateDocument(
          LuceneBaseline.idTerm(WS, corpus.path(i)),
          LuceneBaseline.document(WS, corpus.path(i), corpus.content(i)));
    }
    searchers.maybeRefreshBlocking();
    return true;
  }
}
