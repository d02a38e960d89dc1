package dev.indexqueue.examples;

import dev.indexqueue.examples.custom.GrepBackendProvider;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.tck.IndexBackendContract;
import java.nio.file.Path;
import java.util.Map;

/**
 * The custom {@code grep} backend keeps the tck's {@link IndexBackendContract}, as any user's
 * plug-in would prove it: one small subclass. It lives in memory, so the restart round-trip is
 * skipped.
 */
class GrepBackendContractTest extends IndexBackendContract {

  @Override
  protected IndexBackend open(Path dir) {
    return Providers.indexBackend(GrepBackendProvider.NAME, Map.of());
  }

  @Override
  protected boolean persistent() {
    return false;
  }
}
