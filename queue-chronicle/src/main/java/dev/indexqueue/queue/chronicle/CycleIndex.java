package dev.indexqueue.queue.chronicle;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The roll cycles of one log that hold records: for each, the position and Chronicle index of its
 * first record and its file. Thread-safe (a concurrent map): the appender adds, the reader looks
 * up, retention removes.
 *
 * <p>Chronicle numbers the records of one cycle densely (index = cycle's first index + n), and
 * positions are dense too, so the Chronicle index of position {@code p} is, by arithmetic, the
 * first index of the cycle holding {@code p} plus {@code p} minus that cycle's first position
 * ({@link #guessIndex}); the reader checks the guess against the position stored in the record.
 */
final class CycleIndex {

  /** The first record of one roll cycle. */
  record CycleStart(int cycle, long index, File file) {}

  /** First position of each cycle that has records, to its cycle. */
  private final ConcurrentSkipListMap<Long, CycleStart> cycles = new ConcurrentSkipListMap<>();

  /** Records that {@code position} is the first record of {@code cycle}, at {@code index}. */
  void put(long position, int cycle, long index, File file) {
    cycles.put(position, new CycleStart(cycle, index, file));
  }

  /** The cycle holding {@code position} (the one with the greatest first position at or below). */
  Map.Entry<Long, CycleStart> floor(long position) {
    return cycles.floorEntry(position);
  }

  /** The Chronicle index that holds {@code position} if its cycle is numbered densely, or -1. */
  long guessIndex(long position) {
    Map.Entry<Long, CycleStart> e = cycles.floorEntry(position);
    return e == null ? -1 : e.getValue().index() + (position - e.getKey());
  }

  boolean isEmpty() {
    return cycles.isEmpty();
  }

  /** The first position of the oldest cycle; only when not {@link #isEmpty()}. */
  long firstPosition() {
    return cycles.firstKey();
  }

  /** The oldest cycle; only when not {@link #isEmpty()}. */
  CycleStart first() {
    return cycles.firstEntry().getValue();
  }

  /** The first position of the newest cycle; only when not {@link #isEmpty()}. */
  long lastPosition() {
    return cycles.lastKey();
  }

  /** The newest cycle, or null. */
  CycleStart last() {
    Map.Entry<Long, CycleStart> e = cycles.lastEntry();
    return e == null ? null : e.getValue();
  }

  /** The cycles holding a position at or above {@code position}, oldest first. */
  Collection<CycleStart> from(long position) {
    Map.Entry<Long, CycleStart> from = cycles.floorEntry(position);
    return (from == null ? cycles : cycles.tailMap(from.getKey(), true)).values();
  }

  /**
   * The cycles whose records are all below {@code acknowledged} and that are not the newest: the
   * files retention may delete, oldest first.
   */
  List<Map.Entry<Long, CycleStart>> expired(long acknowledged) {
    List<Map.Entry<Long, CycleStart>> out = new ArrayList<>();
    Map.Entry<Long, CycleStart> prev = null;
    for (Map.Entry<Long, CycleStart> e : cycles.entrySet()) {
      if (prev != null) {
        if (e.getKey() <= acknowledged) {
          out.add(prev);
        } else {
          break;
        }
      }
      prev = e;
    }
    return out;
  }

  /**
   * The oldest cycle retention keeps: the one holding {@code acknowledged}, or the newest when
   * every record is acknowledged; {@link Integer#MIN_VALUE} when there is none.
   */
  int oldestKeptCycle(long acknowledged) {
    Map.Entry<Long, CycleStart> e = cycles.floorEntry(acknowledged);
    if (e == null) {
      e = cycles.firstEntry();
    }
    return e == null ? Integer.MIN_VALUE : e.getValue().cycle();
  }

  /** Forgets the cycle starting at {@code position} (its file was deleted). */
  void remove(long position) {
    cycles.remove(position);
  }

  void clear() {
    cycles.clear();
  }
}
