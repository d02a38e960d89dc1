package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Role;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.tck.MapWorkspaceSource;
import dev.indexqueue.tck.RecordingBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queue under a real service, as a member of a consumer group: tasks applied in order, the
 * group's offsets committed after backend commits (so Kafka's tools show the lag), the urgent band,
 * two services sharing the partitions, roles, retention gaps and corrupt records.
 */
@ExtendWith(SharedCluster.class)
class KafkaServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Map<String, String> config(String topic, int partitions) {
    Map<String, String> c = SharedCluster.get().queueConfig(topic, partitions);
    c.put("kafka.consumer.session.timeout.ms", "6000");
    c.put("kafka.consumer.heartbeat.interval.ms", "500");
    return c;
  }

  private static IndexingService service(
      Map<String, String> config, RecordingBackend backend, int lanes, Role role) {
    return IndexingService.builder()
        .queue("kafka", config)
        .backend(backend)
        .lanes(lanes)
        .role(role)
        .workspaceSource(new MapWorkspaceSource().put("ws-a", "restored.txt", "from the files"))
        .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5))
        .build();
  }

  @Test
  void appliesInOrderAndCommitsTheGroupsOffsets() throws Exception {
    String topic = TestCluster.newTopic("svc");
    Map<String, String> c = config(topic, 4);
    RecordingBackend backend = new RecordingBackend();
    List<Ticket> tickets = new ArrayList<>();
    try (IndexingService s = service(c, backend, 2, Role.BOTH)) {
      for (int i = 0; i < 200; i++) {
        String ws = "ws-" + (i % 7);
        tickets.add(s.submit(IndexTask.indexFile(ws, "f" + i, "content " + i)));
      }
      for (Ticket t : tickets) {
        t.durable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      backend.assertNoViolations();
      // the ticket's id is the record's (partition, offset)
      Ticket last = tickets.get(tickets.size() - 1);
      assertThat(last.id().partition()).isEqualTo(Partitioning.partitionOf(last.workspace(), 4));
      // after each backend commit the group's offsets are committed: Kafka's tools see no lag
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    SharedCluster.get()
                        .admin()
                        .listConsumerGroupOffsets("indexqueue-" + topic)
                        .partitionsToOffsetAndMetadata()
                        .get();
                long sum = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                  if (e.getKey().topic().equals(topic)) {
                    sum += e.getValue().offset();
                  }
                }
                assertThat(sum).as("committed offsets of %s", topic).isEqualTo(200);
              });
      assertThat(s.queueStatus().queueSize()).as("lag").isZero();
    }
    assertThat(backend.log()).hasSize(200);
  }

  @Test
  void urgentTasksUseTheUrgentTopicAndKeepTheirWorkspacesOrder() throws Exception {
    String topic = TestCluster.newTopic("urgent");
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService s = service(config(topic, 2), backend, 1, Role.BOTH)) {
      List<Ticket> tickets = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        tickets.add(s.submit(IndexTask.indexFile("ws-u", "f" + (i % 3), "n" + i)));
      }
      Ticket urgent = s.submit(IndexTask.indexFile("ws-u", "f0", "urgent").withPriority(-5));
      assertThat(urgent.id().band()).as("urgent band").isEqualTo(1);
      long t0 = System.nanoTime();
      urgent.visible().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      System.out.printf("urgent task visible after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      for (Ticket t : tickets) {
        t.visible().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      backend.assertNoViolations();
      assertThat(backend.contents("ws-u")).containsEntry("f0", "urgent");
    }
    assertThat(
            SharedCluster.get()
                .admin()
                .describeTopics(List.of(topic + "-urgent"))
                .allTopicNames()
                .get()
                .get(topic + "-urgent")
                .partitions())
        .hasSize(2);
  }

  @Test
  void twoWorkersShareThePartitionsAndOneHandsItsOverOnClose() throws Exception {
    String topic = TestCluster.newTopic("share");
    Map<String, String> c = config(topic, 4);
    RecordingBackend b1 = new RecordingBackend();
    RecordingBackend b2 = new RecordingBackend();
    IndexingService producer = service(c, new RecordingBackend(), 1, Role.PRODUCER);
    IndexingService w1 = service(c, b1, 2, Role.WORKER);
    IndexingService w2 = service(c, b2, 2, Role.WORKER);
    try {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  w1.queueStatus().partitions().size() + w2.queueStatus().partitions().size() == 4
                      && !w1.queueStatus().partitions().isEmpty()
                      && !w2.queueStatus().partitions().isEmpty());
      for (int i = 0; i < 300; i++) {
        producer.submit(IndexTask.indexFile("ws-" + (i % 11), "f" + i, "c" + i));
        if (i == 150) {
          w2.close(); // drains, commits, leaves: w1 gets its partitions from the group's offsets
        }
      }
      await().atMost(WAIT).until(() -> b1.log().size() + b2.log().size() >= 300);
      java.util.Set<dev.indexqueue.TaskId> ids = new java.util.HashSet<>();
      for (QueuedTask t : b1.log()) {
        ids.add(t.id());
      }
      for (QueuedTask t : b2.log()) {
        ids.add(t.id());
      }
      assertThat(ids).as("every task applied once, by one worker or the other").hasSize(300);
      assertThat(b1.log().size() + b2.log().size()).isEqualTo(300);
      assertThat(b2.log()).as("w2 worked before it left").isNotEmpty();
      assertThat(w1.queueStatus().partitions()).hasSize(4);
      b1.assertNoViolations();
      b2.assertNoViolations();
    } finally {
      w2.close();
      w1.close();
      producer.close();
    }
  }

  @Test
  void aRetentionGapIsReportedAndTheDeadLettersReindexTheWorkspaces() throws Exception {
    String topic = TestCluster.newTopic("retention");
    Map<String, String> c = config(topic, 1);
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    try (IndexingService s = service(c, new RecordingBackend(storage), 1, Role.BOTH)) {
      s.submit(IndexTask.indexFile("ws-a", "a.txt", "one")).durable().get(60, TimeUnit.SECONDS);
    }
    // more tasks arrive while no worker runs, and retention deletes some of them
    long end;
    try (TaskQueue q = new KafkaTaskQueueProvider().create(c)) {
      for (int i = 0; i < 5; i++) {
        q.append(0, 0, IndexTask.indexFile("ws-a", "gone" + i + ".txt", "lost"), null);
      }
      end = q.endPosition(0, 0);
    }
    long deleteBefore = end - 2; // 3 of the 5 tasks are deleted unapplied
    SharedCluster.get()
        .admin()
        .deleteRecords(
            Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(deleteBefore)))
        .all()
        .get();
    RecordingBackend b = new RecordingBackend(storage);
    try (IndexingService s = service(c, b, 1, Role.BOTH)) {
      await().atMost(WAIT).until(() -> s.deadLetters().count() > 0);
      List<DeadLetter> letters = s.deadLetters().list();
      assertThat(letters).hasSize(1);
      DeadLetter l = letters.get(0);
      assertThat(l.task().type()).isEqualTo(IndexTaskType.REINDEX_WORKSPACE);
      assertThat(l.task().workspace()).isEqualTo("ws-a");
      assertThat(l.id().position()).isEqualTo(1);
      assertThat(l.error()).contains("partition 0").contains("positions 1 to 3");
      // the two tasks still held are applied; the way back is the dead letters' replay
      await().atMost(WAIT).until(() -> b.log().size() == 2);
      for (Ticket t : s.deadLetters().replay()) {
        t.visible().get(60, TimeUnit.SECONDS);
      }
      assertThat(b.contents("ws-a")).isEqualTo(Map.of("restored.txt", "from the files"));
    }
  }

  @Test
  void aCorruptRecordIsDeadLetteredWithItsPartitionAndOffset() throws Exception {
    String topic = TestCluster.newTopic("corrupt");
    Map<String, String> c = config(topic, 1);
    RecordingBackend backend = new RecordingBackend();
    try (IndexingService s = service(c, backend, 1, Role.BOTH)) {
      s.submit(IndexTask.indexFile("ws-a", "a.txt", "one")).durable().get(60, TimeUnit.SECONDS);
      RecordMetadata m;
      try (KafkaProducer<byte[], byte[]> raw =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", SharedCluster.get().bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        m =
            raw.send(new ProducerRecord<>(topic, 0, "ws-b".getBytes(), "not a task".getBytes()))
                .get();
      }
      await().atMost(WAIT).until(() -> s.deadLetters().count() == 1);
      DeadLetter l = s.deadLetters().list().get(0);
      assertThat(l.id().partition()).isZero();
      assertThat(l.id().position()).isEqualTo(m.offset());
      assertThat(l.task().type()).isEqualTo(IndexTaskType.REINDEX_WORKSPACE);
      assertThat(l.task().workspace()).isEqualTo("ws-b");
      assertThat(l.error()).contains("offset " + m.offset()).contains("not an IndexQueue task");
      // the corrupt record ends the log: the lane does not wait for a task there
      Ticket after = s.submit(IndexTask.indexFile("ws-a", "b.txt", "two"));
      after.durable().get(60, TimeUnit.SECONDS);
      assertThat(after.id().position()).isEqualTo(m.offset() + 1);
    }
    assertThat(backend.log()).extracting(QueuedTask::position).containsExactly(0L, 2L);
  }

  @Test
  void theTaskRoundTripsThroughTheRecordFormat() throws Exception {
    IndexTask t =
        new IndexTask(
            IndexTaskType.INDEX_FILE,
            "ws.x_y-1",
            "dir/ü/f.txt",
            "line one\nzwei ✓",
            -3,
            Instant.parse("2026-01-02T03:04:05.123456789Z"));
    assertThat(TaskCodec.decode(TaskCodec.key(t.workspace()), TaskCodec.value(t))).isEqualTo(t);
    IndexTask w = IndexTask.reindexWorkspace("ws");
    assertThat(TaskCodec.decode(TaskCodec.key("ws"), TaskCodec.value(w))).isEqualTo(w);
  }

  /**
   * A submit whose task is never acknowledged while the service shuts down: here the producer holds
   * the record for 10 minutes before sending it ({@code linger.ms}), as it holds one a cluster does
   * not answer until its delivery timeout. The shutdown does not wait for that submit past its
   * grace, and closing the queue fails the submit at once, saying the task may still be appended.
   * Before, the shutdown waited for the submit as long as Kafka did.
   */
  @Test
  @Timeout(90)
  void aShutdownDoesNotWaitForASubmitTheClusterDoesNotAcknowledge() throws Exception {
    Map<String, String> c = config(TestCluster.newTopic("unacknowledged"), 1);
    c.put("bands", "1");
    c.put("kafka.producer.linger.ms", "600000");
    c.put("kafka.producer.delivery.timeout.ms", "700000");
    IndexingService service =
        IndexingService.builder()
            .queue("kafka", c)
            .backend(new RecordingBackend())
            .role(Role.PRODUCER)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1))
            .build();
    CompletableFuture<Ticket> submitted = new CompletableFuture<>();
    Thread submitter =
        new Thread(
            () -> {
              try {
                submitted.complete(
                    service.submit(IndexTask.indexFile("ws", "a.txt", "never acknowledged")));
              } catch (RuntimeException e) {
                submitted.completeExceptionally(e);
              }
            },
            "unacknowledged-submitter");
    submitter.start();
    // the submit waits in the queue's append for the broker's acknowledgement
    await()
        .atMost(WAIT)
        .until(
            () ->
                Arrays.stream(submitter.getStackTrace())
                    .anyMatch(f -> f.getClassName().endsWith("FutureRecordMetadata")));

    ShutdownReport report = service.shutdown(Duration.ofMillis(100));

    assertThat(submitted)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class)
        .withMessageContaining("was closed while a task of workspace ws waited for the broker's")
        .withMessageContaining("it may still be appended");
    assertThat(report.accepted()).isZero();
    submitter.join();
  }
}
