package dev.indexqueue.index.lucene;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.tck.IndexBackendContract;
import java.nio.file.Path;

/**
 * The backend contract for the Lucene backend as a service opens it: a new index told three
 * partitions, so three shards (one shard: {@link LuceneSingleShardContractTest}).
 */
class LuceneIndexBackendContractTest extends IndexBackendContract {

  @Override
  protected IndexBackend open(Path dir) {
    IndexBackend b = LuceneIndexBackendProvider.open(LuceneIndexOptions.of(dir));
    b.partitions(3);
    return b;
  }
}
