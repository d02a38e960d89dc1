package dev.indexqueue.queue.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-process Kafka cluster for tests: 1 controller and 3 brokers (KafkaClusterTestKit; three
 * combined nodes fail and hang on close, see docs/STACK.md), replication factor 3 and {@code
 * min.insync.replicas=2} by default, no automatic topic creation, the standard authorizer with
 * "allow everyone when no ACL matches" (so a test can deny one topic), fast group joins. Not
 * thread-safe to start or stop; its clients are.
 */
final class TestCluster implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final KafkaClusterTestKit kit;
  private final Admin admin;

  private TestCluster(KafkaClusterTestKit kit) {
    this.kit = kit;
    this.admin = kit.admin();
  }

  /** Starts a cluster and waits until its brokers are ready. */
  static TestCluster start() {
    try {
      KafkaClusterTestKit kit =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setNumControllerNodes(1)
                      .setNumBrokerNodes(3)
                      .setCombined(false)
                      .build())
              .setConfigProp("auto.create.topics.enable", "false")
              .setConfigProp("default.replication.factor", "3")
              .setConfigProp("min.insync.replicas", "2")
              .setConfigProp("offsets.topic.replication.factor", "3")
              .setConfigProp("offsets.topic.num.partitions", "3")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("group.min.session.timeout.ms", "1000")
              .setConfigProp(
                  "authorizer.class.name",
                  "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
              .setConfigProp("allow.everyone.if.no.acl.found", "true")
              .build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      return new TestCluster(kit);
    } catch (Exception e) {
      throw new IllegalStateException("the test cluster did not start: " + e, e);
    }
  }

  String bootstrapServers() {
    return kit.bootstrapServers();
  }

  Admin admin() {
    return admin;
  }

  KafkaClusterTestKit kit() {
    return kit;
  }

  /** A topic name no other test uses. */
  static String newTopic(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  /** The settings of a queue on {@code topic} with {@code partitions}. */
  Map<String, String> queueConfig(String topic, int partitions) {
    return new java.util.HashMap<>(
        Map.of(
            "bootstrapServers",
            bootstrapServers(),
            "topic",
            topic,
            "partitions",
            Integer.toString(partitions),
            "timeoutMs",
            "20000"));
  }

  @Override
  public void close() throws Exception {
    admin.close();
    kit.close();
  }
}
