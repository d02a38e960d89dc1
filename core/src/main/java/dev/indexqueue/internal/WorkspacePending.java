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

  /** Held entries by the id of the predecessor they wait for (one successor per task). */
  private HashMap<TaskId, Entry> heldByPredecessor;

  /** The ids of the held entries (a successor of a held entry is held too). */
  private java.util.HashSet<TaskId> heldIds;

  private int heldUrgent;
  private long heldUrgentKey = Long.MAX_VALUE;

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

  /** Holds {@code e} until the task {@code predecessor} joins the list. */
  void hold(TaskId predecessor, Entry e, long rankKey) {
    if (heldByPredecessor == null) {
      heldByPredecessor = new HashMap<>();
      heldIds = new java.util.HashSet<>();
    }
    heldByPredecessor.put(predecessor, e);
    heldIds.add(e.id());
    if (e.rankPriority < 0) {
      heldUrgent++;
      heldUrgentKey = Math.min(heldUrgentKey, rankKey);
    }
  }

  /** Whether the task {@code id} is held here. */
  boolean isHeld(TaskId id) {
    return heldIds != null && heldIds.contains(id);
  }

  /** Removes and returns the entry held for predecessor {@code id}, or null. */
  Entry release(TaskId id) {
    if (heldByPredecessor == null) {
      return null;
    }
    Entry e = heldByPredecessor.remove(id);
    if (e != null) {
      heldIds.remove(e.id());
      if (e.rankPriority < 0 && --heldUrgent == 0) {
        heldUrgentKey = Long.MAX_VALUE;
      }
    }
    return e;
  }

  /** Forgets every held entry; returns how many. */
  int dropHeld() {
    int n = heldByPredecessor == null ? 0 : heldByPredecessor.size();
    heldByPredecessor = null;
    heldIds = null;
    heldUrgent = 0;
    heldUrgentKey = Long.MAX_VALUE;
    return n;
  }

  boolean holdsAny() {
    return heldByPredecessor != null && !heldByPredecessor.isEmpty();
  }

  int heldUrgentCount() {
    return heldUrgent;
  }

  long heldUrgentRankKey() {
    return heldUrgentKey;
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
