package dev.indexqueue.queue.kafka;

import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TaskQueueProvider;
import java.util.Map;

/**
 * Provides the task log on an Apache Kafka cluster under the name {@value #NAME}. Stateless and
 * thread-safe; the queues it creates are safe for many producers, one reader per partition and a
 * concurrent acknowledging thread, as the SPI asks.
 *
 * <p>Settings (see the module's README for the whole story):
 *
 * <ul>
 *   <li>{@code bootstrapServers} (required): the cluster, as Kafka's {@code bootstrap.servers}.
 *   <li>{@code topic} (required): the normal band's topic; with two bands the urgent band's topic
 *       is {@code <topic>-urgent}, with the same partitions.
 *   <li>{@code partitions} (1–4096): the topics' partition count; the service builder sets it to
 *       its lane count when absent. Used when the topics are created; an existing topic with
 *       another count is refused with a message naming both.
 *   <li>{@code bands} (1 or 2, default 2): 2 gives urgent tasks (priority below 0) a topic of their
 *       own, read ahead of any backlog.
 *   <li>{@code replicationFactor} (default -1: the brokers' {@code default.replication.factor}):
 *       used when the topics are created.
 *   <li>{@code createTopics} ({@code true} or {@code false}, default true): create missing topics;
 *       when false a missing topic is refused.
 *   <li>{@code group} (default {@code indexqueue-<topic>}): the consumer group of the workers.
 *   <li>{@code capacity} (default {@value KafkaQueueSettings#DEFAULT_CAPACITY}): the most
 *       unacknowledged tasks (the group's lag, over all partitions) a producer lets in before
 *       {@code append} reports the queue full.
 *   <li>{@code timeoutMs} (default 30,000): the longest the queue waits for the cluster when it
 *       opens (an unreachable cluster fails within it), and the producer's default {@code
 *       max.block.ms}.
 *   <li>{@code readBufferBytes} (default 32 MiB): the records the consumer holds for the lanes,
 *       over all partitions this process owns.
 *   <li>{@code lagRefreshMs} (default 1,000): how often the logs' ends and the group's committed
 *       offsets are read from the cluster for {@code size()}.
 *   <li>{@code kafka.<property>}: a Kafka client property for every client (SASL, TLS, ...), passed
 *       through untouched; {@code kafka.producer.<property>}, {@code kafka.consumer.<property>} and
 *       {@code kafka.admin.<property>} for one client. The properties the queue's guarantees rest
 *       on are refused ({@code acks} other than {@code all}, {@code enable.idempotence=false},
 *       serializers, {@code group.id}, {@code enable.auto.commit}, ...). Their values never appear
 *       in {@code toString} or the queue's own logs.
 * </ul>
 */
public final class KafkaTaskQueueProvider implements TaskQueueProvider {
  /** The provider's name. */
  public static final String NAME = "kafka";

  /** For {@link java.util.ServiceLoader}. */
  public KafkaTaskQueueProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Opens the queue: checks the settings, creates the topics when absent (and allowed), checks
   * their partition counts and reads the logs' offsets and the group's committed offsets.
   *
   * @throws IllegalArgumentException naming the setting when one is unknown or invalid, when a
   *     topic is missing and {@code createTopics} is false, or when a topic has another partition
   *     count
   * @throws IllegalStateException when the cluster does not answer within {@code timeoutMs}, or
   *     refuses the queue's principal
   */
  @Override
  public TaskQueue create(Map<String, String> config) {
    return new KafkaTaskQueue(KafkaQueueSettings.parse(config));
  }
}
