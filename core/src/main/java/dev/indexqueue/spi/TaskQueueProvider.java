package dev.indexqueue.spi;

import java.util.Map;

/**
 * Creates {@link TaskQueue}s of one kind, found by {@link java.util.ServiceLoader} under a short
 * {@link #name()}. Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface TaskQueueProvider {

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
