package dev.indexqueue.internal;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;

/**
 * A task read from the queue, while the scheduler tracks it. Guarded by the scheduler's lock,
 * except the fields a worker reads from a batch it owns.
 */
final class Entry {
  final long sequence;
  final IndexTask task;
  final long readNanos;
  final int lane;

  /** The priority used to rank this entry: the best of its own and of the tasks it superseded. */
  int rankPriority;

  /** The age used to rank this entry: the oldest read time of itself and what it superseded. */
  long rankNanos;

  /** The acceptance order used to break ties: the lowest of itself and what it superseded. */
  long rankSequence;

  /** Applied, dead-lettered or dropped: no longer holds the checkpoint back. */
  boolean finished;

  /** Sequences this entry superseded by coalescing (they share its outcome), or null. */
  long[] superseded;

  int supersededCount;

  /** Neighbours in the workspace's pending list. */
  Entry prev;

  Entry next;

  Entry(QueuedTask queued, long readNanos, int lane) {
    this.sequence = queued.position();
    this.task = queued.task();
    this.readNanos = readNanos;
    this.lane = lane;
    this.rankPriority = task.priority();
    this.rankNanos = readNanos;
    this.rankSequence = sequence;
  }

  /** Takes over the rank and the sequences of an entry this one supersedes. */
  void supersede(Entry old) {
    rankPriority = Math.min(rankPriority, old.rankPriority);
    rankNanos = Math.min(rankNanos, old.rankNanos);
    rankSequence = Math.min(rankSequence, old.rankSequence);
    if (supersededCount == 0 && old.supersededCount > 0) {
      // take over the old entry's list (it is dropped): O(1), so a path updated n times while
      // pending costs O(n) in all, not O(n^2)
      superseded = old.superseded;
      supersededCount = old.supersededCount;
      old.superseded = null;
      old.supersededCount = 0;
    } else {
      for (int i = 0; i < old.supersededCount; i++) {
        addSuperseded(old.superseded[i]);
      }
    }
    addSuperseded(old.sequence);
  }

  private void addSuperseded(long seq) {
    if (superseded == null) {
      superseded = new long[4];
    } else if (supersededCount == superseded.length) {
      superseded = java.util.Arrays.copyOf(superseded, supersededCount * 2);
    }
    superseded[supersededCount++] = seq;
  }

  QueuedTask queued() {
    return new QueuedTask(sequence, task);
  }
}
