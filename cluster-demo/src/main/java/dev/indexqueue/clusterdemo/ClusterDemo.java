package dev.indexqueue.clusterdemo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.Role;
import dev.indexqueue.cli.DemoSteps;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import dev.indexqueue.workspace.WorkspaceManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.solr.embedded.JettySolrRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code indexq cluster-demo}: a cluster on one machine, end to end, each step printed with its
 * time. In this JVM: Kafka (1 controller + 3 brokers) and SolrCloud (ZooKeeper + 2 nodes) and a
 * producer (an {@link IndexingService} in role producer with a {@link WorkspaceManager}); as child
 * JVMs: worker nodes, each {@code indexq serve --role worker} run from the cli's jar and lib with
 * its own data directory. Writers create, update and delete versioned files in several workspaces
 * while a chaos thread kills workers ({@code kill -9}), stops brokers and Solr nodes and starts
 * them again; then files change behind the API's back, every workspace is reindexed, and the index
 * is checked against the model: every file's last accepted version in the index (none lost, none
 * older), nothing extra, coverage 100%, every search exact. Exit 0 only when all of it holds. Child
 * processes, clusters and the temporary directory go on every exit, Ctrl-C included. Not
 * thread-safe: one instance per run.
 */
@Command(
    name = "cluster-demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start Kafka (1 controller + 3 brokers) and SolrCloud (2 nodes) in this JVM and worker nodes",
      "(indexq serve --role worker) as child JVMs; write, update and delete files in several",
      "workspaces while workers are killed and brokers and Solr nodes stop; check the index."
    })
public final class ClusterDemo implements Callable<Integer> {
  static final String COLLECTION = "demo";
  static final String TOPIC = "demo-tasks";
  static final int PARTITIONS = 6;

  /** The exit code after Ctrl-C or SIGTERM, as a shell reports a run ended by SIGINT. */
  static final int EXIT_SIGNALLED = 130;

  @Option(
      names = "--workers",
      defaultValue = "3",
      description = "Worker nodes (child JVMs), 1-3 (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--tasks",
      defaultValue = "4000",
      description = "Tasks the writers submit (default: ${DEFAULT-VALUE}).")
  long tasks;

  @Option(
      names = "--writers",
      defaultValue = "16",
      description = "Writer threads (default: ${DEFAULT-VALUE}).")
  int writers;

  @Option(
      names = "--workspaces",
      defaultValue = "8",
      description = "Workspaces (default: ${DEFAULT-VALUE}).")
  int workspaces;

  @Option(
      names = "--files-per-writer",
      defaultValue = "20",
      description = "Files each writer owns (default: ${DEFAULT-VALUE}).")
  int filesPerWriter;

  @Option(
      names = "--kills",
      defaultValue = "1",
      description = "Workers killed with kill -9 and started again (default: ${DEFAULT-VALUE}).")
  int kills;

  @Option(
      names = "--broker-restarts",
      defaultValue = "1",
      description = "Kafka brokers stopped and started again (default: ${DEFAULT-VALUE}).")
  int brokerRestarts;

  @Option(
      names = "--solr-restarts",
      defaultValue = "1",
      description = "Solr nodes stopped and started again (default: ${DEFAULT-VALUE}).")
  int solrRestarts;

  @Option(
      names = "--seed",
      description = "Seed of the workload and the chaos (default: random; printed).")
  Long seed;

  @Option(
      names = "--ready-timeout-seconds",
      defaultValue = "180",
      description = "How long the workspaces may take to be ready (default: ${DEFAULT-VALUE}).")
  long readyTimeoutSeconds;

  @Option(
      names = "--cli-dir",
      description =
          "The cli module's target directory (indexq.jar, indexq/lib, indexq/jvm.options);"
              + " default: the system property indexq.cli.dir, set by ./indexq.")
  Path cliDir;

  @Option(names = "--keep", description = "Keep the temporary directory (its path is printed).")
  boolean keep;

