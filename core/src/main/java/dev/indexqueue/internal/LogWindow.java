package dev.indexqueue.internal;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * What a lane knows of one (partition, band) log: where it reads next, the entries it read since
 * the last commit covering them (in position order), and the entries it fetched ahead of its read
 * position by following a workspace's chain of predecessors. Guarded by the lane's lock; {@link
 * #readPosition} is also read without it (by the maintainer, for status and group commits).
 */
final class LogWindow {
  final int partition;
  final int band;

  /** The next position to read in order. Written under the lane's lock. */
  volatile long readPosition;

  /** The end of the log when the service started: the replay horizon. */
  long startEnd;

  /** Entries read in order, from the last commit's checkpoint up to {@link #readPosition}. */
  private Entry[] ring = new Entry[64];

  private int head;
  private int size;

  /** Entries [0, finishedPrefix) of the ring are known finished. */
  private int finishedPrefix;

  /** Entries with a predecessor in the other band, in position order (a subset of the ring). */
  private Entry[] cross = new Entry[8];

  private int crossHead;
  private int crossSize;

  /** Entries fetched ahead of {@link #readPosition} by following predecessors, by position. */
  final TreeMap<Long, Entry> ahead = new TreeMap<>();

  /** Set while the lane gives the partition up: nothing more is read. */
  boolean revoked;

  LogWindow(int partition, int band) {
    this.partition = partition;
    this.band = band;
  }

  /** Appends an entry read in order (its position is above every entry held). */
  void add(Entry e) {
    if (size == ring.length) {
      ring = grow(ring, head, size);
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = e;
    size++;
    if (e.crossBand()) {
      if (crossSize == cross.length) {
        cross = grow(cross, crossHead, crossSize);
        crossHead = 0;
      }
      cross[(crossHead + crossSize) & (cross.length - 1)] = e;
      crossSize++;
    }
  }

  private static Entry[] grow(Entry[] a, int head, int size) {
    Entry[] b = new Entry[a.length * 2];
    for (int i = 0; i < size; i++) {
      b[i] = a[(head + i) & (a.length - 1)];
    }
    return b;
  }

  private Entry at(int i) {
    return ring[(head + i) & (ring.length - 1)];
  }

  /** The first entry held that is not finished, or null when all are. */
  Entry firstUnfinished() {
    while (finishedPrefix < size && at(finishedPrefix).finished) {
      finishedPrefix++;
    }
    return finishedPrefix < size ? at(finishedPrefix) : null;
  }

  /**
   * The first position not finished: of the first unfinished entry held, else the read position
   * (entries fetched ahead lie at or beyond it).
   */
  long firstUnfinishedPosition() {
    Entry e = firstUnfinished();
    return e != null ? e.position : readPosition;
  }

  /**
   * The first finished entry below {@code limit} whose predecessor lies in the other band at or
   * above {@code otherCheckpoint} (a replay from there would apply it again, after this one), or
   * null.
   */
  Entry firstUnanchored(long limit, long otherCheckpoint) {
    for (int i = 0; i < crossSize; i++) {
      Entry e = cross[(crossHead + i) & (cross.length - 1)];
      if (e.position >= limit) {
        return null;
      }
      if (e.finished && e.predecessor.position() >= otherCheckpoint) {
        return e;
      }
    }
    return null;
  }

  /** Forgets the entries below {@code position}: a commit covered them. */
  void dropBelow(long position) {
    while (size > 0 && at(0).position < position) {
      ring[head] = null;
      head = (head + 1) & (ring.length - 1);
      size--;
      if (finishedPrefix > 0) {
        finishedPrefix--;
      }
    }
    while (crossSize > 0 && cross[crossHead].position < position) {
      cross[crossHead] = null;
      crossHead = (crossHead + 1) & (cross.length - 1);
      crossSize--;
    }
  }

  /** How many entries held (in order, or fetched ahead) are finished: what a rewind forgets. */
  long finishedCount() {
    long n = 0;
    for (int i = 0; i < size; i++) {
      if (at(i).finished) {
        n++;
      }
    }
    for (Entry e : ahead.values()) {
      if (e.finished) {
        n++;
      }
    }
    return n;
  }

  /**
   * How many tasks of this log are not finished, given its end position: entries held in order and
   * not finished, plus every position from the read position to the end, less the entries fetched
   * ahead there that are finished. (Exact for dense positions.)
   */
  long unfinished(long end) {
    long n = 0;
    for (int i = finishedPrefix; i < size; i++) {
      if (!at(i).finished) {
        n++;
      }
    }
    n += Math.max(0, end - readPosition);
    for (Entry e : ahead.values()) {
      if (e.finished) {
        n--;
      }
    }
    return Math.max(0, n);
  }

  /**
   * Moves the entries fetched ahead that lie at the read position into the in-order window: they
   * are the log's next tasks, which an in-order read would only find there again. So an entry
   * fetched ahead never waits beyond the read position for a read that may not come (a full window,
   * a stop), and the checkpoint, which looks at the in-order window, passes it once it is finished.
   */
  void absorbAhead() {
    while (!ahead.isEmpty() && ahead.firstKey() == readPosition) {
      Entry e = ahead.pollFirstEntry().getValue();
      add(e);
      readPosition = e.position + 1;
    }
  }

  /**
   * How many tasks of the log below {@code end} are not read yet: from the read position on, less
   * the entries fetched ahead (they lie at or beyond the read position and count as read).
   */
  long unreadCount(long end) {
    return Math.max(0, end - readPosition - ahead.size());
  }

  /** Forgets everything and reads from {@code position} next. */
  void reset(long position) {
    Arrays.fill(ring, null);
    Arrays.fill(cross, null);
    head = 0;
    size = 0;
    finishedPrefix = 0;
    crossHead = 0;
    crossSize = 0;
    ahead.clear();
    readPosition = position;
  }

  @Override
  public String toString() {
    return "p" + partition + "b" + band + "@" + readPosition;
  }
}
