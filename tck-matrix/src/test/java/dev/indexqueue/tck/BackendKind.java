package dev.indexqueue.tck;

import dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
import dev.indexqueue.index.lucene.LuceneIndexOptions;
import dev.indexqueue.spi.IndexBackend;
import java.nio.file.Path;
import java.util.function.Supplier;

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
 *   Supplier<IndexBackend> store(Path dir) {
 *     return () -> LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir));
 *   }
 * },
 * }</pre>
 *
 * Every matrix test then runs with it.
 */
enum BackendKind {
  RECORDING {
    @Override
    Supplier<IndexBackend> store(Path dir) {
      RecordingBackend.Storage storage = new RecordingBackend.Storage();
      return () -> new RecordingBackend(storage);
    }
  },
  LUCENE {
    @Override
    Supplier<IndexBackend> store(Path dir) {
      return () -> LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir));
    }
  };

  /**
   * A place for one index: each call of the returned supplier opens a backend on it, with what the
   * backends opened before committed (and nothing they did not commit), as after a restart.
   *
   * @param dir an empty directory for the index files
   */
  abstract Supplier<IndexBackend> store(Path dir);

  /**
   * Opens an empty backend.
   *
   * @param dir an empty directory for the index files
   */
  IndexBackend open(Path dir) {
    return store(dir).get();
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
