package dev.indexqueue.index.lucene;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.tck.IndexBackendContract;
import java.nio.file.Path;

/** The backend contract for an index of one shard (one writer in the directory itself). */
class LuceneSingleShardContractTest extends IndexBackendContract {

  @Override
  protected IndexBackend open(Path dir) {
    return LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir).withShards(1));
  }
}
