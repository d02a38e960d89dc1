package dev.indexqueue.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The ratio runner behind {@code benchmarks/run-comparison.sh [--quick]}: runs each pair of
 * implementations with JMH's Runner API, alternating A and B in rounds (one fork each, so drift of
 * a noisy machine hits both sides), takes the median of each side over the rounds, and prints one
 * line per comparison:
 *
 * <pre>RATIO &lt;name&gt; value=&lt;x.xx&gt; target=&lt;op&gt;&lt;y.yy&gt; PASS|BELOW</pre>
 *
 * then a summary table. {@code --quick} uses smaller sizes and fewer iterations (about 12 minutes
 * on an idle 2-core machine; the backlog group keeps its 100,000-task backlog). Every fork gets the
 * parent pom's JVM options ({@link Bench#jvmOptions()}). Run directly: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.indexqueue.benchmarks.ComparisonRunner [--quick]
 * [--only=e2e,churn,submit,visibility,recovery,kafka-submit,kafka-e2e,backlog,group-commit,visibility-4p]};
 * {@code -Dindexq.e2e.docs=N} changes the end-to-end size (default 100,000; 20,000 with --quick).
 * Forks run with a fixed heap ({@link #FORK_HEAP}, pre-touched) so heap growth does not land on one
 * side's iterations.
 */
public final class ComparisonRunner {
  private ComparisonRunner() {}

  /** The heap options of every fork (both sides alike). */
  static final String[] FORK_HEAP = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"};

  /** How a side's runs are reduced to one number. */
  enum Metric {
    /** The primary score (ops/s for throughput, time per op for single shot). */
    SCORE,
    /** The 50th percentile of the sampled times. */
    P50
  }

  /** One benchmark configuration: class, method, impl and other params. */
  record Side(String benchmark, String method, String impl) {
    String label() {
      return benchmark.replace("Benchmark", "") + "." + method + "[" + impl + "]";
    }
  }

  /**
   * A comparison: value = a/b, or b/a when {@code inverse} (times: higher value is better for A).
   */
  record Comparison(
      String name,
      Side a,
      Side b,
      Metric metric,
      boolean inverse,
      String op,
      double target,
      String meaning) {
    boolean pass(double v) {
      return op.equals(NO_TARGET) || (op.equals(">=") ? v >= target : v <= target);
    }

    /** The target as printed: {@code none} for a ratio only reported. */
    String targetText() {
      return op.equals(NO_TARGET) ? "none" : op + String.format(Locale.ROOT, "%.2f", target);
    }
  }

  /** The op of a comparison that is reported without a target (the ratio is measured only). */
  static final String NO_TARGET = "none";

  /** A group of sides of one benchmark class run alternately, with its settings. */
  record Group(
      String key,
      String benchmark,
      String method,
      List<String> impls,
      Map<String, String> params,
      int warmups,
      int measurements,
      TimeValue iterationTime,
      int rounds,
      Metric metric) {
    Group(
        String key,
        String benchmark,
        String method,
        List<String> impls,
        Map<String, String> params,
        int warmups,
        int measurements,
        TimeValue iterationTime,
        int rounds) {
      this(
          key,
          benchmark,
          method,
          impls,
          params,
          warmups,
          measurements,
          iterationTime,
          rounds,
          Metric.SCORE);
    }
  }

  private static final Map<Side, List<Double>> SCORES = new LinkedHashMap<>();
  private static final Map<Side, List<Double>> P99 = new LinkedHashMap<>();

  /** The unit of a P50 side's percentiles, as JMH gave it ("ms/op", "us/op"). */
  private static final Map<Side, String> PERCENTILE_UNIT = new LinkedHashMap<>();

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    List<String> only = null;
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.startsWith("--only=")) {
        only = List.of(a.substring(7).split(","));
      } else {
        System.err.println(
            "usage: run-comparison.sh [--quick]"
                + " [--only=e2e,churn,submit,visibility,recovery,kafka-submit,kafka-e2e,backlog,"
                + "group-commit,visibility-4p,solr]");
        System.exit(2);
      }
    }
    List<Group> groups = groups(quick);
    // this machine is shared: another project's JMH run must not abort ours (ratios alternate A/B)
    System.setProperty("jmh.ignoreLock", "true");
    System.out.println(
        "IndexQueue ratio runner — "
            + (quick
                ? "QUICK mode: smaller sizes and fewer iterations than the full run; ratios are"
                    + " indicative"
                : "FULL mode"));
    System.out.println(
        "date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    System.out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, JDK "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + "), load: "
            + load()
            + "; forks: "
            + String.join(" ", FORK_HEAP));
    for (Group g : groups) {
      System.out.println(
          "group "
              + g.key()
              + ": "
              + g.benchmark()
              + "."
              + g.method()
              + " "
              + g.impls()
              + " "
              + g.params()
              + ", "
              + g.warmups()
              + " warmup + "
              + g.measurements()
              + " measurement iteration(s)"
              + (g.iterationTime() == null ? "" : " of " + g.iterationTime())
              + ", "
              + g.rounds()
              + " alternating round(s)");
    }
    System.out.println(
        "corpus: " + Corpus.load(1, 1024).description().replace("docs=1", "docs=per benchmark"));
    long started = System.nanoTime();
    for (Group g : groups) {
      if (only != null && !only.contains(g.key())) {
        continue;
      }
      run(g);
    }
    System.out.println();
    List<String[]> table = new ArrayList<>();
    int pass = 0;
    int total = 0;
    for (Comparison c : comparisons()) {
      List<Double> a = SCORES.get(c.a());
      List<Double> b = SCORES.get(c.b());
      if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
        continue;
      }
      double ma = median(a);
      double mb = median(b);
      double v = c.inverse() ? mb / ma : ma / mb;
      boolean ok = c.pass(v);
      total++;
      pass += ok ? 1 : 0;
      System.out.printf(
          Locale.ROOT,
          "RATIO %s value=%.2f target=%s %s%n",
          c.name(),
          v,
          c.targetText(),
          c.op().equals(NO_TARGET) ? "REPORT" : ok ? "PASS" : "BELOW");
      table.add(
          new String[] {
            c.name(),
            String.format(Locale.ROOT, "%.2f", v),
            c.targetText(),
            c.op().equals(NO_TARGET) ? "REPORT" : ok ? "PASS" : "BELOW",
            c.a().label() + " " + describe(c.a(), c.metric()),
            c.b().label() + " " + describe(c.b(), c.metric())
          });
    }
    System.out.println();
    System.out.println("| ratio | value | target | result | A | B |");
    System.out.println("|---|---|---|---|---|---|");
    for (String[] r : table) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%d of %d PASS (%s mode, %.1f min, load now: %s)%n",
        pass,
        total,
        quick ? "QUICK" : "FULL",
        (System.nanoTime() - started) / 60e9,
        load());
  }

  private static String describe(Side s, Metric m) {
    List<Double> v = SCORES.get(s);
    String unit =
        s.benchmark().equals("SubmitBenchmark")
            ? " ops/s"
            : s.benchmark().equals("VisibilityBenchmark")
                ? " µs p50"
                : m == Metric.P50 ? " ms p50" : " ms";
    String r = String.format(Locale.ROOT, "%,.0f%s", median(v), unit);
    if (m == Metric.P50 && P99.containsKey(s)) {
      r +=
          String.format(
              Locale.ROOT,
              ", p99 %,.0f %s",
              median(P99.get(s)),
              PERCENTILE_UNIT.getOrDefault(s, "").replace("/op", "").replace("us", "µs"));
    }
    return r;
  }

  static List<Group> groups(boolean quick) {
    List<Group> g = new ArrayList<>();
    TimeValue it = TimeValue.seconds(quick ? 1 : 2);
    g.add(
        new Group(
            "submit",
            "SubmitBenchmark",
            "p4",
            List.of("ABQ", "MEMORY_SERVICE", "RAW_CHRONICLE", "CHRONICLE_SERVICE"),
            Map.of(),
            quick ? 1 : 3,
            quick ? 2 : 5,
            it,
            2));
    // single-shot suites: the analysis chain takes a few hundred thousand documents to be compiled
    // (C2), so both sides get warm-up invocations until their times settle
    g.add(
        new Group(
            "e2e",
            "EndToEndBenchmark",
            "run",
            List.of(
                "LUCENE_1T",
                "SERVICE_MEMORY_1LANE",
                "SERVICE_MEMORY_2LANES",
                "SERVICE_CHRONICLE_1LANE",
                "LUCENE_2T"),
            Map.of("docs", System.getProperty("indexq.e2e.docs", quick ? "20000" : "100000")),
            quick ? 3 : 2,
            2,
            null,
            2));
    if (onClassPath("dev.indexqueue.benchmarks.SolrEndToEndBenchmark")) {
      // only in a -Psolr build (run-comparison.sh --only=solr): an in-process SolrCloud cluster
      g.add(
          new Group(
              "solr",
              "SolrEndToEndBenchmark",
              "run",
              List.of("SERVICE_LUCENE_2LANES", "SERVICE_SOLR_2LANES"),
              Map.of("docs", System.getProperty("indexq.e2e.docs", quick ? "20000" : "100000")),
              1,
              quick ? 1 : 2,
              null,
              quick ? 1 : 2));
    }
    g.add(
        new Group(
            "kafka-submit",
            "KafkaSubmitBenchmark",
            "p4",
            List.of("RAW_PRODUCER", "KAFKA_SERVICE"),
            Map.of(),
            quick ? 1 : 2,
            quick ? 2 : 4,
            TimeValue.seconds(3),
            2));
    g.add(
        new Group(
            "kafka-e2e",
            "KafkaEndToEndBenchmark",
            "run",
            List.of("SERVICE_MEMORY", "SERVICE_KAFKA"),
            Map.of("docs", System.getProperty("indexq.e2e.docs", quick ? "20000" : "100000")),
            quick ? 1 : 2,
            2,
            null,
            2));
    g.add(
        new Group(
            "churn",
            "ChurnBenchmark",
            "run",
            List.of("LUCENE_EVERY_UPDATE", "SERVICE"),
            Map.of("paths", quick ? "4000" : "10000", "updates", "10"),
            quick ? 2 : 3,
            quick ? 2 : 3,
            null,
            2));
    g.add(
        new Group(
            "visibility",
            "VisibilityBenchmark",
            "submitUntilVisible",
            List.of("LUCENE_REFRESH", "SERVICE"),
            Map.of(),
            quick ? 1 : 2,
            quick ? 2 : 3,
            it,
            2,
            Metric.P50));
    g.add(
        new Group(
            "recovery",
            "RecoveryBenchmark",
            "run",
            List.of("APPLY_1K", "SERVICE_RESTART"),
            Map.of("committed", quick ? "200000" : "1000000", "tail", "1000"),
            2,
            quick ? 3 : 4,
            null,
            2));
    // one task behind a 100,000-task backlog, full and quick alike (the backlog is the point);
    // each single shot builds a service and submits the backlog first, untimed
    g.add(
        new Group(
            "backlog",
            "BacklogBenchmark",
            "run",
            List.of(
                "URGENT_BEHIND_BACKLOG",
                "URGENT_IDLE",
                "OTHER_LANE_BEHIND_BACKLOG",
                "OTHER_LANE_IDLE"),
            Map.of("backlog", "100000", "warm", "10000"),
            quick ? 2 : 3,
            quick ? 5 : 10,
            null,
            2,
            Metric.P50));
    g.add(
        new Group(
            "group-commit",
            "GroupCommitBenchmark",
            "run",
            List.of("LUCENE_4T", "SERVICE", "LUCENE_4T_ONE_COMMIT"),
            Map.of("docs", "40000", "batch", "1000"),
            quick ? 2 : 4,
            quick ? 3 : 5,
            null,
            2));
    g.add(
        new Group(
            "visibility-4p",
            "ConcurrentVisibilityBenchmark",
            "run",
            List.of("LUCENE_4T", "SERVICE"),
            Map.of("docs", "2000"),
            quick ? 3 : 5,
            quick ? 3 : 5,
            null,
            2));
    return g;
  }

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, ComparisonRunner.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static List<Comparison> comparisons() {
    Side mem1 = new Side("EndToEndBenchmark", "run", "SERVICE_MEMORY_1LANE");
    Side mem2 = new Side("EndToEndBenchmark", "run", "SERVICE_MEMORY_2LANES");
    Side chr1 = new Side("EndToEndBenchmark", "run", "SERVICE_CHRONICLE_1LANE");
    Side luc1 = new Side("EndToEndBenchmark", "run", "LUCENE_1T");
    return List.of(
        new Comparison(
            "e2e-solr-vs-lucene",
            new Side("SolrEndToEndBenchmark", "run", "SERVICE_SOLR_2LANES"),
            new Side("SolrEndToEndBenchmark", "run", "SERVICE_LUCENE_2LANES"),
            Metric.SCORE,
            true,
            NO_TARGET,
            0,
            "throughput of 100k distinct docs until DURABLE through the service with 2 lanes, Solr"
                + " backend (in-process SolrCloud, 2 nodes, 2 shards x 2 replicas) / Lucene"
                + " backend"),
        new Comparison(
            "e2e-memory-1lane-vs-lucene-1t",
            mem1,
            luc1,
            Metric.SCORE,
            true,
            ">=",
            0.97,
            "throughput of 100k distinct docs until DURABLE, service (memory, 1 lane) / raw Lucene"
                + " (1 thread)"),
        new Comparison(
            "e2e-memory-2lanes-vs-lucene-1t",
            mem2,
            luc1,
            Metric.SCORE,
            true,
            ">=",
            1.25,
            "same, service with 2 lanes / raw Lucene 1 thread"),
        new Comparison(
            "e2e-chronicle-vs-memory",
            chr1,
            mem1,
            Metric.SCORE,
            true,
            ">=",
            0.90,
            "same, Chronicle queue / memory queue (1 lane each)"),
        new Comparison(
            "e2e-kafka-vs-memory",
            new Side("KafkaEndToEndBenchmark", "run", "SERVICE_KAFKA"),
            new Side("KafkaEndToEndBenchmark", "run", "SERVICE_MEMORY"),
            Metric.SCORE,
            true,
            ">=",
            0.70,
            "throughput of 100k distinct docs until DURABLE, 16 submitters, 2 lanes: Kafka queue"
                + " (in-process 1+3 cluster, RF 3) / memory queue"),
        new Comparison(
            "submit-kafka-4p-vs-raw-producer",
            new Side("KafkaSubmitBenchmark", "p4", "KAFKA_SERVICE"),
            new Side("KafkaSubmitBenchmark", "p4", "RAW_PRODUCER"),
            Metric.SCORE,
            false,
            ">=",
            0.50,
            "submit throughput, 4 producers, each waiting for the broker's ack / a raw"
                + " KafkaProducer sending the same bytes, same settings"),
        new Comparison(
            "churn-vs-lucene-every-update",
            new Side("ChurnBenchmark", "run", "SERVICE"),
            new Side("ChurnBenchmark", "run", "LUCENE_EVERY_UPDATE"),
            Metric.SCORE,
            true,
            ">=",
            5.00,
            "10k paths x 10 updates until VISIBLE: speed-up by coalescing"),
        new Comparison(
            "submit-memory-4p-vs-abq-4p",
            new Side("SubmitBenchmark", "p4", "MEMORY_SERVICE"),
            new Side("SubmitBenchmark", "p4", "ABQ"),
            Metric.SCORE,
            false,
            ">=",
            0.30,
            "submit throughput, 4 producers, null backend"),
        new Comparison(
            "submit-chronicle-4p-vs-raw-chronicle",
            new Side("SubmitBenchmark", "p4", "CHRONICLE_SERVICE"),
            new Side("SubmitBenchmark", "p4", "RAW_CHRONICLE"),
            Metric.SCORE,
            false,
            ">=",
            0.50,
            "submit throughput, 4 producers, Chronicle"),
        new Comparison(
            "visibility-p50-vs-lucene-refresh",
            new Side("VisibilityBenchmark", "submitUntilVisible", "SERVICE"),
            new Side("VisibilityBenchmark", "submitUntilVisible", "LUCENE_REFRESH"),
            Metric.P50,
            false,
            "<=",
            3.00,
            "p50 latency submit -> VISIBLE / updateDocument + maybeRefreshBlocking"),
        new Comparison(
            "recovery-1k-tail-vs-apply-1k",
            new Side("RecoveryBenchmark", "run", "SERVICE_RESTART"),
            new Side("RecoveryBenchmark", "run", "APPLY_1K"),
            Metric.SCORE,
            false,
            "<=",
            3.00,
            "restart + catch up 1k tail behind 1M committed / applying 1k"),
        new Comparison(
            "priority-urgent-behind-backlog",
            new Side("BacklogBenchmark", "run", "URGENT_BEHIND_BACKLOG"),
            new Side("BacklogBenchmark", "run", "URGENT_IDLE"),
            Metric.P50,
            false,
            "<=",
            3.00,
            "p50 submit -> VISIBLE of an urgent task of a fresh workspace behind 100k normal tasks"
                + " in its partition / the same on an idle service"),
        new Comparison(
            "lane-independence",
            new Side("BacklogBenchmark", "run", "OTHER_LANE_BEHIND_BACKLOG"),
            new Side("BacklogBenchmark", "run", "OTHER_LANE_IDLE"),
            Metric.P50,
            false,
            "<=",
            3.00,
            "2 lanes: p50 submit -> VISIBLE of workspace B's single task while the other lane has"
                + " a 100k backlog / the same on an idle service"),
        new Comparison(
            "e2e-memory-2lanes-vs-lucene-2t",
            mem2,
            new Side("EndToEndBenchmark", "run", "LUCENE_2T"),
            Metric.SCORE,
            true,
            ">=",
            0.95,
            "throughput of 100k distinct docs until DURABLE, service (memory, 2 lanes) / raw"
                + " Lucene (2 threads)"),
        new Comparison(
            "group-commit-4p",
            new Side("GroupCommitBenchmark", "run", "SERVICE"),
            new Side("GroupCommitBenchmark", "run", "LUCENE_4T"),
            Metric.SCORE,
            true,
            ">=",
            2.00,
            "4 producers, 40k docs in 1,000-doc batches each waited DURABLE: service / raw Lucene"
                + " 4 threads each committing after its batch"),
        new Comparison(
            "group-commit-4p-ceiling",
            new Side("GroupCommitBenchmark", "run", "LUCENE_4T_ONE_COMMIT"),
            new Side("GroupCommitBenchmark", "run", "LUCENE_4T"),
            Metric.SCORE,
            true,
            NO_TARGET,
            0,
            "not a target of the service: raw Lucene 4 threads with one commit at the end / with a"
                + " commit per batch, the best group-commit-4p this machine allows"),
        new Comparison(
            "visibility-4p",
            new Side("ConcurrentVisibilityBenchmark", "run", "SERVICE"),
            new Side("ConcurrentVisibilityBenchmark", "run", "LUCENE_4T"),
            Metric.SCORE,
            true,
            ">=",
            2.50,
            "4 producers, 2,000 docs each waited VISIBLE before the next: service / raw Lucene 4"
                + " threads, updateDocument + maybeRefreshBlocking"));
  }

  private static void run(Group g) throws RunnerException {
    for (int round = 1; round <= g.rounds(); round++) {
      for (String impl : g.impls()) {
        Side side = new Side(g.benchmark(), g.method(), impl);
        ChainedOptionsBuilder o =
            new OptionsBuilder()
                .include(
                    "^"
                        + ComparisonRunner.class.getPackageName()
                        + "\\."
                        + g.benchmark()
                        + "\\."
                        + g.method()
                        + "$")
                .param("impl", impl)
                .forks(1)
                .warmupIterations(g.warmups())
                .measurementIterations(g.measurements())
                .jvmArgsAppend(forkOptions())
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true);
        for (Map.Entry<String, String> p : g.params().entrySet()) {
          o.param(p.getKey(), p.getValue());
        }
        if (g.iterationTime() != null) {
          o.warmupTime(g.iterationTime()).measurementTime(g.iterationTime());
        }
        long t0 = System.nanoTime();
        Collection<RunResult> results = new Runner(o.build()).run();
        for (RunResult r : results) {
          var primary = r.getPrimaryResult();
          double score = primary.getScore();
          String unit = primary.getScoreUnit();
          if (g.metric() == Metric.P50) {
            score = primary.getStatistics().getPercentile(50.0);
            P99.computeIfAbsent(side, k -> new ArrayList<>())
                .add(primary.getStatistics().getPercentile(99.0));
            PERCENTILE_UNIT.put(side, unit);
            unit += " p50";
          }
          SCORES.computeIfAbsent(side, k -> new ArrayList<>()).add(score);
          StringBuilder aux = new StringBuilder();
          for (var e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().startsWith("·")) {
              continue; // profiler results
            }
            aux.append(
                String.format(
                    Locale.ROOT,
                    " %s=%.1f (%.1f-%.1f)",
                    e.getKey(),
                    e.getValue().getStatistics().getMean(),
                    e.getValue().getStatistics().getMin(),
                    e.getValue().getStatistics().getMax()));
          }
          System.out.printf(
              Locale.ROOT,
              "  [%s] round %d/%d %-26s %,14.1f %s%s  (%.0f s, load %s)%n",
              g.key(),
              round,
              g.rounds(),
              impl,
              score,
              unit,
              aux.length() == 0 ? "" : " per shot:" + aux,
              (System.nanoTime() - t0) / 1e9,
              load());
        }
      }
    }
  }

  /**
   * Every fork's extra JVM options, in one list (JMH's {@code jvmArgsAppend} replaces, it does not
   * add): the parent pom's options, the heap, and the corpus directory when one is set.
   */
  static String[] forkOptions() {
    List<String> o = new ArrayList<>(List.of(Bench.jvmOptions()));
    o.addAll(List.of(FORK_HEAP));
    String corpusDir = System.getProperty(Corpus.DIR_PROPERTY);
    if (corpusDir != null) {
      o.add("-D" + Corpus.DIR_PROPERTY + "=" + corpusDir);
    }
    return o.toArray(String[]::new);
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