  private final PrintWriter out;
  private DemoSteps steps;

  private Path tmp;
  private final Clusters clusters = new Clusters();
  private final List<WorkerNode> nodes = new ArrayList<>();
  private IndexingService producer;
  private final AtomicBoolean cleaned = new AtomicBoolean();

  /**
   * Set by the shutdown hook (Ctrl-C, SIGTERM): what fails from then on is the clean-up's doing.
   */
  private volatile boolean signalled;

  private final List<Thread> writerThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Workload work;

  ClusterDemo(PrintWriter out) {
    this.out = out;
  }

  /** Runs the demo; exits 0 when every check holds, 1 when one fails, 2 on bad options. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(new ClusterDemo(out));
    cl.setOut(out);
    cl.setErr(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof IllegalArgumentException) {
            line.getErr().println("cluster-demo: " + e.getMessage());
            return 2;
          }
          line.getErr().println("cluster-demo FAILED: " + e);
          e.printStackTrace(line.getErr());
          return 1;
        });
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    check();
    CliLayout cli = CliLayout.of(cliDir != null ? cliDir : cliDirFromProperty());
    long s = seed != null ? seed : new Random().nextLong();
    steps = new DemoSteps(out);
    tmp = Files.createTempDirectory("indexq-cluster-demo-");
    // the clusters' logs (and whatever their code prints) go to a file: the demo prints its steps
    // to the console it was given
    Path log = tmp.resolve("clusters.log");
    setIfAbsent("log4j2.configurationFile", "cluster-demo-log4j2.xml");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    PrintStream logStream =
        new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
    System.setOut(logStream);
    System.setErr(logStream);
    Thread hook =
        new Thread(
            () -> {
              signalled = true;
              out.println("stopped by a signal (Ctrl-C or SIGTERM): cleaning up");
              cleanUp();
            },
            "cluster-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean ok = false;
    try {
      ok = run(cli, s);
    } catch (Exception | AssertionError e) {
      if (signalled) {
        // the clean-up stops the clusters and workers under the run: its failures say nothing
        return EXIT_SIGNALLED;
      }
      out.println("FAILED: " + e + " (the clusters' log: " + log + "; --keep keeps it)");
      for (WorkerNode n : nodes) {
        out.println("---- worker " + n.number + " (last lines of " + n.log() + "):");
        out.println(n.tail(15));
      }
      throw e;
    } finally {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already: the hook ran cleanUp, which is done
      }
      out.printf(
          Locale.ROOT,
          "%s in %.1f s (seed %d)%n",
          ok ? "cluster-demo OK" : signalled ? "cluster-demo STOPPED" : "cluster-demo FAILED",
          steps.elapsedNanos() / 1e9,
          s);
      out.flush();
    }
    return ok ? 0 : 1;
  }

  private void check() {
    if (workers < 1 || workers > 3) {
      throw new IllegalArgumentException("--workers: must be between 1 and 3, was " + workers);
    }
    if (tasks < 1) {
      throw new IllegalArgumentException("--tasks: must be at least 1, was " + tasks);
    }
    if (writers < 1 || writers > 64) {
      throw new IllegalArgumentException("--writers: must be between 1 and 64, was " + writers);
    }
    if (workspaces < 1 || workspaces > writers) {
      throw new IllegalArgumentException(
          "--workspaces: must be between 1 and --writers (" + writers + "), was " + workspaces);
    }
    if (filesPerWriter < 1 || filesPerWriter > 1000) {
      throw new IllegalArgumentException(
          "--files-per-writer: must be between 1 and 1000, was " + filesPerWriter);
    }
    if (kills < 0 || brokerRestarts < 0 || solrRestarts < 0) {
      throw new IllegalArgumentException(
          "--kills, --broker-restarts and --solr-restarts: must be at least 0");
    }
    if (readyTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--ready-timeout-seconds: must be at least 1");
    }
  }

  private static Path cliDirFromProperty() {
    String p = System.getProperty("indexq.cli.dir");
    if (p == null) {
      throw new IllegalArgumentException(
          "--cli-dir: not given and the system property indexq.cli.dir is not set (./indexq"
              + " cluster-demo sets it)");
    }
    return Path.of(p);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private boolean run(CliLayout cli, long s) throws Exception {
    boolean ok = true;
    steps.begin(
        "start Kafka: 1 controller + 3 brokers, replication factor 3, min.insync.replicas 2");
    clusters.startKafka();
    steps.end(clusters.bootstrapServers());

    steps.begin(
        "start SolrCloud: ZooKeeper + 2 nodes; collection '"
            + COLLECTION
            + "' of 2 shards × 2 replicas");
    clusters.startSolr(Files.createDirectories(tmp.resolve("solr")));
    clusters.createCollection(COLLECTION);
    steps.end(clusters.zkHost());

    // the workspaces' directories, shared by the producer (writes) and the workers (a reindex
    // reads them: they see the same paths on this machine)
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.builder().build();
    Map<String, Path> wsDirs = new LinkedHashMap<>();
    List<String> names = Workload.workspaceNames(workspaces, PARTITIONS);
    for (String name : names) {
      Path dir = Files.createDirectories(tmp.resolve("workspaces").resolve(name));
      wsDirs.put(name, source.register(name, dir));
    }

    steps.begin(
        workers
            + " worker node"
            + (workers == 1 ? "" : "s")
            + ": indexq serve --role worker, each a JVM (-Xmx256m) with its own data directory"
            + " (data directories under "
            + tmp
            + ")");
    for (int i = 1; i <= workers; i++) {
      Path data = Files.createDirectories(tmp.resolve("worker" + i));
      Path config = writeWorkerConfig(data);
      writeRegistry(data, wsDirs);
      WorkerNode n = new WorkerNode(i, data, config, cli);
      n.start();
      nodes.add(n);
    }
    for (WorkerNode n : nodes) {
      if (!n.awaitListening(Duration.ofSeconds(120))) {
        throw new IllegalStateException("worker " + n.number + " did not start:\n" + n.tail(30));
      }
    }
    steps.end(
        "pids "
            + String.join(", ", nodes.stream().map(n -> Long.toString(n.pid())).toList())
            + "; topic "
            + TOPIC
            + " ("
            + PARTITIONS
            + " partitions)");

    steps.begin("start the producer in this JVM: kafka queue + solr index, role producer");
    Map<String, String> qc = new HashMap<>();
    qc.put("bootstrapServers", clusters.bootstrapServers());
    qc.put("topic", TOPIC);
    qc.put("partitions", Integer.toString(PARTITIONS));
    qc.put("timeoutMs", "60000");
    producer =
        WorkspaceManager.configure(IndexingService.builder(), source)
            .name("cluster-demo")
            .lanes(2)
            .queue("kafka", qc)
            .backend("solr", Map.of("zkHost", clusters.zkHost(), "collection", COLLECTION))
            .role(Role.PRODUCER)
            .build();
    WorkspaceManager files = new WorkspaceManager(source, producer);
    steps.end("");

    Progress progress = new Progress();
    Workload work = new Workload(writers, names, filesPerWriter, tasks, s, progress);
    steps.begin(
        String.format(
            Locale.ROOT,
            "%d threads create, update and delete %d files each in %d workspaces: %,d tasks,"
                + " while: %d worker kill%s (kill -9), %d broker and %d Solr node restart%s",
            writers,
            filesPerWriter,
            workspaces,
            tasks,
            kills,
            kills == 1 ? "" : "s",
            brokerRestarts,
            solrRestarts,
            solrRestarts == 1 ? "" : "s"));
    long writeStart = System.nanoTime();
    Chaos chaos = new Chaos(new Random(s), progress);
    Thread chaosThread = new Thread(chaos, "cluster-demo-chaos");
    chaosThread.start();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    this.work = work;
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  work.write(writer, files, producer, wsDirs.get(work.workspaceOf(writer)));
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "cluster-demo-writer-" + w);
      writerThreads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : writerThreads) {
      t.join();
    }
    long writeNanos = System.nanoTime() - writeStart;
    progress.end();
    chaosThread.join();
    if (!errors.isEmpty()) {
      IllegalStateException e =
          new IllegalStateException("a writer failed: " + errors.get(0), errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
    if (chaos.failure != null) {
      throw new IllegalStateException("the chaos failed: " + chaos.failure, chaos.failure);
    }
    out.printf(
        Locale.ROOT,
        "      done: %d of %d worker kills, %d of %d broker restarts, %d of %d Solr node"
            + " restarts%n",
        chaos.killsDone,
        kills,
        chaos.brokerRestartsDone,
        brokerRestarts,
        chaos.solrRestartsDone,
        solrRestarts);
    ok &=
        chaos.killsDone == kills
            && chaos.brokerRestartsDone == brokerRestarts
            && chaos.solrRestartsDone == solrRestarts;
    QueueStatus q = producer.queueStatus();
    steps.end(
        String.format(
            Locale.ROOT,
            "%,d tasks accepted in %.1f s (%,.0f/s), %,d submits retried%s",
            q.accepted(),
            writeNanos / 1e9,
            q.accepted() / (writeNanos / 1e9),
            work.retries.get(),
            work.lastRetryCause.get() == null ? "" : " (last: " + work.lastRetryCause.get() + ")"));
    ok &= q.accepted() >= tasks;

    steps.begin(
        "change files behind the API's back (add notes/zebra.md, delete one file in each"
            + " workspace) and force a reindex of every workspace");
    Map<String, Map<String, String>> extra = new HashMap<>();
    Map<String, Set<String>> removed = new HashMap<>();
    for (Map.Entry<String, Path> e : wsDirs.entrySet()) {
      String ws = e.getKey();
      String zebra = "# Notes of " + ws + "\nThe reindex finds this zebra note.\n";
      Files.createDirectories(e.getValue().resolve("notes"));
      Files.writeString(e.getValue().resolve("notes/zebra.md"), zebra, StandardCharsets.UTF_8);
      extra.put(ws, Map.of("notes/zebra.md", zebra));
      String gone = work.somePresentFile(ws);
      Set<String> r = new TreeSet<>();
      if (gone != null) {
        Files.delete(e.getValue().resolve(gone));
        r.add(gone);
      }
      removed.put(ws, r);
      files.forceReindex(ws);
    }
    steps.end("submitted");

    steps.begin("wait until every workspace's index is ready (the workers apply; this node waits)");
    boolean ready = true;
    for (String ws : wsDirs.keySet()) {
      ready &= producer.awaitIndexReady(ws, Duration.ofSeconds(readyTimeoutSeconds));
    }
    long applyNanos = System.nanoTime() - writeStart;
    steps.end(ready ? "ready" : "NOT READY after " + readyTimeoutSeconds + " s");
    ok &= ready;

    steps.begin(
        "check the index against the model: each file's last accepted version, nothing else");
    long lost = 0;
    long older = 0;
    long extraDocs = 0;
    long expectedTotal = 0;
    try (IndexBackend index =
        Providers.indexBackend(
            "solr", Map.of("zkHost", clusters.zkHost(), "collection", COLLECTION))) {
      for (String ws : wsDirs.keySet()) {
        Map<String, String> want = work.expected(ws, extra.get(ws), removed.get(ws));
        Map<String, String> have = new HashMap<>();
        for (IndexedDocument d : index.documents(ws)) {
          have.put(d.path(), d.contentHash());
        }
        long wsLost = 0;
        long wsOlder = 0;
        long wsExtra = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, String> e : want.entrySet()) {
          String got = have.get(e.getKey());
          if (got == null) {
            wsLost++;
            examples.add("missing " + e.getKey());
          } else if (!got.equals(e.getValue())) {
            if (Workload.isWriterFile(e.getKey()) && work.isOlderVersion(e.getKey(), got)) {
              wsOlder++;
              examples.add("older version of " + e.getKey());
            } else {
              wsLost++;
              examples.add("other content of " + e.getKey());
            }
          }
        }
        for (String p : have.keySet()) {
          if (!want.containsKey(p)) {
            wsExtra++;
            examples.add("extra " + p);
          }
        }
        out.printf(
            Locale.ROOT,
            "      %-5s %3d files expected, %3d in the index; %d lost, %d older (reordered), %d"
                + " extra: %s%n",
            ws + ":",
            want.size(),
            have.size(),
            wsLost,
            wsOlder,
            wsExtra,
            wsLost + wsOlder + wsExtra == 0
                ? "OK"
                : "MISMATCH " + examples.subList(0, Math.min(5, examples.size())));
        lost += wsLost;
        older += wsOlder;
        extraDocs += wsExtra;
        expectedTotal += want.size();
      }
    }
    boolean exact = lost == 0 && older == 0 && extraDocs == 0;
    steps.end(
        String.format(
            Locale.ROOT,
            "%,d files: %d lost, %d reordered, %d extra",
            expectedTotal,
            lost,
            older,
            extraDocs));
    ok &= exact;

    steps.begin("search every workspace (through the producer, on the shared collection)");
    int searches = 0;
    int exactSearches = 0;
    for (String ws : wsDirs.keySet()) {
      for (String word : Workload.WORDS) {
        searches++;
        if (expect(ws, word, work.withWord(ws, word, removed.get(ws)))) {
          exactSearches++;
        }
      }
      searches++;
      if (expect(ws, "zebra", Set.of("notes/zebra.md"))) {
        exactSearches++;
      }
    }
    steps.end(exactSearches + " of " + searches + " exact");
    ok &= exactSearches == searches;

    steps.begin("index status of every workspace");
    boolean complete = true;
    for (String ws : wsDirs.keySet()) {
      IndexStatus st = producer.indexStatus(ws);
      boolean c = st.isComplete() && st.indexCoverage() == 100.0;
      out.printf(
          Locale.ROOT,
          "      %s: %d files, %d indexed, %d up to date, %d missing, %d extra, coverage %.1f%%%n",
          ws,
          st.filesystemFiles(),
          st.indexedFiles(),
          st.upToDate(),
          st.missingFiles(),
          st.extraIndexed(),
          st.indexCoverage());
      complete &= c;
    }
    steps.end(complete ? "100% and up to date" : "NOT up to date");
    ok &= complete;

    steps.begin("the workers");
    long replayed = 0;
    long applied = 0;
    for (WorkerNode n : nodes) {
      JsonNode wq = n.queueStatus();
      if (wq == null) {
        out.printf(Locale.ROOT, "      worker %d: no answer%n", n.number);
        continue;
      }
      long a = wq.path("applied").asLong() + n.appliedBefore;
      long r = wq.path("replayed").asLong() + n.replayedBefore;
      replayed += r;
      applied += a;
      out.printf(
          Locale.ROOT,
          "      worker %d (pid %d, started %d time%s): partitions %s; over all its lives applied"
              + " %,d, replayed %,d%n",
          n.number,
          n.pid(),
          n.starts(),
          n.starts() == 1 ? "" : "s",
          partitions(wq),
          a,
          r);
    }
    steps.end(
        String.format(
            Locale.ROOT,
            "applied %,d; replayed %,d (tasks a worker read again from the committed"
                + " checkpoint when it took a partition over)",
            applied,
            replayed));

    out.printf(
        Locale.ROOT,
        "      throughput: %,d tasks accepted and applied in %.1f s: %,.0f tasks/s with %d worker"
            + " node%s%n",
        q.accepted(),
        applyNanos / 1e9,
        q.accepted() / (applyNanos / 1e9),
        workers,
        workers == 1 ? "" : "s");
    out.printf(
        Locale.ROOT,
        "      summary: %,d accepted, %d lost, %d reordered, %d extra, %d of %d searches exact,"
            + " coverage %s%n",
        q.accepted(),
        lost,
        older,
        extraDocs,
        exactSearches,
        searches,
        complete ? "100%" : "NOT 100%");
    return ok;
  }

  private static String partitions(JsonNode wq) {
    List<String> p = new ArrayList<>();
    for (JsonNode n : wq.path("partitions")) {
      p.add(n.path("partition").asText());
    }
    return p.toString();
  }

  private boolean expect(String ws, String query, Set<String> expected) {
    return steps.searchMatches(
        ws + ": ", query, producer.search(ws, query, 10_000).hits(), expected, "");
  }

  private Path writeWorkerConfig(Path data) throws IOException {
    Path f = data.resolve("node.properties");
    Files.writeString(
        f,
        String.join(
            "\n",
            "# a worker node of the cluster demo",
            "queue=kafka",
            "kafka-bootstrap=" + clusters.bootstrapServers(),
            "kafka-topic=" + TOPIC,
            "kafka-partitions=" + PARTITIONS,
            "kafka-timeout-ms=60000",
            "kafka.consumer.session.timeout.ms=6000",
            "kafka.consumer.heartbeat.interval.ms=500",
            "backend=solr",
            "solr-zk=" + clusters.zkHost(),
            "solr-collection=" + COLLECTION,
            "role=worker",
            ""),
        StandardCharsets.UTF_8);
    return f;
  }

  /** The worker's workspace registry: a reindex it applies reads the files there. */
  private static void writeRegistry(Path data, Map<String, Path> wsDirs) throws IOException {
    java.util.Properties p = new java.util.Properties();
    wsDirs.forEach((k, v) -> p.setProperty(k, v.toString()));
    try (var w = Files.newBufferedWriter(data.resolve("workspaces.properties"))) {
      p.store(w, "indexq workspaces: name = directory");
    }
  }

