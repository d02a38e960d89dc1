package dev.indexqueue.index.solr;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.tck.IndexBackendContract;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The tck's {@link IndexBackendContract}, unchanged, against the Solr backend on the shared
 * in-process cluster (2 nodes, collections of 2 shards × 2 replicas).
 *
 * <p>The contract opens a backend per directory, and a reopen on the same directory must see what
 * was committed there: each directory maps to a collection. Creating a collection costs seconds, so
 * the directories take turns on a small pool of collections, each emptied (a delete of every
 * document, committed) when a new directory takes it; no test uses more directories at once than
 * the pool holds.
 */
class SolrIndexBackendContractTest extends IndexBackendContract {
  private static final int POOL = 2;
  private static final Map<Path, String> COLLECTIONS = new HashMap<>();
  private static int next;

  @Override
  protected IndexBackend open(Path dir) {
    SolrTestCluster cluster = SolrTestCluster.shared();
    String collection;
    boolean fresh;
    synchronized (COLLECTIONS) {
      collection = COLLECTIONS.get(dir);
      fresh = collection == null;
      if (fresh) {
        collection = "contract-" + (next++ % POOL);
        COLLECTIONS.put(dir, collection);
      }
    }
    IndexBackend b = SolrIndexBackendProvider.open(cluster.options(collection));
    if (fresh) {
      b.close();
      cluster.empty(collection);
      b = SolrIndexBackendProvider.open(cluster.options(collection));
    }
    return b;
  }
}
