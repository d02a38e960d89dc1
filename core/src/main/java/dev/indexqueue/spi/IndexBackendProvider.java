package dev.indexqueue.spi;

import java.util.Map;

/**
 * Creates {@link IndexBackend}s of one kind, found by {@link java.util.ServiceLoader} under a short
 * {@link #name()}. Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface IndexBackendProvider {

  /** The short name users pick this backend by, such as {@code lucene}. */
  String name();

  /**
   * Creates a backend.
   *
   * @param config settings by name (each provider documents its own); unknown keys are an error
   * @throws IllegalArgumentException naming the key when a setting is unknown or invalid
   */
  IndexBackend create(Map<String, String> config);
}
