package dev.indexqueue.spi;

import java.util.Map;

/**
 * Creates {@link TaskQueue}s of one kind, found by {@link java.util.ServiceLoader} under a short
 * {@link #name()}. Implementations must be thread-safe and have a public no-argument constructor.
 *
 * <p>The key {@value #PARTITIONS} is reserved: every provider understands it as the number of
 * partitions (1 to {@value Partitioning#MAX_PARTITIONS}). The service builder sets it to the
 * service's lane count when the user's settings lack it. A provider whose partitions are fixed
 * elsewhere (an existing Kafka topic) checks it against them and refuses a mismatch with a message
 * naming both.
 */
public interface TaskQueueProvider {

  /** The reserved setting: the number of partitions. */
  String PARTITIONS = "partitions";

  /** The short name users pick this queue by, such as {@code memory} or {@code chronicle}. */
  String name();

  /**
   * Creates a queue.
   *
   * @param config settings by name (each provider documents its own); unknown keys are an error
   * @throws IllegalArgumentException naming the key when a setting is unknown or invalid
   */
  TaskQueue create(Map<String, String> config);
}
