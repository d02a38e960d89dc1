package dev.indexqueue.internal;

import dev.indexqueue.TaskId;
import java.util.HashMap;
import java.util.TreeSet;

/**
 * The pending (read, not yet taken) entries of one workspace in its lane, in acceptance order, with
 * an index by path for coalescing. Guarded by the lane's lock.
 *
 * <p>Invariant: every unfinished predecessor of a pending entry is itself pending here, before it
 * (the lane follows predecessor chains before adding an entry). So the head is always ready to
 * apply, and taking entries from the head keeps acceptance order across both bands.
 */
final class WorkspacePending {
  final String workspace;
  final int partition;
  Entry head;
  Entry tail;
  int size;
  final HashMap<String, Entry> byPath = new HashMap<>();

  /**
   * How many pending entries are urgent (rank priority below 0); while any is, the whole workspace
   * ranks as urgent, so the tasks before an urgent one inherit its priority.
   */
  int urgentCount;

  /** The best rank key of the urgent entries added while {@link #urgentCount} was above zero. */
  long urgentRankKey = Long.MAX_VALUE;

  /** Entries of this workspace in the batch its lane is applying. */
  int inFlight;

  /**
   * Per band, the positions of dropped (superseded) tasks whose superseder has not finished yet:
   * the workspace's marks must stay below them until it has. Null while empty.
   */
  private final TreeSet<Long>[] openSuperseded = newSets();

  @SuppressWarnings("unchecked")
  private static TreeSet<Long>[] newSets() {
    return new TreeSet[2];
  }

  /** The covers of the last entry added: the start of the next entry's covers. */
  final long[] lastCovers = {-1, -1};

  /** The rank this workspace was last put in its lane's ordered set with. */
  boolean rankedUrgent;

  long rankKey;
  long rankOrder;

  WorkspacePending(String workspace, int partition) {
    this.workspace = workspace;
    this.partition = partition;
  }

  void add(Entry e) {
    e.prev = tail;
    e.next = null;
    if (tail == null) {
      head = e;
    } else {
      tail.next = e;
    }
    tail = e;
    size++;
    if (e.task.path() != null) {
      byPath.put(e.task.path(), e);
    }
  }

  void unlink(Entry e) {
    if (e.prev == null) {
      head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      tail = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    size--;
    if (e.task.path() != null && byPath.get(e.task.path()) == e) {
      byPath.remove(e.task.path());
    }
  }

  /** A task of this workspace was dropped; its superseder is pending. */
  void openSuperseded(TaskId id) {
    TreeSet<Long> set = openSuperseded[id.band()];
    if (set == null) {
      set = new TreeSet<>();
      openSuperseded[id.band()] = set;
    }
    set.add(id.position());
  }

  /** The superseder of a dropped task finished. */
  void closeSuperseded(TaskId id) {
    TreeSet<Long> set = openSuperseded[id.band()];
    if (set != null) {
      set.remove(id.position());
    }
  }

  /** The highest position the band's marks may reach now. */
  long markCap(int band) {
    TreeSet<Long> set = openSuperseded[band];
    return set == null || set.isEmpty() ? Long.MAX_VALUE : set.first() - 1;
  }

  Entry pollFirst() {
    Entry e = head;
    if (e != null) {
      unlink(e);
    }
    return e;
  }
}