  /**
   * Disrupts the cluster at evenly spaced points of the workload: kills a worker, stops a broker or
   * a Solr node, and starts it again half a spacing later (the writers keep going meanwhile). Kinds
   * alternate; the random source picks which worker, broker and node.
   */
  private final class Chaos implements Runnable {
    private final Random random;
    private final Progress progress;
    volatile Throwable failure;
    volatile int killsDone;
    volatile int brokerRestartsDone;
    volatile int solrRestartsDone;

    Chaos(Random random, Progress progress) {
      this.random = random;
      this.progress = progress;
    }

    @Override
    public void run() {
      try {
        List<Character> kinds = new ArrayList<>();
        int k = kills;
        int b = brokerRestarts;
        int so = solrRestarts;
        while (k > 0 || b > 0 || so > 0) {
          if (k > 0) {
            kinds.add('k');
            k--;
          }
          if (b > 0) {
            kinds.add('b');
            b--;
          }
          if (so > 0) {
            kinds.add('s');
            so--;
          }
        }
        int d = kinds.size();
        for (int i = 0; i < d; i++) {
          long at = tasks * (i + 1) / (d + 1);
          long back = at + tasks / (2L * (d + 1));
          disrupt(kinds.get(i), at, back);
        }
      } catch (Throwable e) {
        failure = e;
      }
    }

