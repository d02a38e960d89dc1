package dev.indexqueue.tck;

import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.util.List;
import java.util.Set;

/**
 * A backend that accepts every batch and stores nothing, so that what a test or benchmark measures
 * is the queue and the core alone. Thread-safe: {@code apply}, {@code commit} and {@code
 * makeVisible} may run concurrently. It remembers only the last committed checkpoint (for recovery:
 * a service restarted over it replays from there); it holds no documents, so {@code documents} and
 * {@code workspaces} are always empty. Closing is a no-op, any number of times.
 */
public final class NullBackend implements IndexBackend {
  private volatile Checkpoint checkpoint = Checkpoint.none();

  /** A backend with checkpoint 0. */
  public NullBackend() {}

  @Override
  public void apply(Batch batch) {}

  @Override
  public void commit(Checkpoint checkpoint) {
    this.checkpoint = checkpoint;
  }

  @Override
  public Checkpoint committedCheckpoint() {
    return checkpoint;
  }

  @Override
  public void makeVisible() {}

  @Override
  public List<IndexedDocument> documents(String workspace) {
    return List.of();
  }

  @Override
  public Set<String> workspaces() {
    return Set.of();
  }

  @Override
  public void close() {}
}
