package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.tck.NullBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
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
 * Suite 1, submit: how fast producers hand tasks over, with nothing indexed.
 *
 * <p>Workload: each operation builds one {@code INDEX_FILE} task (a fresh {@link IndexTask}, as a
 * caller would, path and ~200 B content from the shared {@link Corpus}) and hands it over, from 1
 * ({@code p1}) or 4 ({@code p4}) producer threads. Implementations ({@link Impl}):
 *
 * <ul>
 *   <li>{@code MEMORY_SERVICE}: {@link IndexingService#submit} with the memory queue (capacity
 *       65,536, BLOCK), one lane, a backend that does nothing;
 *   <li>{@code ABQ}: {@link ArrayBlockingQueue#put} (capacity 65,536) drained by one consumer
 *       thread in chunks of 256: the hand-written baseline;
 *   <li>{@code CHRONICLE_SERVICE}: {@link IndexingService#submit} with the Chronicle queue (default
 *       BATCH sync and roll cycle), one lane, a backend that does nothing;
 *   <li>{@code RAW_CHRONICLE}: a raw Chronicle appender per thread writing the same record bytes
 *       (the queue's binary layout: header, UTF-8 fields, position, CRC32C), no reader.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SubmitBenchmark -jvmArgsAppend "$(cat
 * benchmarks/target/classes/indexq-jvm.options)"} (the ratio runner passes the JVM options itself).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SubmitBenchmark {
  /** The implementation measured. */
  public enum Impl {
    MEMORY_SERVICE,
    ABQ,
    CHRONICLE_SERVICE,
    RAW_CHRONICLE
  }

  static final int POOL = 1024;
  static final int CONTENT_BYTES = 200;

  @Param({"MEMORY_SERVICE", "ABQ", "CHRONICLE_SERVICE", "RAW_CHRONICLE"})
  public Impl impl;

  private String[] paths;
  private String[] contents;
  private Path dir;
  private IndexingService service;
  private ArrayBlockingQueue<IndexTask> abq;
  private Thread consumer;
  private volatile boolean running;
  private ChronicleQueue raw;
  private final List<ExcerptAppender> appenders = new ArrayList<>();

  /** Per producer thread: its position in the pool, its appender and encoder. */
  @State(Scope.Thread)
  public static class Producer {
    int next;
    ExcerptAppender appender;
    final byte[] buf = new byte[4096];
    final CRC32C crc = new CRC32C();
    long position;
  }

  @Setup(Level.Trial)
  public void setUp() {
    Corpus c = Corpus.load(POOL, CONTENT_BYTES);
    paths = new String[POOL];
    contents = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      paths[i] = c.path(i);
      contents[i] = c.content(i);
    }
    switch (impl) {
      case MEMORY_SERVICE ->
          service = Bench.service(Bench.memoryQueue(65_536), new NullBackend(), 1).build();
      case CHRONICLE_SERVICE -> {
        dir = Bench.newDir("submit");
        service = Bench.service(Bench.chronicleQueue(dir), new NullBackend(), 1).build();
      }
      case ABQ -> {
        abq = new ArrayBlockingQueue<>(65_536);
        running = true;
        consumer = new Thread(this::drain, "abq-consumer");
        consumer.setDaemon(true);
        consumer.start();
      }
      case RAW_CHRONICLE -> {
        dir = Bench.newDir("raw-chronicle");
        raw = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_HOURLY).build();
      }
    }
  }

  private void drain() {
    List<IndexTask> chunk = new ArrayList<>(256);
    long seen = 0;
    while (running) {
      try {
        IndexTask first = abq.poll(10, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        chunk.add(first);
        abq.drainTo(chunk, 255);
        seen += chunk.size();
        chunk.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
    if (seen < 0) {
      throw new AssertionError();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (service != null) {
      service.close();
    }
    if (consumer != null) {
      running = false;
      consumer.join();
    }
    synchronized (appenders) {
      for (ExcerptAppender a : appenders) {
        a.close();
      }
      appenders.clear();
    }
    if (raw != null) {
      raw.close();
    }
    Bench.delete(dir);
  }

  /** One producer. */
  @Benchmark
  @Threads(1)
  public long p1(Producer p) throws InterruptedException {
    return submit(p);
  }

  /** Four producers. */
  @Benchmark
  @Threads(4)
  public long p4(Producer p) throws InterruptedException {
    return submit(p);
  }

  private long submit(Producer p) throws InterruptedException {
    int i = p.next++ & (POOL - 1);
    IndexTask task = IndexTask.indexFile("bench", paths[i], contents[i]);
    switch (impl) {
      case MEMORY_SERVICE, CHRONICLE_SERVICE -> {
        return service.submit(task).sequence();
      }
      case ABQ -> {
        abq.put(task);
        return 0;
      }
      default -> {
        return appendRaw(p, task);
      }
    }
  }

  /** What a hand-written Chronicle producer does: encode the task, append it. */
  private long appendRaw(Producer p, IndexTask task) {
    if (p.appender == null) {
      p.appender = raw.createAppender();
      synchronized (appenders) {
        appenders.add(p.appender);
      }
    }
    int n = encode(p, task);
    try (DocumentContext dc = p.appender.writingDocument()) {
      dc.wire().bytes().write(p.buf, 0, n);
    }
    return n;
  }

  /** The queue's record layout (see queue-chronicle's TaskRecord): same bytes, same checksum. */
  private static int encode(Producer p, IndexTask t) {
    byte[] ws = t.workspace().getBytes(StandardCharsets.UTF_8);
    byte[] path = t.path().getBytes(StandardCharsets.UTF_8);
    byte[] content = t.content().getBytes(StandardCharsets.UTF_8);
    byte[] b = p.buf;
    int q = 0;
    b[q++] = 1;
    b[q++] = (byte) (t.type() == IndexTaskType.INDEX_FILE ? 1 : 2);
    q = putInt(b, q, t.priority());
    q = putLong(b, q, t.timestamp().getEpochSecond());
    q = putInt(b, q, t.timestamp().getNano());
    b[q++] = (byte) ws.length;
    b[q++] = (byte) (ws.length >>> 8);
    System.arraycopy(ws, 0, b, q, ws.length);
    q += ws.length;
    q = putInt(b, q, path.length);
    System.arraycopy(path, 0, b, q, path.length);
    q += path.length;
    q = putInt(b, q, content.length);
    System.arraycopy(content, 0, b, q, content.length);
    q += content.length;
    q = putLong(b, q, p.position++);
    p.crc.reset();
    p.crc.update(b, 0, q);
    return putInt(b, q, (int) p.crc.getValue());
  }

  private static int putInt(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
    b[p + 2] = (byte) (v >>> 16);
    b[p + 3] = (byte) (v >>> 24);
    return p + 4;
  }

  private static int putLong(byte[] b, int p, long v) {
    putInt(b, p, (int) v);
    return putInt(b, p + 4, (int) (v >>> 32));
  }
}
