package dev.indexqueue.index.lucene;

import dev.indexqueue.SearchResults;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.util.List;
import java.util.Set;

/**
 * The Lucene backend of a directory that holds no index yet, with no number of shards configured:
 * it creates the index when the service tells it its queue's partitions ({@link #partitions}),
 * {@value #PER_PARTITION} shards per partition (one when that would make more than {@value
 * LuceneIndexOptions#MAX_SHARDS}; see {@link ShardedLuceneBackend} for how workspaces are placed),
 * so that lanes never share a writer and a new workspace need not wait for another's backlog; or,
 * used without a service, one shard at its first call. Thread-safe: the index is created once,
 * under this object's monitor, and every call goes to it.
 */
final class DeferredLuceneBackend implements IndexBackend {
  /** Shards per partition of a new index, when they fit. */
  static final int PER_PARTITION = 2;

  private final LuceneIndexOptions options;
  private volatile IndexBackend index;

  /** Guarded by {@code this}. */
  private boolean closed;

  DeferredLuceneBackend(LuceneIndexOptions options) {
    this.options = options;
  }

  /** Creates the index with shards for the partitions, unless it exists (then changes nothing). */
  @Override
  public void partitions(int partitions) {
    int p = Math.max(1, Math.min(partitions, LuceneIndexOptions.MAX_SHARDS));
    int k = p * PER_PARTITION <= LuceneIndexOptions.MAX_SHARDS ? PER_PARTITION : 1;
    index(p * k, k);
  }

  /** The index, created with one shard when the partitions were not told first. */
  IndexBackend index() {
    IndexBackend i = index;
    return i != null ? i : index(1, 1);
  }

  private synchronized IndexBackend index(int shards, int perPartition) {
    if (index == null) {
      if (closed) {
        throw new IllegalStateException(
            "the Lucene backend at " + options.directory() + " is closed");
      }
      index = ShardedLuceneBackend.openAny(options.withShards(shards), perPartition);
    }
    return index;
  }

  @Override
  public void apply(Batch batch) {
    index().apply(batch);
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    index().commit(checkpoint);
  }

  @Override
  public Checkpoint committedCheckpoint() {
    return index().committedCheckpoint();
  }

  @Override
  public Checkpoint startReplay() {
    return index().startReplay();
  }

  @Override
  public void makeVisible() {
    index().makeVisible();
  }

  @Override
  public void makeVisible(Set<String> workspaces) {
    index().makeVisible(workspaces);
  }

  /** {@value LuceneIndexOptions#BATCH_SIZE}: see {@link LuceneIndexOptions#BATCH_SIZE}. */
  @Override
  public int preferredBatchSize() {
    return LuceneIndexOptions.BATCH_SIZE;
  }

  @Override
  public boolean refreshesByWorkspace() {
    return index().refreshesByWorkspace();
  }

  @Override
  public Checkpoint visibleCheckpoint() {
    return index().visibleCheckpoint();
  }

  @Override
  public boolean refreshesReachOtherProcesses() {
    return index().refreshesReachOtherProcesses();
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    return index().documents(workspace);
  }

  @Override
  public Set<String> workspaces() {
    return index().workspaces();
  }

  @Override
  public SearchResults search(String workspace, String query, int limit) {
    return index().search(workspace, query, limit);
  }

  /** Closes the index, if created. Closing twice is a no-op. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (index != null) {
      index.close();
    }
  }

  @Override
  public String toString() {
    IndexBackend i = index;
    return i != null
        ? i.toString()
        : "LuceneIndexBackend[" + options.directory() + ", not created]";
  }
}
