package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * End to end on the Kafka queue: the time to make {@code docs} (default 100,000) distinct ~1 KB
 * documents durable in a fresh Lucene index, through a service with 2 lanes, {@code SUBMITTERS}
 * threads submitting (each its own workspaces), then waiting until every workspace's last ticket is
 * DURABLE. {@code SERVICE_KAFKA} uses the Kafka queue (a fresh topic with 2 partitions on the
 * in-process cluster: 1 controller + 3 brokers, replication factor 3); {@code SERVICE_MEMORY} the
 * memory queue, with the same threads, workspaces and backend.
 *
 * <p>Secondary results (JMH aux counters, per invocation): {@code serviceCpuMs}, the CPU time of
 * the service's threads, its Kafka clients' threads and the submitting threads; {@code
 * clusterCpuMs}, that of every other thread of the JVM: on the Kafka side, the in-process brokers
 * and controller, which share the machine's cores with the service here (in production they run
 * elsewhere); about 0 on the memory side.
 *
 * <p>Why several submitting threads: a Kafka submit returns once the broker acknowledged its record
 * (a network round trip and replication), so one thread submitting in a loop measures the round
 * trip, not the queue; a front end with many request threads is the case the queue serves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class KafkaEndToEndBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE_KAFKA,
    SERVICE_MEMORY
  }

  static final int SUBMITTERS = 16;
  static final int LANES = 2;

  /** The prefix of fork system properties that add a Kafka queue setting (experiments). */
  static final String KAFKA_SETTING = "indexq.bench.kafka.";

  @Param({"SERVICE_KAFKA", "SERVICE_MEMORY"})
  public Impl impl;

  @Param("100000")
  public int docs;

  /**
   * Where the CPU went during one invocation (JMH sums events per iteration of one shot). JMH state
   * of the one benchmark thread; not thread-safe.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    /** CPU ms of the service's threads, its Kafka clients' threads and the submitters. */
    public double serviceCpuMs;

    /** CPU ms of every other thread: the in-process Kafka cluster on the Kafka side. */
    public double clusterCpuMs;

    @Setup(Level.Invocation)
    public void reset() {
      serviceCpuMs = 0;
      clusterCpuMs = 0;
    }
  }

  /** The submitting threads' name prefix. */
  static final String SUBMITTER = "submitter-";

  /**
   * Whether a thread belongs to the measured side: the service's threads (named "indexqueue..."),
   * its Kafka clients' threads (named "... | indexqueue-..." after the queue's client ids), the
   * submitters and the benchmark thread; the rest is the cluster.
   */
  static boolean serviceSide(String thread) {
    return thread.startsWith("indexqueue")
        || thread.contains("| indexqueue")
        || thread.startsWith(SUBMITTER)
        || thread.contains("jmh-worker");
  }

  private Corpus corpus;
  private List<String> workspaces;
  private ExecutorService threads;
  private KafkaCluster cluster;
  private Path dir;
  private IndexingService service;

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(docs, 1024);
    workspaces = Bench.workspaces("ws", SUBMITTERS, LANES);
    AtomicInteger n = new AtomicInteger();
    threads =
        Executors.newFixedThreadPool(
            SUBMITTERS, r -> new Thread(r, SUBMITTER + n.incrementAndGet()));
    if (impl == Impl.SERVICE_KAFKA) {
      cluster = new KafkaCluster();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    threads.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Setup(Level.Invocation)
  public void open() {
    dir = Bench.newDir("kafka-e2e");
    if (impl == Impl.SERVICE_KAFKA) {
      Map<String, String> c = new HashMap<>();
      c.put("bootstrapServers", cluster.bootstrapServers());
      c.put("topic", KafkaCluster.newTopic("e2e"));
      c.put("partitions", Integer.toString(LANES));
      // experiments: -Dindexq.bench.kafka.<key>=<value> in the fork adds a queue setting
      System.getProperties()
          .forEach(
              (k, v) -> {
                if (k.toString().startsWith(KAFKA_SETTING)) {
                  c.put(k.toString().substring(KAFKA_SETTING.length()), v.toString());
                }
              });
      service =
          dev.indexqueue.IndexingService.builder()
              .queue("kafka", c)
              .backend(Bench.lucene(dir.resolve("index")))
              .lanes(LANES)
              .shutdownTimeouts(java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(30))
              .build();
    } else {
      service =
          dev.indexqueue.IndexingService.builder()
              .queue("memory", Map.of("capacity", "65536")) // partitions = lanes
              .backend(Bench.lucene(dir.resolve("index")))
              .lanes(LANES)
              .shutdownTimeouts(java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(30))
              .build();
    }
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    Bench.closeAll(service, null, null, dir);
    service = null;
  }

  @Benchmark
  public long run(Cpu cpu) throws Exception {
    CpuByThread used = CpuByThread.start();
    List<Future<Ticket[]>> fs = new ArrayList<>();
    for (int t = 0; t < SUBMITTERS; t++) {
      int first = t;
      fs.add(
          threads.submit(
              () -> {
                Ticket last = null;
                String ws = workspaces.get(first);
                for (int i = first; i < docs; i += SUBMITTERS) {
                  last = service.submit(IndexTask.indexFile(ws, corpus.path(i), corpus.content(i)));
                }
                return new Ticket[] {last};
              }));
    }
    long s = 0;
    for (Future<Ticket[]> f : fs) {
      Ticket t = f.get()[0];
      if (t != null) {
        s += t.durable().get(10, TimeUnit.MINUTES).sequence();
      }
    }
    double[] ms = used.split(KafkaEndToEndBenchmark::serviceSide);
    cpu.serviceCpuMs = ms[0];
    cpu.clusterCpuMs = ms[1];
    return s;
  }
}
