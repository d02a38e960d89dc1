package dev.indexqueue.tck;

import dev.indexqueue.spi.IndexBackend;
import java.nio.file.Path;

/**
 * The backends of the matrix, one constant each (Caffeine-style enum of factories). Thread-safe.
 * The matrix wraps each in a {@link CheckingBackend}, so the order and mutual-exclusion checks run
 * for every backend, not only the recording one.
 *
 * <p>EXTENSION POINT: when a backend module joins the reactor, add it as a test dependency of
 * {@code tck-matrix/pom.xml} and one constant here, for example
 *
 * <pre>{@code
 * LUCENE {
 *   IndexBackend open(Path dir) {
 *     return new LuceneBackendProvider().create(Map.of("directory", dir.toString()));
 *   }
 * },
 * }</pre>
 *
 * Every matrix test then runs with it.
 */
enum BackendKind {
  RECORDING {
    @Override
    IndexBackend open(Path dir) {
      return new RecordingBackend();
    }
  },
  LUCENE {
    @Override
    IndexBackend open(Path dir) {
      return dev.indexqueue.index.lucene.LuceneIndexBackendProvider.open(
          dev.indexqueue.index.lucene.LuceneIndexOptions.of(dir));
    }
  };

  /**
   * Opens an empty backend.
   *
   * @param dir an empty directory for the index files
   */
  abstract IndexBackend open(Path dir);

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
