package dev.indexqueue.internal;

import dev.indexqueue.IndexTask;
import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import java.util.Arrays;

/**
 * A task read from the queue, while its lane tracks it. Guarded by the lane's lock, except the
 * fields a worker reads from a batch it owns (which the lane no longer changes while it is in
 * flight).
 */
final class Entry {
  final int partition;
  final int band;
  final long position;
  final Predecessor predecessor;
  final long readNanos;

  /** The order this entry was read into its lane: breaks ties between equal ranks. */
  final long readOrder;

  /** The task; dropped (null) once the entry is finished, so a long window holds little memory. */
  IndexTask task;

  /** The priority used to rank this entry: the best of its own and of the tasks it superseded. */
  int rankPriority;

  /** The age used to rank this entry: the oldest read time of itself and what it superseded. */
  long rankNanos;

  /**
   * Per band, the highest position among its workspace's tasks up to and including this one in
   * acceptance order, as far as the lane knows (-1 for none): when this entry reaches a stage,
   * every task up to these positions did too.
   */
  final long[] covers = {-1, -1};

  /** Applied, dead-lettered or dropped. */
  boolean finished;

  /** Read by following a workspace's chain of predecessors, ahead of its log's window. */
  boolean fetchedAhead;

  /** Tasks this entry superseded by coalescing (they share its outcome), or null. */
  TaskId[] superseded;

  int supersededCount;

  /** Neighbours in the workspace's pending list. */
  Entry prev;

  Entry next;

  Entry(QueuedTask queued, long readNanos, long readOrder) {
    this.partition = queued.partition();
    this.band = queued.band();
    this.position = queued.position();
    this.predecessor = queued.predecessor();
    this.task = queued.task();
    this.readNanos = readNanos;
    this.readOrder = readOrder;
    this.rankPriority = task.priority();
    this.rankNanos = readNanos;
  }

  TaskId id() {
    return new TaskId(partition, band, position);
  }

  QueuedTask queued() {
    return new QueuedTask(partition, band, position, task, predecessor);
  }

  /** Takes over the rank and the task ids of an entry this one supersedes. */
  void supersede(Entry old) {
    rankPriority = Math.min(rankPriority, old.rankPriority);
    rankNanos = Math.min(rankNanos, old.rankNanos);
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
    addSuperseded(old.id());
  }

  private void addSuperseded(TaskId id) {
    if (superseded == null) {
      superseded = new TaskId[4];
    } else if (supersededCount == superseded.length) {
      superseded = Arrays.copyOf(superseded, supersededCount * 2);
    }
    superseded[supersededCount++] = id;
  }

  /** Whether its predecessor, if any, lies in the other band of its partition. */
  boolean crossBand() {
    return predecessor != null && predecessor.band() != band;
  }

  @Override
  public String toString() {
    return id() + (finished ? " finished" : "") + (fetchedAhead ? " ahead" : "");
  }
}
