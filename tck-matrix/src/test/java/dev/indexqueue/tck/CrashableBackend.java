package dev.indexqueue.tck;

import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.util.List;
import java.util.Set;

/**
 * Wraps a backend to simulate a crash of the process: after {@link #crash()} its commits are lost
 * (they return as if done, and store nothing), so when the service then closes it, a backend that
 * rolls back on close (Lucene, {@link RecordingBackend}) keeps only what was committed before the
 * crash. Thread-safe as the wrapped backend.
 */
final class CrashableBackend implements IndexBackend {
  private final IndexBackend delegate;
  private volatile boolean crashed;

  CrashableBackend(IndexBackend delegate) {
    this.delegate = delegate;
  }

  /** From now on commits are lost. */
  void crash() {
    crashed = true;
  }

  @Override
  public void apply(Batch batch) {
    delegate.apply(batch);
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    if (!crashed) {
      delegate.commit(checkpoint);
    }
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
  public List<IndexedDocument> documents(String workspace) {
    return delegate.documents(workspace);
  }

  @Override
  public Set<String> workspaces() {
    return delegate.workspaces();
  }

  @Override
  public dev.indexqueue.SearchResults search(String workspace, String query, int limit) {
    return delegate.search(workspace, query, limit);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Crashable[" + delegate + "]";
  }
}
