package dev.indexqueue.tck;

import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TransientBackendException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A backend opened from a store ({@link BackendKind#store}) that can fail as a real one does, for
 * the model matrix. Thread-safe.
 *
 * <ul>
 *   <li>{@link #crash()}: the process dies. From then on commits are lost (they return as if done,
 *       and store nothing), so when the service closes the backend, which rolls back on close, only
 *       what was committed before the crash is left.
 *   <li>{@link #failRefreshes(boolean)}: {@code makeVisible} throws a {@link
 *       TransientBackendException} (a refresh that may succeed when retried) while set.
 *   <li>{@link #loseStateAt(int)}: the backend loses its uncommitted work at the n-th apply, as a
 *       Lucene writer does on a tragic failure: that apply throws {@link
 *       BackendStateLostException}, the backend reopens from its last commit, and refuses {@code
 *       apply} and {@code commit} (with the same exception) until the core calls {@link
 *       #startReplay()}.
 * </ul>
 *
 * <p>It records what it applied successfully, with a {@code null} where a replay began.
 */
final class CrashableBackend implements IndexBackend {
  private final Supplier<IndexBackend> store;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicInteger applies = new AtomicInteger();
  private final List<QueuedTask> log = new ArrayList<>();
  private volatile IndexBackend delegate;
  private volatile int partitions;
  private volatile boolean crashed;
  private volatile boolean lost;
  private volatile int loseAt;
  private volatile int losses;
  private volatile boolean failRefreshes;
  private volatile int appliedAtFailedRefresh = -1;

  CrashableBackend(Supplier<IndexBackend> store) {
    this.store = store;
    this.delegate = store.get();
  }

  /** From now on commits are lost. */
  void crash() {
    crashed = true;
  }

  /** The {@code n}-th apply from now loses the uncommitted work (0: never). */
  void loseStateAt(int n) {
    loseAt = n <= 0 ? 0 : applies.get() + n;
  }

  /** While {@code fail}, refreshes throw a {@link TransientBackendException}. */
  void failRefreshes(boolean fail) {
    failRefreshes = fail;
  }

  /**
   * How many tasks were applied (since this backend was opened) when the last refresh failed; -1
   * when none failed.
   */
  int appliedAtFailedRefresh() {
    return appliedAtFailedRefresh;
  }

  /** How many times the state was lost. */
  int losses() {
    return losses;
  }

  /** What was applied successfully, in order; {@code null} where a replay began. */
  List<QueuedTask> log() {
    synchronized (log) {
      return new ArrayList<>(log);
    }
  }

  @Override
  public void apply(Batch batch) {
    if (applies.incrementAndGet() == loseAt) {
      lock.writeLock().lock(); // waits for the applies of other lanes in progress
      try {
        delegate.close(); // rolls back what was not committed
        delegate = store.get();
        if (partitions > 0) {
          delegate.partitions(partitions); // reopened: the index exists, this changes nothing
        }
        lost = true;
        losses++;
      } finally {
        lock.writeLock().unlock();
      }
      throw new BackendStateLostException("simulated: uncommitted work lost", null);
    }
    lock.readLock().lock();
    try {
      refuseWhileLost();
      delegate.apply(batch);
      synchronized (log) {
        log.addAll(batch.tasks());
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private void refuseWhileLost() {
    if (lost) {
      throw new BackendStateLostException("simulated: waiting for the replay handshake", null);
    }
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    lock.readLock().lock();
    try {
      refuseWhileLost();
      if (!crashed) {
        delegate.commit(checkpoint);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Checkpoint committedCheckpoint() {
    // the read lock: a loss swaps the delegate under the write lock
    lock.readLock().lock();
    try {
      return delegate.committedCheckpoint();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean refreshesReachOtherProcesses() {
    return delegate.refreshesReachOtherProcesses();
  }

  @Override
  public Checkpoint visibleCheckpoint() {
    lock.readLock().lock();
    try {
      return delegate.visibleCheckpoint();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Checkpoint startReplay() {
    lock.writeLock().lock();
    try {
      lost = false;
      synchronized (log) {
        log.add(null);
      }
      return delegate.startReplay();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void makeVisible() {
    refresh(null);
  }

  @Override
  public void makeVisible(Set<String> workspaces) {
    refresh(workspaces);
  }

  @Override
  public void partitions(int partitions) {
    this.partitions = partitions;
    delegate.partitions(partitions);
  }

  @Override
  public boolean refreshesByWorkspace() {
    return delegate.refreshesByWorkspace();
  }

  @Override
  public int preferredBatchSize() {
    return delegate.preferredBatchSize();
  }

  /** Refreshes everything ({@code workspaces} null) or those workspaces, or fails when told to. */
  private void refresh(Set<String> workspaces) {
    if (failRefreshes) {
      synchronized (log) {
        appliedAtFailedRefresh = (int) log.stream().filter(java.util.Objects::nonNull).count();
      }
      throw new TransientBackendException("simulated: the refresh failed", null);
    }
    // the read lock: a loss swaps the delegate under the write lock
    lock.readLock().lock();
    try {
      if (workspaces == null) {
        delegate.makeVisible();
      } else {
        delegate.makeVisible(workspaces);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    // the read lock: a loss swaps the delegate under the write lock
    lock.readLock().lock();
    try {
      return delegate.documents(workspace);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Set<String> workspaces() {
    // the read lock: a loss swaps the delegate under the write lock
    lock.readLock().lock();
    try {
      return delegate.workspaces();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public dev.indexqueue.SearchResults search(String workspace, String query, int limit) {
    // the read lock: a loss swaps the delegate under the write lock
    lock.readLock().lock();
    try {
      return delegate.search(workspace, query, limit);
    } finally {
      lock.readLock().unlock();
    }
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
