package dev.indexqueue.examples.custom;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexBackendProvider;
import java.util.Map;

/**
 * Registers {@link GrepBackend} under the name {@value #NAME} through {@code
 * META-INF/services/dev.indexqueue.spi.IndexBackendProvider}, so that {@code
 * IndexingService.builder().backend("grep", Map.of())} finds it. Stateless and thread-safe; it
 * takes no settings and refuses any, naming the key.
 */
public final class GrepBackendProvider implements IndexBackendProvider {
  /** The provider's name. */
  public static final String NAME = "grep";

  /** For {@link java.util.ServiceLoader}. */
  public GrepBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public IndexBackend create(Map<String, String> config) {
    if (!config.isEmpty()) {
      throw new IllegalArgumentException(
          "grep backend config: unknown key '"
              + config.keySet().iterator().next()
              + "'; it takes none");
    }
    return new GrepBackend();
  }
}
