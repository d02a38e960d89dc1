package dev.indexqueue.queue.kafka;

import dev.indexqueue.spi.QueuedTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The records of one (partition, band) log that the poller fetched and a lane has not read past
 * yet: every record with an offset in {@code [from, fetched)}, in offset order (offsets missing in
 * that range hold no task). Guarded by {@link #lock}; the poller fills it, the log's reader (one
 * lane) takes from it and asks the poller to seek when it wants another position.
 */
final class LogBuffer {
  final ReentrantLock lock = new ReentrantLock();
  final Condition changed = lock.newCondition();

  private final ArrayDeque<QueuedTask> records = new ArrayDeque<>();
  private final ArrayDeque<Integer> sizes = new ArrayDeque<>();

  /** The first offset the buffer covers, or -1 while the poller has no position for the log. */
  long from = -1;

  /** The offset after the last record fetched: the consumer's position for the log. */
  long fetched = -1;

  /** Bytes of the records held. */
  long bytes;

  /** A position the reader asked the poller to seek to, or -1. */
  long wanted = -1;

  /** Whether the consumer is paused for this log (the buffer is full). */
  boolean paused;

  /** The reader freed space: the poller should resume the log. */
  boolean resumeWanted;

  /** The highest corrupt offset reported, so each is reported once. */
  long corruptReported = -1;

  boolean covers(long position) {
    return from >= 0 && position >= from && position < fetched;
  }

  /** The poller sought the log to {@code position}: forget what is held. */
  void reset(long position) {
    records.clear();
    sizes.clear();
    bytes = 0;
    from = position;
    fetched = position;
  }

  /** The poller lost the log (revoked): nothing is positioned. */
  void forget() {
    reset(-1);
    wanted = -1;
    paused = false;
    resumeWanted = false;
  }

  void add(QueuedTask t, int size) {
    records.addLast(t);
    sizes.addLast(size);
    bytes += size;
    fetched = t.position() + 1;
  }

  /** A skipped offset (a corrupt record): the buffer covers it, holding nothing there. */
  void skip(long offset) {
    fetched = offset + 1;
  }

  /** Up to {@code max} records at or above {@code position}. */
  List<QueuedTask> take(long position, int max) {
    List<QueuedTask> out = new ArrayList<>(Math.min(max, records.size()));
    for (Iterator<QueuedTask> it = records.iterator(); it.hasNext() && out.size() < max; ) {
      QueuedTask t = it.next();
      if (t.position() >= position) {
        out.add(t);
      }
    }
    return out;
  }

  /** Drops the records below {@code position} (the reader went past them). */
  void dropBelow(long position) {
    while (!records.isEmpty() && records.peekFirst().position() < position) {
      records.pollFirst();
      bytes -= sizes.pollFirst();
    }
    if (position > from) {
      from = Math.min(position, fetched);
    }
  }

  boolean isEmpty() {
    return records.isEmpty();
  }
}
