package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Role;
import dev.indexqueue.tck.NullBackend;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Submit throughput on the Kafka queue, 4 producer threads, against the in-process cluster (1
 * controller + 3 brokers, replication factor 3): {@code KAFKA_SERVICE} submits through a PRODUCER
 * service (each submit returns once the broker acknowledged the record); {@code RAW_PRODUCER} sends
 * a record of the same size with a raw {@link KafkaProducer} with the same settings (idempotent,
 * {@code acks=all}, {@code linger.ms=0}) and waits for its acknowledgement, as a submit does. Each
 * thread writes its own workspaces (key), spread over 4 partitions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class KafkaSubmitBenchmark {
  /** The implementation measured. */
  public enum Impl {
    KAFKA_SERVICE,
    RAW_PRODUCER
  }

  static final int PARTITIONS = 4;

  @Param({"KAFKA_SERVICE", "RAW_PRODUCER"})
  public Impl impl;

  private KafkaCluster cluster;
  private IndexingService service;
  private KafkaProducer<byte[], byte[]> raw;
  private String topic;
  private Corpus corpus;
  private final AtomicInteger threads = new AtomicInteger();

  /** Per producer thread: its workspaces and a counter. */
  @State(Scope.Thread)
  public static class Producer {
    String[] workspaces;
    int i;

    @Setup(Level.Trial)
    public void setUp(KafkaSubmitBenchmark b) {
      int t = b.threads.getAndIncrement();
      workspaces = new String[] {"ws-" + t + "-a", "ws-" + t + "-b", "ws-" + t + "-c"};
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    corpus = Corpus.load(10_000, 200);
    cluster = new KafkaCluster();
    topic = KafkaCluster.newTopic("submit");
    Map<String, String> config = new HashMap<>();
    config.put("bootstrapServers", cluster.bootstrapServers());
    config.put("topic", topic);
    config.put("partitions", Integer.toString(PARTITIONS));
    config.put("bands", "1");
    // the service creates the topic in both cases; the raw producer then writes to it
    service =
        IndexingService.builder()
            .queue("kafka", config)
            .backend(new NullBackend())
            .role(Role.PRODUCER)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5))
            .build();
    if (impl == Impl.RAW_PRODUCER) {
      Map<String, Object> p = new HashMap<>();
      p.put("bootstrap.servers", cluster.bootstrapServers());
      p.put("acks", "all");
      p.put("enable.idempotence", true);
      p.put("linger.ms", 0);
      p.put("max.request.size", (16 << 20) + (64 << 10));
      raw = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (raw != null) {
      raw.close();
    }
    service.close();
    cluster.close();
  }

  /** The same bytes as the queue's record: version, type, priority, timestamp, path, content. */
  static byte[] recordValue(String path, String content) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 1 + 4 + 8 + 4 + 4 + p.length + 4 + c.length)
        .put((byte) 1)
        .put((byte) 0)
        .putInt(0)
        .putLong(System.currentTimeMillis() / 1000)
        .putInt(0)
        .putInt(p.length)
        .put(p)
        .putInt(c.length)
        .put(c)
        .array();
  }

  private long one(Producer p) throws Exception {
    int i = p.i++;
    String ws = p.workspaces[i % p.workspaces.length];
    String path = corpus.path(i % 10_000);
    String content = corpus.content(i % 10_000);
    if (impl == Impl.KAFKA_SERVICE) {
      return service.submit(IndexTask.indexFile(ws, path, content)).id().position();
    }
    byte[] key = ws.getBytes(StandardCharsets.UTF_8);
    int partition = dev.indexqueue.spi.Partitioning.partitionOf(ws, PARTITIONS);
    return raw.send(new ProducerRecord<>(topic, partition, key, recordValue(path, content)))
        .get()
        .offset();
  }

  @Benchmark
  @Threads(4)
  public long p4(Producer p) throws Exception {
    return one(p);
  }
}
