package dev.indexqueue.tck;

import dev.indexqueue.SearchResults;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A backend that forwards every call to another one, for tests that wrap a backend to observe it or
 * to change one behaviour (count reads, say what it shares with other processes): extend it and
 * override what differs. Thread-safe as the wrapped backend; it adds no state of its own.
 */
public abstract class ForwardingIndexBackend implements IndexBackend {
  /** The wrapped backend. */
  protected final IndexBackend delegate;

  /**
   * Wraps a backend.
   *
   * @param delegate the backend every call goes to; closed when this one is
   */
  protected ForwardingIndexBackend(IndexBackend delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void apply(Batch batch) {
    delegate.apply(batch);
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    delegate.commit(checkpoint);
  }

  @Override
  public Checkpoint committedCheckpoint() {
    return delegate.committedCheckpoint();
  }

  @Override
  public Checkpoint startReplay() {
    return delegate.startReplay();
  }

  @Override
  public void makeVisible() {
    delegate.makeVisible();
  }

  @Override
  public void partitions(int partitions) {
    delegate.partitions(partitions);
  }

  @Override
  public void makeVisible(Set<String> workspaces) {
    delegate.makeVisible(workspaces);
  }

  @Override
  public boolean refreshesByWorkspace() {
    return delegate.refreshesByWorkspace();
  }

  @Override
  public int preferredBatchSize() {
    return delegate.preferredBatchSize();
  }

  @Override
  public Checkpoint visibleCheckpoint() {
    return delegate.visibleCheckpoint();
  }

  @Override
  public boolean refreshesReachOtherProcesses() {
    return delegate.refreshesReachOtherProcesses();
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    return delegate.documents(workspace);
  }

  @Override
  public Set<String> workspaces() {
    return delegate.workspaces();
  }

  @Override
  public SearchResults search(String workspace, String query, int limit) {
    return delegate.search(workspace, query, limit);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }
}
