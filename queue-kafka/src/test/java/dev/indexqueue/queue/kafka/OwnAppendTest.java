package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A process's own acknowledged appends go straight into its reader's buffer (no fetch), while
 * another process appends to the same partition in between: the reader still gets every offset
 * once, in offset order, each with the task another process would decode from the record.
 */
@ExtendWith(SharedCluster.class)
class OwnAppendTest {
  @Test
  void ownAndForeignAppendsAreReadOnceEachInOffsetOrderAsTheRecordsDecode() throws Exception {
    String topic = TestCluster.newTopic("own");
    Map<String, String> c = SharedCluster.get().queueConfig(topic, 1);
    c.put("bands", "1");
    try (KafkaTaskQueue reader = (KafkaTaskQueue) new KafkaTaskQueueProvider().create(c);
        TaskQueue other = new KafkaTaskQueueProvider().create(c)) {
      Map<Long, IndexTask> appended = new TreeMap<>();
      IndexTask first = IndexTask.indexFile("ws-0", "first.txt", "first");
      appended.put(other.append(0, 0, first, null), first);
      List<QueuedTask> read = new ArrayList<>();
      readAll(reader, read, appended.size()); // starts the reader's poller (every partition)
      for (int i = 0; i < 90; i++) {
        TaskQueue by = i % 3 == 2 ? other : reader;
        // a lone surrogate does not survive UTF-8: the reader must see what the record decodes to
        String content = i % 10 == 5 ? "lone \uD800 surrogate " + i : "content " + i;
        IndexTask t = IndexTask.indexFile("ws-" + (i % 4), "f" + i + ".txt", content);
        appended.put(by.append(0, 0, t, null), t);
        if (i % 7 == 0) {
          readAll(reader, read, appended.size());
        }
      }
      readAll(reader, read, appended.size());
      List<Long> positions = new ArrayList<>();
      for (QueuedTask q : read) {
        positions.add(q.position());
        IndexTask sent = appended.get(q.position());
        assertThat(q.task())
            .as("the task at offset %d", q.position())
            .isEqualTo(TaskCodec.decode(TaskCodec.key(sent.workspace()), TaskCodec.value(sent)));
      }
      assertThat(positions).containsExactlyElementsOf(appended.keySet());
      assertThat(reader.ownAppendsBuffered())
          .as("appends of the reading process taken without a fetch")
          .isPositive();
    }
  }

  /**
   * The reader's process and another one append concurrently (several threads each) while the
   * reader reads in order through a small buffer (so it fills, pauses and refuses own appends) and,
   * as the core does when it follows a predecessor chain, reads single earlier positions out of
   * order (a seek back that drops the buffer): every single read returns exactly its position, and
   * the in-order reads return every appended offset once, in offset order, with its task.
   */
  @Test
  void concurrentOwnAndForeignAppendsWithSeeksBackAreReadExactlyInOffsetOrder() throws Exception {
    String topic = TestCluster.newTopic("own-stress");
    Map<String, String> c = SharedCluster.get().queueConfig(topic, 1);
    c.put("bands", "1");
    c.put("readBufferBytes", Integer.toString(64 << 10));
    int threadsPerProcess = 3;
    int perThread = 150;
    try (KafkaTaskQueue reader = (KafkaTaskQueue) new KafkaTaskQueueProvider().create(c);
        TaskQueue other = new KafkaTaskQueueProvider().create(c)) {
      assertThat(reader.read(0, 0, 0, 1)).isEmpty(); // starts the reader's poller
      Map<Long, IndexTask> appended = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2 * threadsPerProcess);
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      String pad = "x".repeat(700);
      for (int t = 0; t < 2 * threadsPerProcess; t++) {
        TaskQueue by = t % 2 == 0 ? reader : other;
        int thread = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    IndexTask task =
                        IndexTask.indexFile(
                            "ws-" + thread, "f" + i + ".txt", "content " + i + " " + pad);
                    long pos = by.append(0, 0, task, null);
                    assertThat(pos).isNotNegative();
                    appended.put(pos, task);
                  }
                  return null;
                }));
      }
      int total = 2 * threadsPerProcess * perThread;
      java.util.Random random = new java.util.Random(42);
      List<QueuedTask> read = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      int singles = 0;
      while (read.size() < total && System.nanoTime() < deadline) {
        long from = read.isEmpty() ? 0 : read.get(read.size() - 1).position() + 1;
        List<QueuedTask> got = reader.read(0, 0, from, 1 + random.nextInt(40));
        for (QueuedTask q : got) {
          assertThat(q.position()).as("in-order read from %d", from).isGreaterThanOrEqualTo(from);
          from = q.position() + 1;
        }
        read.addAll(got);
        if (got.isEmpty()) {
          long next = from;
          Awaitility.await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(2))
              .until(() -> reader.endPosition(0, 0) > next);
        }
        if (!read.isEmpty() && random.nextInt(4) == 0) {
          // a predecessor read: one earlier position, out of order
          long pos = read.get(random.nextInt(read.size())).position();
          List<QueuedTask> one = reader.read(0, 0, pos, 1);
          assertThat(one).as("single read of %d", pos).hasSize(1);
          assertThat(one.get(0).position()).as("single read of %d", pos).isEqualTo(pos);
          assertThat(one.get(0).task()).isEqualTo(appended.get(pos));
          singles++;
        }
      }
      for (java.util.concurrent.Future<?> f : fs) {
        f.get(1, TimeUnit.MINUTES);
      }
      pool.shutdown();
      List<Long> positions = new ArrayList<>();
      for (QueuedTask q : read) {
        positions.add(q.position());
        assertThat(q.task())
            .as("the task at offset %d", q.position())
            .isEqualTo(appended.get(q.position()));
      }
      assertThat(positions).containsExactlyElementsOf(new TreeMap<>(appended).keySet());
      assertThat(singles).isPositive();
    }
  }

  /** Reads partition 0 on from where {@code read} ends until it holds {@code n} tasks. */
  private static void readAll(TaskQueue q, List<QueuedTask> read, int n) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              long from = read.isEmpty() ? 0 : read.get(read.size() - 1).position() + 1;
              read.addAll(q.read(0, 0, from, 1000));
              return read.size() >= n;
            });
  }
}
