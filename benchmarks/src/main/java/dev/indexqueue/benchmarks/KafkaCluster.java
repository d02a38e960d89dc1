package dev.indexqueue.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The in-process Kafka cluster the Kafka benchmarks run against: 1 controller and 3 brokers
 * (KafkaClusterTestKit), replication factor 3 and {@code min.insync.replicas=2}, as the module's
 * tests use. In the benchmark's own fork, so both sides of a ratio share its CPU. Not thread-safe
 * to start or close.
 */
final class KafkaCluster implements AutoCloseable {
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private final KafkaClusterTestKit kit;

  KafkaCluster() {
    try {
      kit =
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
              .build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("the Kafka cluster did not start: " + e, e);
    }
  }

  String bootstrapServers() {
    return kit.bootstrapServers();
  }

  static String newTopic(String prefix) {
    return prefix + "-" + TOPICS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }
}
