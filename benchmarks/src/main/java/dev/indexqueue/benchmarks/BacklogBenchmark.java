package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Suite 6, one task behind a backlog: the time from submitting a single task until it is VISIBLE
 * while the service works through a backlog of {@code backlog} (default 100,000) normal ~1 KB
 * documents, and the same on an idle service. Each invocation builds a new service over an empty
 * Lucene index (memory queue, default policies: the service is search-idle, nobody reads); for the
 * backlog sides it submits the backlog (one workspace, distinct documents) and waits until {@code
 * warm} of them are APPLIED, so the lane is in the middle of the backlog, with the commits it makes
 * as it goes; none of that is timed. Timed: submit the task, wait for VISIBLE. Then the service is
 * shut down without draining (not timed). JMH state of the one benchmark thread; not thread-safe.
 * Implementations ({@link Impl}):
 *
 * <ul>
 *   <li>{@code URGENT_BEHIND_BACKLOG}: one lane (one partition, so the backlog is in the same
 *       partition); the task is an urgent one (priority -10) of a workspace with no earlier task;
 *   <li>{@code URGENT_IDLE}: the same urgent task on the same service without a backlog;
 *   <li>{@code OTHER_LANE_BEHIND_BACKLOG}: two lanes (two partitions); the backlog belongs to a
 *       workspace of lane 0, the task (normal priority) to a workspace of lane 1;
 *   <li>{@code OTHER_LANE_IDLE}: the same task on the same two-lane service without a backlog.
 * </ul>
 *
 * <p>Secondary results (JMH aux counters, per invocation): {@code appliedMs}, when the task was
 * APPLIED (after its submit); {@code refreshMs}, how long the refresh that made it visible took
 * (the last one started before the task was seen VISIBLE); {@code refreshes} started and {@code
 * commits} running between the submit and VISIBLE. The ratio runner compares the medians (p50) of
 * the single shots.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BacklogBenchmark -jvmArgsAppend "$(cat
 * benchmarks/target/classes/indexq-jvm.options) -Xms3g -Xmx3g"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class BacklogBenchmark {
  /** The implementation measured. */
  public enum Impl {
    URGENT_BEHIND_BACKLOG(1, true, true),
    URGENT_IDLE(1, false, true),
    OTHER_LANE_BEHIND_BACKLOG(2, true, false),
    OTHER_LANE_IDLE(2, false, false);

    final int lanes;
    final boolean backlog;
    final boolean urgent;

    Impl(int lanes, boolean backlog, boolean urgent) {
      this.lanes = lanes;
      this.backlog = backlog;
      this.urgent = urgent;
    }
  }

  /** The priority of the urgent task. */
  static final int URGENT = -10;

  @Param({"URGENT_BEHIND_BACKLOG", "URGENT_IDLE", "OTHER_LANE_BEHIND_BACKLOG", "OTHER_LANE_IDLE"})
  public Impl impl;

  @Param("100000")
  public int backlog;

  /** How many backlog tasks are applied before the measured task is submitted. */
  @Param("10000")
  public int warm;

  /** What happened during one timed invocation (JMH sums events per iteration of one shot). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Observed {
    /** Milliseconds from submit to APPLIED. */
    public double appliedMs;

    /** How long the refresh that made the task visible took. */
    public double refreshMs;

    /** Refreshes started during the timed part. */
    public int refreshes;

    /** Commits running during the timed part. */
    public int commits;

    @Setup(Level.Invocation)
    public void reset() {
      appliedMs = 0;
      refreshMs = 0;
      refreshes = 0;
      commits = 0;
    }
  }

  private Corpus corpus;
  private String bulk;
  private String other;
  private Path dir;
  private IndexingService service;
  private RoundLog rounds;
  private Observed observed;
  private long submitted;
  private long seenVisible;
  private int invocation;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(backlog + 1, 1024);
    bulk = Bench.workspaces("bulk", 1, 1).get(0);
    if (impl.lanes == 2) {
      bulk = firstOnLane("bulk", 0);
    }
  }

  private static String firstOnLane(String prefix, int lane) {
    for (int k = 0; ; k++) {
      if (Bench.laneOf(prefix + k, 2) == lane) {
        return prefix + k;
      }
    }
  }

  @Setup(Level.Invocation)
  public void open() throws Exception {
    invocation++;
    // a workspace with no earlier task, on lane 1 when there are two lanes
    other = impl.lanes == 2 ? firstOnLane("fresh" + invocation + "-", 1) : "fresh" + invocation;
    dir = Bench.newDir("backlog");
    service =
        Bench.service(
                Bench.memoryQueue(1 << 18, impl.lanes),
                Bench.lucene(dir.resolve("index")),
                impl.lanes)
            .listener(rounds = new RoundLog())
            .build();
    if (impl.backlog) {
      Ticket warmed = null;
      for (int i = 0; i < backlog; i++) {
        Ticket t = service.submit(IndexTask.indexFile(bulk, corpus.path(i), corpus.content(i)));
        if (i == warm - 1) {
          warmed = t;
        }
      }
      if (warmed != null) {
        warmed.applied().get(10, TimeUnit.MINUTES);
      }
    }
  }

  @TearDown(Level.Invocation)
  public void close() {
    rounds.stopping();
    service.shutdown(Duration.ZERO);
    for (RoundLog.Round r : rounds.rounds()) {
      if (r.commit() && r.endNanos() >= submitted && r.startNanos() <= seenVisible) {
        observed.commits++;
      }
      if (!r.commit() && r.startNanos() >= submitted && r.startNanos() <= seenVisible) {
        observed.refreshes++;
        observed.refreshMs = (r.endNanos() - r.startNanos()) / 1e6;
      }
    }
    service = null;
    Bench.delete(dir);
  }

  @Benchmark
  public Object run(Observed observed) throws Exception {
    this.observed = observed;
    long t0 = System.nanoTime();
    submitted = t0;
    IndexTask task = IndexTask.indexFile(other, "Urgent.java", corpus.content(backlog));
    Ticket t = service.submit(impl.urgent ? task.withPriority(URGENT) : task);
    CompletableFuture<Ticket> applied = t.applied();
    CompletableFuture<Ticket> visible = t.visible();
    applied.get(10, TimeUnit.MINUTES);
    observed.appliedMs = (System.nanoTime() - t0) / 1e6;
    Ticket done = visible.get(10, TimeUnit.MINUTES);
    seenVisible = System.nanoTime();
    return done;
  }
}
