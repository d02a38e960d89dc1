package dev.indexqueue.queue.chronicle;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening one log: what a killed writer left behind, and the scan that finds each roll cycle's
 * first record and the log's end while verifying every unacknowledged record. Used once per log at
 * open, by the thread that opens the queue; not thread-safe (nothing else touches the log then).
 *
 * <p><b>Verification</b>: every record still on disk at or above the acknowledged position is
 * decoded and check-summed, and positions must be consecutive; the first bad record fails the open
 * with an {@link IllegalStateException} naming the file, the Chronicle index and the position:
 * corruption is reported, never skipped. A bad record below the acknowledged position is only
 * logged: it will never be read. Records below the acknowledged position are otherwise skipped
 * without being decoded (only each cycle's first record is looked at, for its position); when that
 * shortcut meets anything unexpected, every record is scanned.
 *
 * <p><b>Killed writers</b>: a process killed in the middle of an append leaves Chronicle's write
 * lock taken ({@link #releaseStaleLocks} releases it when its holder is dead), possibly an
 * incomplete record header at the end of the newest file (that record's append never returned, so
 * no producer was told it was accepted: it is logged and the next append overwrites it), and, when
 * it was killed while Chronicle created a new roll-cycle file, a file whose own header never
 * completed. Such a file holds no record; Chronicle's readers would wait on it for their timeout on
 * every visit, so {@link #setAsideInterruptedCycleFiles} moves it aside as {@code
 * <file>-<millis>.discard}, as Chronicle itself does (retention deletes those later: see {@link
 * ChronicleLog}).
 *
 * <p><b>Truncation</b>: the ack file's high-water mark says which positions were written; a log
 * whose records end below it was truncated at a record boundary, which no checksum can see, and the
 * open fails naming the file.
 */
final class LogRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

  /** What the scan found: the next position to assign and the cycle of the last record. */
  record Result(long end, int lastCycle) {}

  private final String name;
  private final int partition;
  private final int band;
  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;
  private final CycleIndex cycles;
  private final long acknowledged;
  private final long highWater;
  private final Path ackFile;
  private byte[] buffer = new byte[4096];

  /**
   * @param name the log's name for messages (its directory)
   * @param partition the log's partition, checked against each record's
   * @param band the log's band, checked against each record's
   * @param queue the log's Chronicle queue
   * @param cycles filled with the first record of each cycle
   * @param acknowledged the acknowledged position from the ack file
   * @param highWater the high-water mark from the ack file
   * @param ackFile the ack file, for messages
   */
  LogRecovery(
      String name,
      int partition,
      int band,
      SingleChronicleQueue queue,
      CycleIndex cycles,
      long acknowledged,
      long highWater,
      Path ackFile) {
    this.name = name;
    this.partition = partition;
    this.band = band;
    this.queue = queue;
    this.rollCycle = queue.rollCycle();
    this.cycles = cycles;
    this.acknowledged = acknowledged;
    this.highWater = highWater;
    this.ackFile = ackFile;
  }

  // ------------------------------------------------------------------ before Chronicle opens

  /**
   * Moves aside every roll-cycle file in {@code directory} whose own header never completed: its
   * creator was killed while Chronicle created it. Such a file holds no record (Chronicle writes
   * records only after the file's header is complete), and no live process can be creating it: the
   * caller holds the directory lock. Left in place, every Chronicle reader waits on it for the
   * queue's timeout at each visit, and only an appender of the same cycle would replace it (after
   * the same wait).
   *
   * @return how many files were moved aside
   */
  static int setAsideInterruptedCycleFiles(Path directory) {
    List<Path> files;
    try (Stream<Path> s = Files.list(directory)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the chronicle queue directory " + directory, e);
    }
    int moved = 0;
    for (Path f : files) {
      int header;
      long size;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        size = ch.size();
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        header = ch.read(b, 0) == 4 ? b.getInt(0) : Wires.NOT_INITIALIZED;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the chronicle queue file " + f, e);
      }
      if (Wires.isReadyMetaData(header) && Wires.lengthOf(header) > 0) {
        continue;
      }
      Path aside =
          f.resolveSibling(
              f.getFileName()
                  + "-"
                  + System.currentTimeMillis()
                  + SingleChronicleQueue.DISCARD_FILE_SUFFIX);
      try {
        Files.move(f, aside);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot move aside the interrupted chronicle queue file " + f + " (to " + aside + ")",
            e);
      }
      moved++;
      LOG.warn(
          "chronicle queue {}: file {} ({} bytes) was being created by a process that died: its"
              + " header never completed (0x{}), so it holds no record; moved it aside to {}",
          directory,
          f,
          size,
          Integer.toHexString(header),
          aside);
    }
    return moved;
  }

  /**
   * A process killed while appending leaves Chronicle's write lock taken; Chronicle would wait for
   * its timeout before forcing it. The caller holds the directory lock, so no live process of ours
   * can hold it: releases it at once when its holder is dead, and refuses when a live foreign
   * process does.
   */
  static void releaseStaleLocks(SingleChronicleQueue queue, Path directory) {
    for (String key : new String[] {"chronicle.write.lock", TableStoreWriteLock.APPEND_LOCK_KEY}) {
      TableStoreWriteLock l = new TableStoreWriteLock(queue.metaStore(), Pauser::balanced, 0L, key);
      try {
        if (!l.forceUnlockIfProcessIsDead()
            && (int) l.lockedBy() != (int) ProcessHandle.current().pid()) {
          throw new IllegalStateException(
              "The chronicle queue in "
                  + directory
                  + " is being written by another live process ("
                  + (int) l.lockedBy()
                  + ", "
                  + key
                  + " in "
                  + queue.metaStore().file()
                  + ")");
        }
      } finally {
        l.close();
      }
    }
  }

  // ------------------------------------------------------------------ the scan

  /** Fills the cycle index, verifies the unacknowledged records and finds the end. */
  Result run() {
    Result r = acknowledged > 0 ? fromAcknowledged() : null;
    if (r == null) {
      cycles.clear();
      r = fullScan();
    }
    checkHighWater(r.end());
    if (r.end() > acknowledged) {
      LOG.info(
          "chronicle queue {}: {} unacknowledged task(s) recovered, positions {} to {}",
          name,
          r.end() - acknowledged,
          acknowledged,
          r.end() - 1);
    }
    return r;
  }

  /** Records below the stored high-water mark were written: missing ones mean a truncated file. */
  private void checkHighWater(long end) {
    if (end < highWater) {
      CycleIndex.CycleStart last = cycles.last();
      String newest = last == null ? "(no queue file left)" : String.valueOf(last.file());
      throw new IllegalStateException(
          "Chronicle queue file "
              + newest
              + " in "
              + name
              + " is truncated: its last record holds position "
              + (end - 1)
              + " but positions up to "
              + (highWater - 1)
              + " were written (high-water mark in "
              + ackFile
              + ")");
    }
  }

  /** The fast path: starts at the acknowledged position; null when the full scan must decide. */
  private Result fromAcknowledged() {
    try (ExcerptTailer t = queue.createTailer()) {
      int first = queue.firstCycle();
      int lastCycle = queue.lastCycle();
      if (first == Integer.MAX_VALUE || lastCycle == Integer.MIN_VALUE || first > lastCycle) {
        return null;
      }
      long previous = -1;
      for (int c = first; c <= lastCycle; ) {
        if (t.moveToCycle(c)) {
          try (DocumentContext dc = t.readingDocument()) {
            if (dc.isPresent() && rollCycle.toCycle(dc.index()) == c) {
              long position = peekPosition(dc);
              if (position <= previous || position < 0) {
                return null;
              }
              cycles.put(position, c, dc.index(), t.currentFile());
              previous = position;
            }
          }
        }
        if (c == lastCycle) {
          break;
        }
        int next;
        try {
          next = queue.nextCycle(c, TailerDirection.FORWARD);
        } catch (ParseException e) {
          return null;
        }
        if (next <= c) {
          break;
        }
        c = next;
      }
      if (cycles.isEmpty() || cycles.firstPosition() > acknowledged) {
        return null; // let the full scan report missing files
      }
    } catch (RuntimeException e) {
      LOG.debug(
          "chronicle queue {}: quick recovery failed ({}); scanning every record",
          name,
          e.toString());
      return null;
    }
    long lastOnDisk;
    try {
      lastOnDisk = lastRecordPosition();
    } catch (RuntimeException e) {
      return null;
    }
    if (lastOnDisk < 0 || lastOnDisk < cycles.lastPosition()) {
      return null;
    }
    long last = acknowledged - 1;
    int lastCycle = Integer.MIN_VALUE;
    try (ExcerptTailer t = queue.createTailer()) {
      if (lastOnDisk < acknowledged) {
        // everything on disk is acknowledged: nothing to verify
        lastCycle = cycles.last().cycle();
      } else if (seekIfPresent(t, acknowledged)) {
        // verify every unacknowledged record, as the full scan does
        while (true) {
          try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
              break;
            }
            long index = dc.index();
            String where = where(t.currentFile(), index, last + 1);
            long position = verify(dc.wire().bytes(), where);
            if (position != last + 1) {
              throw new IllegalStateException(
                  "Chronicle queue record out of sequence in "
                      + where
                      + ": it holds position "
                      + position
                      + " (tasks between are missing, or the file was modified)");
            }
            int cycle = rollCycle.toCycle(index);
            if (cycle != lastCycle) {
              Map.Entry<Long, CycleIndex.CycleStart> known = cycles.floor(position);
              if (known == null || known.getValue().cycle() != cycle) {
                cycles.put(position, cycle, index, t.currentFile());
              }
              lastCycle = cycle;
            }
            last = position;
          }
        }
        if (last < lastOnDisk) {
          return null; // stopped before the last record: let the full scan find out why
        }
      } else {
        return null;
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot read the chronicle queue in " + name + " (truncated or corrupt file?): " + e, e);
    }
    long end = Math.max(acknowledged, last + 1);
    return new Result(end, lastCycle == Integer.MIN_VALUE ? cycles.last().cycle() : lastCycle);
  }

  /**
   * Positions {@code t} at the record holding position {@code p}; false when it cannot be found
   * that way.
   */
  private boolean seekIfPresent(ExcerptTailer t, long p) {
    Map.Entry<Long, CycleIndex.CycleStart> e = cycles.floor(p);
    CycleIndex.CycleStart c = e.getValue();
    long guess = c.index() + (p - e.getKey());
    if (rollCycle.toCycle(guess) == c.cycle() && t.moveToIndex(guess) && peekPosition(t) == p) {
      return t.moveToIndex(guess);
    }
    if (!t.moveToIndex(c.index())) {
      return false;
    }
    long q = e.getKey();
    while (q < p) {
      try (DocumentContext dc = t.readingDocument()) {
        if (!dc.isPresent()) {
          return false;
        }
        q++;
      }
    }
    long index;
    try (DocumentContext dc = t.readingDocument()) {
      if (!dc.isPresent() || peekPosition(dc) != p) {
        return false;
      }
      index = dc.index();
    }
    return t.moveToIndex(index);
  }

  /** The position held by the last record on disk, or -1 when it cannot be read. */
  private long lastRecordPosition() {
    try (ExcerptTailer t = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
      try (DocumentContext dc = t.readingDocument()) {
        return dc.isPresent() ? peekPosition(dc) : -1;
      }
    }
  }

  /** Scans every record on disk: verifies it, finds each cycle's first record and the end. */
  private Result fullScan() {
    long last = -1;
    int lastCycle = Integer.MIN_VALUE;
    File lastFile = null;
    long lastRecordEnd = -1;
    try (ExcerptTailer t = queue.createTailer()) {
      t.toStart();
      while (true) {
        try (DocumentContext dc = t.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          long index = dc.index();
          int cycle = rollCycle.toCycle(index);
          long expected = last < 0 ? -1 : last + 1;
          String where = where(t.currentFile(), index, expected);
          long position;
          try {
            position = verify(dc.wire().bytes(), where);
          } catch (IllegalStateException e) {
            if (expected >= 0 && expected < acknowledged) {
              LOG.warn("{}; it is acknowledged, so it is never read: ignoring it", e.getMessage());
              last = expected;
              continue;
            }
            throw e;
          }
          if (last >= 0 && position != last + 1) {
            throw new IllegalStateException(
                "Chronicle queue record out of sequence in "
                    + where(t.currentFile(), index, last + 1)
                    + ": it holds position "
                    + position
                    + " (tasks between are missing, or the file was modified)");
          }
          if (cycle != lastCycle) {
            cycles.put(position, cycle, index, t.currentFile());
            lastCycle = cycle;
          }
          last = position;
          lastFile = t.currentFile();
          lastRecordEnd = dc.wire().bytes().readLimit();
        }
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot read the chronicle queue in " + name + " (truncated or corrupt file?): " + e, e);
    }
    if (!cycles.isEmpty() && cycles.firstPosition() > acknowledged) {
      throw new IllegalStateException(
          "Chronicle queue files are missing in "
              + name
              + ": positions from "
              + acknowledged
              + " are not acknowledged ("
              + ackFile
              + ") but the oldest record, in "
              + cycles.first().file()
              + ", holds position "
              + cycles.firstPosition());
    }
    if (lastFile != null) {
      logIncompleteRecord(lastFile, lastRecordEnd, last + 1);
    }
    return new Result(Math.max(acknowledged, last + 1), lastCycle);
  }

  /**
   * Logs an incomplete record after the last complete one: an append interrupted by the death of
   * its process. Its append never returned, so no producer was told it was accepted; it is dropped
   * (Chronicle's next append overwrites it, with a warning of its own). Best effort: only
   * diagnostics depend on it.
   */
  private void logIncompleteRecord(File file, long from, long position) {
    try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
      long pos = from;
      for (int i = 0; i < 1_000 && pos >= 0 && pos + 4 <= ch.size(); i++) {
        pos = (pos + 3) & ~3L; // Chronicle aligns headers to 4 bytes
        b.clear();
        if (ch.read(b, pos) != 4) {
          return;
        }
        int header = b.getInt(0);
        if (header == Wires.NOT_INITIALIZED || header == Wires.END_OF_DATA) {
          return; // the end of the written part, or the end of the cycle
        }
        if (Wires.isNotComplete(header)) {
          LOG.warn(
              "chronicle queue {}: file {} ends with an incomplete {} at byte {} (header 0x{}): an"
                  + " append interrupted by the death of its process. It was never acknowledged to"
                  + " its producer (its submit had not returned), so it is dropped; position {} is"
                  + " assigned to the next task.",
              name,
              file,
              (header & Wires.META_DATA) != 0 ? "metadata entry" : "record",
              pos,
              Integer.toHexString(header),
              position);
          return;
        }
        pos += 4 + Wires.lengthOf(header); // a complete entry after the last record (an index)
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "chronicle queue {}: cannot look past the last record of {}: {}",
          name,
          file,
          e.toString());
    }
  }

  /** Checks a record's checksum, layout and log, and returns its position. */
  private long verify(Bytes<?> bytes, String where) {
    long remaining = bytes.readRemaining();
    if (remaining > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "Corrupt chronicle queue record in " + where + ": " + remaining + " bytes");
    }
    int len = (int) remaining;
    if (buffer.length < len) {
      buffer = new byte[Math.max(len, buffer.length * 2)];
    }
    bytes.read(buffer, 0, len);
    return TaskRecord.decode(partition, band, buffer, len, where).position();
  }

  /** The position of the record {@code dc} holds, without verifying it; -1 when too short. */
  static long peekPosition(DocumentContext dc) {
    Bytes<?> bytes = dc.wire().bytes();
    long len = bytes.readRemaining();
    if (len < TaskRecord.MIN_LENGTH) {
      return -1;
    }
    return bytes.readLong(bytes.readPosition() + len - 12);
  }

  /** The position of the next record of {@code t}, consuming it; -1 when there is none. */
  static long peekPosition(ExcerptTailer t) {
    try (DocumentContext dc = t.readingDocument()) {
      return dc.isPresent() ? peekPosition(dc) : -1;
    }
  }

  static String where(File file, long index, long position) {
    return "file "
        + file
        + " at index "
        + Long.toHexString(index)
        + (position >= 0 ? " (position " + position + ")" : " (the first record on disk)");
  }
}
