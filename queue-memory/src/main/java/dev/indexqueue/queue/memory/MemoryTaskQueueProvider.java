package dev.indexqueue.queue.memory;

import dev.indexqueue.spi.ProviderConfig;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TaskQueueProvider;
import java.util.Map;
import java.util.Set;

/**
 * Provides the bounded in-memory queue under the name {@value #NAME}. Stateless and thread-safe.
 *
 * <p>Settings: {@code capacity} (1–67,108,864; default {@value #DEFAULT_CAPACITY}).
 */
public final class MemoryTaskQueueProvider implements TaskQueueProvider {
  /** The provider's name. */
  public static final String NAME = "memory";

  /** The capacity when none is configured. */
  public static final int DEFAULT_CAPACITY = 65_536;

  private static final Set<String> KEYS = Set.of("capacity");

  /** For {@link java.util.ServiceLoader}. */
  public MemoryTaskQueueProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TaskQueue create(Map<String, String> config) {
    ProviderConfig c = ProviderConfig.of("memory queue", config, KEYS);
    return new MemoryTaskQueue((int) c.longValue("capacity", DEFAULT_CAPACITY, 1, 1 << 26));
  }

  /**
   * Creates a memory queue directly, without the service loader.
   *
   * @param capacity the most unacknowledged tasks it holds
   */
  public static TaskQueue newQueue(int capacity) {
    return new MemoryTaskQueueProvider().create(Map.of("capacity", Integer.toString(capacity)));
  }
}
