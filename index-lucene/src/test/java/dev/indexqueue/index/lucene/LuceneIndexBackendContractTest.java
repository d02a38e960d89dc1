package dev.indexqueue.index.lucene;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.tck.IndexBackendContract;
import java.nio.file.Path;

/** The Lucene backend keeps the {@link IndexBackendContract}, checkpoint round-trip included. */
class LuceneIndexBackendContractTest extends IndexBackendContract {

  @Override
  protected IndexBackend open(Path dir) {
    return LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir));
  }
}
