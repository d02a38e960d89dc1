package dev.indexqueue.internal;

import java.util.HashMap;

/**
 * The pending (read, not yet taken) entries of one workspace, in sequence order, with an index by
 * path for coalescing. Guarded by the scheduler's lock.
 */
final class WorkspacePending {
  final String workspace;
  final int lane;
  Entry head;
  Entry tail;
  int size;
  final HashMap<String, Entry> byPath = new HashMap<>();

  /** The rank of the head when this workspace was last put in its lane's ordered set. */
  long rankKey;

  long rankSequence;

  WorkspacePending(String workspace, int lane) {
    this.workspace = workspace;
    this.lane = lane;
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

  Entry pollFirst() {
    Entry e = head;
    if (e != null) {
      unlink(e);
    }
    return e;
  }
}
