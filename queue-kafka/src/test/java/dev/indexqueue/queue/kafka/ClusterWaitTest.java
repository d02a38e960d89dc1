package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.PartitionStatus;
import dev.indexqueue.Role;
import dev.indexqueue.TaskId;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.tck.RecordingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Waiting across nodes on Kafka (docs/DESIGN.md §12.1): services of one JVM that share the topics
 * and one backend storage, as nodes share Kafka and Solr. A producer's tickets reach DURABLE and
 * VISIBLE and its {@code awaitIndexReady} returns while a worker applies the tasks; a node that
 * gives partitions up to another still sees its waits for their tasks complete. Also measures how
 * long such waits take (docs/DESIGN.md §12.1 quotes the figures).
 */
@ExtendWith(SharedCluster.class)
class ClusterWaitTest {
  private static final Duration COMMIT = Duration.ofMillis(200);
  private static final Duration REFRESH = Duration.ofMillis(200);

  private static Map<String, String> config(String topic, int partitions, String client) {
    Map<String, String> c = SharedCluster.get().queueConfig(topic, partitions);
    c.put("kafka.consumer.session.timeout.ms", "6000");
    c.put("kafka.consumer.heartbeat.interval.ms", "500");
    c.put("kafka.consumer.client.id", client);
    c.put("lagRefreshMs", "200");
    return c;
  }

  private static IndexingService service(
      Map<String, String> config, RecordingBackend backend, Role role, int batchSize) {
    return IndexingService.builder()
        .queue("kafka", config)
        .backend(backend)
        .lanes(2)
        .batchSize(batchSize)
        .role(role)
        .commitPolicy(CommitPolicy.of(1_000, COMMIT))
        .refreshInterval(REFRESH)
        .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5))
        .build();
  }

  @Test
  void aProducersTicketsReachEveryStageWhileAWorkerAppliesThem() throws Exception {
    String topic = TestCluster.newTopic("wait");
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend workerBackend = new RecordingBackend(storage);
    try (IndexingService producer =
            service(
                config(topic, 4, "producer"), new RecordingBackend(storage), Role.PRODUCER, 64);
        IndexingService worker =
            service(config(topic, 4, "worker"), workerBackend, Role.WORKER, 64)) {
      List<Ticket> tickets = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        tickets.add(producer.submit(IndexTask.indexFile("ws-" + (i % 10), "f" + i, "v" + i)));
      }
      tickets.add(producer.submit(IndexTask.indexFile("ws-3", "urgent", "u").withPriority(-1)));
      for (Ticket t : tickets) {
        assertThat(t.await(TaskStage.DURABLE, Duration.ofSeconds(60))).isTrue();
        assertThat(t.await(TaskStage.VISIBLE, Duration.ofSeconds(60))).isTrue();
      }
      for (int w = 0; w < 10; w++) {
        assertThat(producer.awaitIndexReady("ws-" + w, Duration.ofSeconds(60))).isTrue();
      }
      for (Ticket t : tickets) {
        assertThat(storage.checkpoint().position(t.id().partition(), t.id().band()))
            .as("%s is committed", t)
            .isGreaterThan(t.id().position());
      }
      workerBackend.assertNoViolations();

      // the latency of a wait on another node, one task at a time (nothing else in flight)
      List<Long> durable = new ArrayList<>();
      List<Long> visible = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        long start = System.nanoTime();
        Ticket t = producer.submit(IndexTask.indexFile("lat", "f" + i, "x" + i));
        var d = t.durable();
        var v = t.visible();
        d.get(60, TimeUnit.SECONDS);
        durable.add((System.nanoTime() - start) / 1_000_000);
        v.get(60, TimeUnit.SECONDS);
        visible.add((System.nanoTime() - start) / 1_000_000);
      }
      Collections.sort(durable);
      Collections.sort(visible);
      System.out.printf(
          "cross-node wait (commit interval %d ms, refresh interval %d ms): submit to DURABLE"
              + " median %d ms, max %d ms; submit to VISIBLE median %d ms, max %d ms%n",
          COMMIT.toMillis(),
          REFRESH.toMillis(),
          durable.get(durable.size() / 2),
          durable.get(durable.size() - 1),
          visible.get(visible.size() / 2),
          visible.get(visible.size() - 1));
    }
  }

  @Test
  void aNodeSeesItsWaitsCompleteForPartitionsItGaveUp() throws Exception {
    String topic = TestCluster.newTopic("handover");
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend aBackend = new RecordingBackend(storage);
    RecordingBackend.Gate gate = aBackend.gate();
    try (IndexingService a = service(config(topic, 4, "node-a"), aBackend, Role.BOTH, 1)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> a.queueStatus().partitions().size() == 4);
      // node a accepts tasks of every partition and waits for them; its lanes apply one task at a
      // time, and only when the test lets them through the gate
      List<Ticket> tickets = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        tickets.add(a.submit(IndexTask.indexFile("ws-" + (i % 16), "f" + i, "v" + i)));
      }
      List<java.util.concurrent.CompletableFuture<Ticket>> durable = new ArrayList<>();
      List<java.util.concurrent.CompletableFuture<Ticket>> visible = new ArrayList<>();
      for (Ticket t : tickets) {
        durable.add(t.durable());
        visible.add(t.visible());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> gate.waiting() > 0);
      // node b joins: the group moves partitions from a to b (a gives a partition up once its
      // batch in flight is done, so the test keeps letting a's lanes through, one task per lane
      // and poll, until b owns partitions); b applies what a had not applied of them
      RecordingBackend bBackend = new RecordingBackend(storage);
      try (IndexingService b = service(config(topic, 4, "node-b"), bBackend, Role.WORKER, 64)) {
        Set<Integer> moved = new TreeSet<>();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> {
                  gate.release(gate.waiting());
                  moved.clear();
                  for (PartitionStatus p : b.queueStatus().partitions()) {
                    moved.add(p.partition());
                  }
                  return !moved.isEmpty();
                });
        gate.open();
        for (int i = 0; i < tickets.size(); i++) {
          assertThat(durable.get(i).get(60, TimeUnit.SECONDS)).isSameAs(tickets.get(i));
          assertThat(visible.get(i).get(60, TimeUnit.SECONDS)).isSameAs(tickets.get(i));
        }
        // a's waits for the tasks b applied can only have completed through the checkpoints
        Set<TaskId> byB = new java.util.HashSet<>();
        for (QueuedTask q : bBackend.log()) {
          byB.add(new TaskId(q.partition(), q.band(), q.position()));
        }
        long waitedAndAppliedByB = tickets.stream().filter(t -> byB.contains(t.id())).count();
        System.out.printf(
            "partitions %s moved to node b; it applied %d of the tasks node a waited for%n",
            moved, waitedAndAppliedByB);
        assertThat(waitedAndAppliedByB).as("node b applied some tasks a waited for").isPositive();
        for (Ticket t : tickets) {
          assertThat(storage.checkpoint().position(t.id().partition(), t.id().band()))
              .isGreaterThan(t.id().position());
        }
        assertThat(a.awaitIndexReady("ws-0", Duration.ofSeconds(60))).isTrue();
        aBackend.assertNoViolations();
      }
    }
  }
}