    private void disrupt(char kind, long at, long back) throws Exception {
      long now = progress.awaitAtLeast(at);
      switch (kind) {
        case 'k' -> {
          List<WorkerNode> alive = nodes.stream().filter(WorkerNode::alive).toList();
          WorkerNode n = alive.get(random.nextInt(alive.size()));
          long pid = n.pid();
          n.kill();
          event(now, "kill -9 worker " + n.number + " (pid " + pid + ")");
          now = progress.awaitAtLeast(back);
          n.start();
          if (!n.awaitListening(Duration.ofSeconds(120))) {
            throw new IllegalStateException(
                "worker " + n.number + " did not start again:\n" + n.tail(30));
          }
          event(now, "worker " + n.number + " started again (pid " + n.pid() + ")");
          killsDone++;
        }
        case 'b' -> {
          List<Integer> running = clusters.runningBrokers();
          int id = running.get(random.nextInt(running.size()));
          clusters.stopBroker(id);
          event(now, "broker " + id + " stopped");
          now = progress.awaitAtLeast(back);
          clusters.restartBroker(id);
          event(now, "broker " + id + " started again");
          brokerRestartsDone++;
        }
        default -> {
          List<JettySolrRunner> running = clusters.runningSolrNodes();
          JettySolrRunner j = running.get(random.nextInt(running.size()));
          String name = j.getNodeName();
          clusters.stopSolrNode(j);
          event(now, "Solr node " + name + " stopped");
          now = progress.awaitAtLeast(back);
          clusters.restartSolrNode(j, COLLECTION);
          event(now, "Solr node " + name + " started again, collection whole");
          solrRestartsDone++;
        }
      }
    }

