package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexingListener;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link IndexingListener} that records the service's commits and refreshes (when each started
 * and ended, on the benchmark's clock) so that a benchmark can report how many a timed part made.
 * Thread-safe. The listener is called after a round's waiters were woken, so read it once the
 * service has stopped ({@link #stopping()} marks the caller's thread: the final round a shutdown
 * runs on that thread is not recorded).
 */
final class RoundLog implements IndexingListener {
  /** One commit or refresh. */
  record Round(boolean commit, long startNanos, long endNanos) {}

  private final List<Round> rounds = new ArrayList<>();
  private volatile Thread closer;

  @Override
  public void committed(long tasks, long nanos) {
    add(true, nanos);
  }

  @Override
  public void refreshed(long nanos) {
    add(false, nanos);
  }

  private void add(boolean commit, long nanos) {
    if (Thread.currentThread() == closer) {
      return;
    }
    long end = System.nanoTime();
    synchronized (rounds) {
      rounds.add(new Round(commit, end - nanos, end));
    }
  }

  /** The calling thread is about to shut the service down: its final round is not recorded. */
  void stopping() {
    closer = Thread.currentThread();
  }

  /** Forgets every round recorded so far. */
  void clear() {
    synchronized (rounds) {
      rounds.clear();
    }
  }

  /** The rounds recorded, in the order they ended. */
  List<Round> rounds() {
    synchronized (rounds) {
      return new ArrayList<>(rounds);
    }
  }

  /** How many commits (or refreshes) were recorded. */
  int count(boolean commits) {
    int n = 0;
    for (Round r : rounds()) {
      n += r.commit() == commits ? 1 : 0;
    }
    return n;
  }
}
