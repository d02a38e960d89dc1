package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.tck.RecordingBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partition leader stops while four producers submit: every accepted task is applied, each
 * workspace's tasks in acceptance order, none twice. The idempotent producer (acks=all, replication
 * factor 3, min.insync.replicas 2) rides over the leader election. Its own cluster: it stops a
 * broker.
 */
class BrokerStopTest {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aLeaderStopsWhileFourProducersSubmit() throws Exception {
    String topic = TestCluster.newTopic("broker-stop");
    int producers = 4;
    int perProducer = 250;
    RecordingBackend backend = new RecordingBackend();
    Map<String, String> config = cluster.queueConfig(topic, 2);
    List<Ticket> accepted = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch halfway = new CountDownLatch(producers);
    int stopped;
    try (IndexingService s =
        IndexingService.builder()
            .queue("kafka", config)
            .backend(backend)
            .lanes(2)
            .coalescing(false)
            .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(producers);
      List<Future<?>> fs = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i++) {
                    String ws = "p" + producer + "-ws" + (i % 3);
                    try {
                      accepted.add(s.submit(IndexTask.indexFile(ws, "f" + i, producer + ":" + i)));
                    } catch (RuntimeException e) {
                      failures.add(e);
                    }
                    if (i == perProducer / 4) {
                      halfway.countDown();
                    }
                  }
                }));
      }
      halfway.await();
      stopped =
          cluster
              .admin()
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .get(0)
              .leader()
              .id();
      cluster.kit().brokers().get(stopped).shutdown();
      for (Future<?> f : fs) {
        f.get(3, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertThat(failures).as("submits that failed").isEmpty();
      for (Ticket t : accepted) {
        t.durable().get(2, TimeUnit.MINUTES);
      }
    }
    assertThat(accepted).hasSize(producers * perProducer);
    backend.assertNoViolations();
    // 0 lost, 0 twice: the applied log holds exactly the accepted tasks
    assertThat(backend.log()).extracting(QueuedTask::id).doesNotHaveDuplicates();
    assertThat(backend.log())
        .extracting(QueuedTask::id)
        .containsExactlyInAnyOrderElementsOf(accepted.stream().map(Ticket::id).toList());
    // 0 reordered: per workspace, the applied contents are the submitted sequence
    Map<String, List<Integer>> byWorkspace = new TreeMap<>();
    for (QueuedTask q : backend.log()) {
      byWorkspace
          .computeIfAbsent(q.task().workspace(), k -> new ArrayList<>())
          .add(Integer.parseInt(q.task().content().split(":")[1]));
    }
    for (Map.Entry<String, List<Integer>> e : byWorkspace.entrySet()) {
      assertThat(e.getValue()).as("order of %s", e.getKey()).isSorted();
    }
    System.out.printf(
        "broker %d (leader of partition 0) stopped mid-run: %d tasks accepted and applied, in"
            + " order%n",
        stopped, accepted.size());
  }
}