    private void event(long atTasks, String what) {
      synchronized (out) {
        out.printf(
            Locale.ROOT,
            "      [%6.0f ms] at %,d tasks accepted: %s%n",
            steps.elapsedNanos() / 1e6,
            atTasks,
            what);
        out.flush();
      }
    }
  }

  /** Kills the workers, stops the producer and the clusters, deletes the temporary directory. */
  private void cleanUp() {
    if (!cleaned.compareAndSet(false, true)) {
      return;
    }
    boolean graceful = true;
    long t0 = System.nanoTime();
    // writers still running (Ctrl-C): they stop before their files' directory goes
    Workload w = work;
    if (w != null) {
      w.stop();
    }
    long joinUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Thread t : writerThreads) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinUntil - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (WorkerNode n : nodes) {
      if (n.alive()) {
        n.signalStop(); // all at once: they stop in parallel
      }
    }
    for (WorkerNode n : nodes) {
      try {
        graceful &= n.stop(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    IndexingService p = producer;
    if (p != null) {
      graceful &= bounded("the producer", () -> p.shutdown(Duration.ofSeconds(10)), 15);
    }
    // a cluster whose files its kit's own exit hook deleted (Ctrl-C) may hang in close: the JVM's
    // exit stops what is left of it, in this process
    graceful &= bounded("Kafka and SolrCloud", clusters::close, 30);
    if (tmp != null) {
      if (keep) {
        out.println("kept " + tmp);
      } else {
        try {
          DemoSteps.deleteTree(tmp);
        } catch (IOException e) {
          System.err.println("cluster-demo: cannot delete " + tmp + ": " + e);
        }
      }
    }
    out.printf(
        Locale.ROOT,
        "stopped the workers, the producer, Kafka and SolrCloud%s in %.1f s%n",
        graceful ? " (gracefully)" : "",
        (System.nanoTime() - t0) / 1e9);
    out.flush();
  }

  /** Runs {@code r} on a daemon thread and waits at most {@code seconds} for it. */
  private boolean bounded(String what, Runnable r, long seconds) {
    Thread t =
        new Thread(
            () -> {
              try {
                r.run();
              } catch (RuntimeException e) {
                out.println("cluster-demo: stopping " + what + " failed: " + e);
              }
            },
            "cluster-demo-stop");
    t.setDaemon(true);
    t.start();
    try {
      t.join(TimeUnit.SECONDS.toMillis(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      out.println(
          "cluster-demo: "
              + what
              + " did not stop in "
              + seconds
              + " s; this JVM's exit ends what is left of it");
      return false;
    }
    return true;
  }
}
