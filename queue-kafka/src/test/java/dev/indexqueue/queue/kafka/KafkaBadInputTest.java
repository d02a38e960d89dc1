package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.TaskQueue;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input gets a clear error naming what is wrong, within the configured timeout, never a hang:
 * settings, an unreachable cluster, a missing topic, a wrong partition count, a principal the
 * cluster refuses. (A corrupt record is in {@link KafkaServiceTest}.)
 */
@ExtendWith(SharedCluster.class)
class KafkaBadInputTest {
  private final KafkaTaskQueueProvider provider = new KafkaTaskQueueProvider();

  @Test
  void unreachableBootstrapServersFailWithinTheTimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    Map<String, String> c = new HashMap<>();
    c.put("bootstrapServers", "127.0.0.1:" + port);
    c.put("topic", "t");
    c.put("partitions", "1");
    c.put("timeoutMs", "2000");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> provider.create(c))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bootstrapServers: no Kafka broker answered at 127.0.0.1:" + port)
        .hasMessageContaining("2000 ms (timeoutMs)");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).as("failed after %d ms", ms).isBetween(1_500L, 10_000L);
  }

  @Test
  void aMissingTopicIsRefusedWhenCreatingTopicsIsOff() {
    Map<String, String> c = SharedCluster.get().queueConfig(TestCluster.newTopic("missing"), 2);
    c.put("createTopics", "false");
    assertThatThrownBy(() -> provider.create(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topic: [" + c.get("topic"))
        .hasMessageContaining("does not exist")
        .hasMessageContaining("createTopics is false");
  }

  @Test
  void aTopicWithAnotherPartitionCountIsRefused() throws Exception {
    String topic = TestCluster.newTopic("wrong");
    SharedCluster.get()
        .admin()
        .createTopics(List.of(new NewTopic(topic, 3, (short) 3)))
        .all()
        .get();
    Map<String, String> c = SharedCluster.get().queueConfig(topic, 2);
    c.put("bands", "1");
    assertThatThrownBy(() -> provider.create(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions: the topic '" + topic + "' has 3 partitions")
        .hasMessageContaining("configured with 2");
  }

  @Test
  void aPrincipalTheClusterRefusesGetsANamedError() throws Exception {
    String topic = TestCluster.newTopic("forbidden");
    SharedCluster.get()
        .admin()
        .createAcls(
            List.of(
                new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, topic, PatternType.PREFIXED),
                    new AccessControlEntry(
                        "User:ANONYMOUS", "*", AclOperation.ALL, AclPermissionType.DENY))))
        .all()
        .get();
    Map<String, String> c = SharedCluster.get().queueConfig(topic, 1);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> provider.create(c).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("topic: not authorized for [" + topic)
                    .hasMessageContaining("Describe, Read and Write"));
  }

  @Test
  void settingsAreCheckedAndNamed() {
    Map<String, String> ok = SharedCluster.get().queueConfig("t", 1);
    assertThatThrownBy(() -> provider.create(without(ok, "bootstrapServers")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bootstrapServers: is required");
    assertThatThrownBy(() -> provider.create(with(ok, "topic", "a topic")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topic: must be a Kafka topic name");
    assertThatThrownBy(() -> provider.create(without(ok, "partitions")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("partitions: is required");
    assertThatThrownBy(() -> provider.create(with(ok, "bands", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bands: must be between 1 and 2");
    assertThatThrownBy(() -> provider.create(with(ok, "createTopics", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("createTopics: must be true or false");
    assertThatThrownBy(() -> provider.create(with(ok, "colour", "red")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'colour'")
        .hasMessageContaining("'kafka.'");
    assertThatThrownBy(() -> provider.create(with(ok, "kafka.acks", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.acks: must be all");
    assertThatThrownBy(
            () -> provider.create(with(ok, "kafka.producer.enable.idempotence", "false")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.producer.enable.idempotence: must be true");
    assertThatThrownBy(() -> provider.create(with(ok, "kafka.consumer.group.id", "g")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.consumer.group.id: is set by the kafka queue itself")
        .hasMessageContaining("'group'");
  }

  @Test
  void clientPropertiesPassThroughAndTheirValuesAreNeverShown() {
    String secret = "s3cr3t-" + System.nanoTime();
    Map<String, String> c = SharedCluster.get().queueConfig(TestCluster.newTopic("secret"), 1);
    c.put("kafka.sasl.jaas.config", "x required password=\"" + secret + "\";");
    c.put("kafka.ssl.key.password", secret);
    c.put("kafka.producer.linger.ms", "1");
    try (TaskQueue q = provider.create(c)) {
      assertThat(q.toString())
          .doesNotContain(secret)
          .contains("sasl.jaas.config")
          .contains("producer.linger.ms");
      assertThat(q.append(0, 0, IndexTask.removeFile("ws", "a"), null)).isNotNegative();
    }
    Map<String, String> bad = new HashMap<>(c);
    bad.put("kafka.producer.max.request.size", "not a number");
    assertThatThrownBy(
            () -> {
              try (TaskQueue q = provider.create(bad)) {
                q.append(0, 0, IndexTask.removeFile("ws", "a"), null);
              }
            })
        .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(secret));
  }

  private static Map<String, String> with(Map<String, String> c, String k, String v) {
    Map<String, String> m = new HashMap<>(c);
    m.put(k, v);
    return m;
  }

  private static Map<String, String> without(Map<String, String> c, String k) {
    Map<String, String> m = new HashMap<>(c);
    m.remove(k);
    return m;
  }
}
