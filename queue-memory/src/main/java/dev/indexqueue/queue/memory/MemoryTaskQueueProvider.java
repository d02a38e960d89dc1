package dev.indexqueue.queue.memory;

import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.ProviderConfig;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TaskQueueProvider;
import java.util.Map;
import java.util.Set;

/**
 * Provides the bounded in-memory queue under the name {@value #NAME}. Stateless and thread-safe;
 * the queues it creates are safe for many producers and one reader per partition, and bounded by
 * their capacity.
 *
 * <p>Settings: {@code capacity} (1–2<sup>31</sup>; default {@value #DEFAULT_CAPACITY}; over all
 * partitions), {@code partitions} (1–4096; default 1, or the service's lane count when the service
 * builder creates the queue) and {@code bands} (1 or 2; default 2: urgent tasks, priority below 0,
 * get a log of their own per partition).
 */
public final class MemoryTaskQueueProvider implements TaskQueueProvider {
  /** The provider's name. */
  public static final String NAME = "memory";

  /** The capacity when none is configured. */
  public static final int DEFAULT_CAPACITY = 65_536;

  private static final Set<String> KEYS = Set.of("capacity", PARTITIONS, "bands");

  /** For {@link java.util.ServiceLoader}. */
  public MemoryTaskQueueProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TaskQueue create(Map<String, String> config) {
    ProviderConfig c = ProviderConfig.of("memory queue", config, KEYS);
    return new MemoryTaskQueue(
        (int) c.longValue(PARTITIONS, 1, 1, Partitioning.MAX_PARTITIONS),
        (int) c.longValue("bands", 2, 1, 2),
        c.longValue("capacity", DEFAULT_CAPACITY, 1, 1L << 31));
  }

  /**
   * Creates a memory queue directly, without the service loader: one partition, two bands.
   *
   * @param capacity the most unacknowledged tasks it holds
   */
  public static TaskQueue newQueue(int capacity) {
    return newQueue(1, capacity);
  }

  /**
   * Creates a memory queue directly, without the service loader, with two bands.
   *
   * @param partitions the number of partitions
   * @param capacity the most unacknowledged tasks it holds, over all partitions
   */
  public static TaskQueue newQueue(int partitions, int capacity) {
    return new MemoryTaskQueue(partitions, 2, capacity);
  }
}
