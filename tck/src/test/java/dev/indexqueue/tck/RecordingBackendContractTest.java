package dev.indexqueue.tck;

import dev.indexqueue.spi.IndexBackend;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recording backend keeps the {@link IndexBackendContract}. It lives in memory: its "directory"
 * is a {@link RecordingBackend.Storage} kept per path, so reopening a path sees what was committed.
 * It does not search, so the search tests are skipped.
 */
class RecordingBackendContractTest extends IndexBackendContract {
  private final Map<Path, RecordingBackend.Storage> storages = new ConcurrentHashMap<>();

  @Override
  protected IndexBackend open(Path dir) {
    return new RecordingBackend(storages.computeIfAbsent(dir, d -> new RecordingBackend.Storage()));
  }

  @Override
  protected boolean searchable() {
    return false;
  }
}
