package dev.indexqueue.queue.chronicle;

import dev.indexqueue.spi.QueuedTask;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One (partition, band) log of a {@link ChronicleTaskQueue}: a Chronicle queue of its own in its
 * own directory, with dense positions, its ack file, its recovery and its retention. Safe for any
 * number of appending threads, one reader and one acknowledging thread at once; nothing here waits
 * for another log.
 *
 * <p><b>Locks</b>, one set per log: {@link #appendLock} orders appends (it assigns positions in the
 * order records enter the file, so file order is position order); {@link #readerLock} serializes
 * the reader's tailer with {@link #acknowledge} and retention; {@link #syncLock} serializes forcing
 * the files. Taken in that order when nested: {@link #acknowledge} takes {@link #syncLock} inside
 * {@link #readerLock} to delete a file (so that a concurrent sync never reopens it) and {@link
 * #close()} takes all three; nothing else holds two.
 *
 * <p><b>Positions</b> are a dense counter 0, 1, 2, … stored in each record ({@link TaskRecord}). A
 * restart continues after the last record (or the acknowledged position when it is higher), so
 * positions are never reused. The {@link CycleIndex} remembers the position and Chronicle index of
 * each roll cycle's first record, which lets {@link #read} seek to any position by arithmetic,
 * checked against the position stored in the record.
 *
 * <p><b>Retention</b>: the acknowledged position and a high-water mark are stored in {@value
 * AckFile#NAME}. Roll-cycle files whose records are all below the acknowledged position, and that
 * are not the newest, are deleted on {@link #acknowledge}. Files set aside as {@code .discard} (a
 * cycle file whose creator was killed before its header was complete: it never held a record) are
 * deleted when their cycle is older than the oldest cycle retention keeps (the one holding the
 * acknowledged position; the newest when all is acknowledged; the current one when the log has no
 * record), and never more than {@value #MAX_DISCARDS} are kept (the newest): at open and whenever
 * retention deletes a cycle file.
 */
final class ChronicleLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChronicleLog.class);

  /** The most {@code .discard} files a log keeps. */
  static final int MAX_DISCARDS = 8;

  private final int partition;
  private final int band;
  private final Path directory;
  private final SyncPolicy syncPolicy;
  private final AckFile ackFile;
  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;
  private final CycleIndex cycles = new CycleIndex();

  private final ReentrantLock appendLock = new ReentrantLock();

  /** Package-private: a test holds it to show that no other log waits for it. */
  final ReentrantLock readerLock = new ReentrantLock();

  private final Object syncLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean open;

  private final ThreadLocal<ExcerptAppender> appender = new ThreadLocal<>();
  private final Set<ExcerptAppender> appenders = ConcurrentHashMap.newKeySet();

  /** Open channels of cycle files, for forcing them (BATCH); by cycle. */
  private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();

  /** The next position to assign; written under {@link #appendLock}, read anywhere. */
  private volatile long end;

  /** Every position below it is acknowledged; written under {@link #readerLock}, read anywhere. */
  private volatile long acknowledged;

  /** Cycle of the last append. Guarded by {@link #appendLock}. */
  private int lastAppendCycle;

  /** Everything below it was forced. Guarded by {@link #syncLock}. */
  private long syncedEnd;

  /** The reader's tailer, or null before the first read. Guarded by {@link #readerLock}. */
  private ExcerptTailer tailer;

  /** The position the tailer reads next, or -1 to seek. Guarded by {@link #readerLock}. */
  private long tailerNext = -1;

  /** Guarded by {@link #readerLock}. */
  private byte[] readBuffer = new byte[4096];

  /** A position below the end the last read could not read, or -1. Guarded by readerLock. */
  private long unreadablePosition = -1;

  /** Since when {@link #unreadablePosition} is unreadable. Guarded by {@link #readerLock}. */
  private long unreadableSinceNanos;

  /**
   * How long a position below the end may stay unreadable before {@link #read} fails: longer than
   * Chronicle's own waits for a roll-cycle header (its timeoutMS, 10 s by default). Tests lower it.
   */
  volatile long unreadableTimeoutNanos = TimeUnit.SECONDS.toNanos(30);

  /**
   * Opens (or creates) the log in {@code directory}, which must exist; the caller holds the queue
   * directory's lock.
   *
   * @throws IllegalStateException naming the file when a file is corrupt or truncated
   */
  ChronicleLog(
      Path directory,
      int partition,
      int band,
      SyncPolicy syncPolicy,
      RollCycle rollCycle,
      TimeProvider timeProvider) {
    this.directory = directory;
    this.partition = partition;
    this.band = band;
    this.syncPolicy = syncPolicy;
    this.ackFile = new AckFile(directory);
    LogRecovery.setAsideInterruptedCycleFiles(directory);
    AckFile.State stored = ackFile.read();
    this.acknowledged = stored.acknowledged();
    SingleChronicleQueue q;
    try {
      q =
          ChronicleQueue.singleBuilder(directory)
              .rollCycle(rollCycle)
              .timeProvider(timeProvider)
              // EVERY: the appender's sync() msyncs what it wrote; otherwise sync() is a no-op
              .syncMode(syncPolicy == SyncPolicy.EVERY ? SyncMode.SYNC : SyncMode.NONE)
              .build();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot open the chronicle queue in "
              + directory
              + " (a queue file or "
              + SingleChronicleQueue.QUEUE_METADATA_FILE
              + " is truncated or corrupt?): "
              + e,
          e);
    }
    this.queue = q;
    try {
      this.rollCycle = q.rollCycle();
      LogRecovery.releaseStaleLocks(q, directory);
      LogRecovery.Result r =
          new LogRecovery(
                  directory.toString(),
                  partition,
                  band,
                  q,
                  cycles,
                  stored.acknowledged(),
                  stored.highWater(),
                  ackFile.path())
              .run();
      this.end = r.end();
      this.lastAppendCycle = r.lastCycle();
      this.syncedEnd = end;
      deleteOldDiscards();
      this.open = true;
    } catch (RuntimeException | Error e) {
      closeQuietly(q);
      throw e;
    }
  }

  int partition() {
    return partition;
  }

  int band() {
    return band;
  }

  Path directory() {
    return directory;
  }

  // ------------------------------------------------------------------ append

  /**
   * Appends a record whose body {@code enc} holds ({@link TaskRecord.Encoder#encodeBody}); the
   * caller reserved room for it in the queue's capacity.
   *
   * @return its position
   * @throws IllegalStateException when the log is closed or Chronicle fails
   */
  long append(TaskRecord.Encoder enc) {
    ensureOpen();
    ExcerptAppender app = appender();
    long position;
    appendLock.lock();
    try {
      ensureOpen();
      position = end;
      enc.finish(position);
      DocumentContext dc = app.writingDocument();
      try {
        dc.wire().bytes().write(enc.buf, 0, enc.length());
      } catch (RuntimeException | Error e) {
        dc.rollbackOnClose();
        throw e;
      } finally {
        dc.close();
      }
      long index = app.lastIndexAppended();
      int cycle = rollCycle.toCycle(index);
      if (cycle != lastAppendCycle) {
        cycles.put(position, cycle, index, app.currentFile());
        lastAppendCycle = cycle;
      }
      end = position + 1;
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot append to the chronicle queue in " + directory + ": " + e, e);
    } finally {
      appendLock.unlock();
    }
    if (syncPolicy == SyncPolicy.EVERY) {
      app.sync();
    }
    return position;
  }

  /** This thread's appender: Chronicle appenders belong to one thread. */
  private ExcerptAppender appender() {
    ExcerptAppender a = appender.get();
    if (a == null || a.isClosed()) {
      a = queue.createAppender();
      appender.set(a);
      appenders.add(a);
    }
    return a;
  }

  // ------------------------------------------------------------------ read

  /** See {@link dev.indexqueue.spi.TaskQueue#read}. */
  List<QueuedTask> read(long fromPosition, int maxTasks) {
    readerLock.lock();
    try {
      ensureOpen();
      long p = Math.max(fromPosition, acknowledged);
      long e = end;
      if (p >= e) {
        return List.of();
      }
      if (tailer == null) {
        tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
      }
      if (p != tailerNext) {
        seek(p);
      }
      List<QueuedTask> out = new ArrayList<>((int) Math.min(maxTasks, e - p));
      while (out.size() < maxTasks && tailerNext < e) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break; // handled below: every position below the end must become readable
          }
          String where = LogRecovery.where(tailer.currentFile(), dc.index(), tailerNext);
          Bytes<?> bytes = dc.wire().bytes();
          int len = copy(bytes);
          TaskRecord.Decoded d = TaskRecord.decode(partition, band, readBuffer, len, where);
          if (d.position() != tailerNext) {
            tailerNext = -1;
            throw new IllegalStateException(
                "Chronicle queue record out of sequence in "
                    + where
                    + ": it holds position "
                    + d.position());
          }
          out.add(new QueuedTask(partition, band, d.position(), d.task(), d.predecessor()));
          tailerNext++;
        }
      }
      if (out.isEmpty()) {
        unreadable(p, e);
      } else {
        unreadablePosition = -1;
      }
      return out;
    } catch (IllegalStateException e) {
      tailerNext = -1;
      throw e;
    } catch (RuntimeException e) {
      tailerNext = -1;
      throw new IllegalStateException(
          "Cannot read the chronicle queue in "
              + directory
              + " at position "
              + fromPosition
              + ": "
              + e,
          e);
    } finally {
      readerLock.unlock();
    }
  }

  /**
   * Position {@code p}, below the end, could not be read. Every position below the end was
   * completely appended (by this process, or found complete at open), so this is transient at most:
   * the next read seeks afresh; when the same position stays unreadable for {@link
   * #unreadableTimeoutNanos}, fails rather than let the caller poll an end it can never reach.
   */
  private void unreadable(long p, long e) {
    long now = System.nanoTime();
    tailerNext = -1; // seek again next time
    if (unreadablePosition != p) {
      unreadablePosition = p;
      unreadableSinceNanos = now;
      return;
    }
    if (now - unreadableSinceNanos < unreadableTimeoutNanos) {
      return;
    }
    unreadablePosition = -1;
    Map.Entry<Long, CycleIndex.CycleStart> c = cycles.floor(p);
    File file = tailer.currentFile();
    throw new IllegalStateException(
        "Chronicle queue in "
            + directory
            + ": position "
            + p
            + " is below the end ("
            + e
            + ") but has not been readable for "
            + TimeUnit.NANOSECONDS.toMillis(now - unreadableSinceNanos)
            + " ms; the tailer stopped in file "
            + (file != null ? file : c == null ? "(none)" : c.getValue().file())
            + " at index "
            + Long.toHexString(tailer.index())
            + " (an incomplete or corrupt record, or the file was changed behind the queue)");
  }

  /** Positions the tailer so the next document it reads holds position {@code p} (< end). */
  private void seek(long p) {
    Map.Entry<Long, CycleIndex.CycleStart> e = cycles.floor(p);
    if (e == null) {
      throw new IllegalStateException(
          "Chronicle queue in " + directory + " has no record file for position " + p);
    }
    CycleIndex.CycleStart c = e.getValue();
    long guess = c.index() + (p - e.getKey());
    if (rollCycle.toCycle(guess) == c.cycle() && tailer.moveToIndex(guess)) {
      if (LogRecovery.peekPosition(tailer) == p) {
        tailer.moveToIndex(guess);
        tailerNext = p;
        return;
      }
    }
    // records were not numbered densely by Chronicle in this cycle: walk from its first record
    if (!tailer.moveToIndex(c.index())) {
      throw new IllegalStateException(
          "Chronicle queue in "
              + directory
              + ": cannot move to the first record of "
              + c.file()
              + " (index "
              + Long.toHexString(c.index())
              + "); was the file deleted or truncated?");
    }
    long q = e.getKey();
    while (q < p) {
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          throw new IllegalStateException(
              "Chronicle queue in "
                  + directory
                  + ": position "
                  + p
                  + " not found after "
                  + q
                  + " in "
                  + c.file());
        }
        q++;
      }
    }
    tailerNext = p;
  }

  /** Copies the record into {@link #readBuffer}; returns its length. Under readerLock. */
  private int copy(Bytes<?> bytes) {
    long remaining = bytes.readRemaining();
    if (remaining > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("record of " + remaining + " bytes is too large");
    }
    int len = (int) remaining;
    if (readBuffer.length < len) {
      readBuffer = new byte[Math.max(len, readBuffer.length * 2)];
    }
    bytes.read(readBuffer, 0, len);
    return len;
  }

  // ------------------------------------------------------------------ acknowledge and retention

  /**
   * Acknowledges every position below {@code position} (clamped to the end).
   *
   * @return how many tasks this released (0 when the position is not above the acknowledged one)
   */
  long acknowledge(long position) {
    readerLock.lock();
    try {
      ensureOpen();
      long before = acknowledged;
      long target = Math.min(position, end);
      if (target <= before) {
        return 0;
      }
      List<Map.Entry<Long, CycleIndex.CycleStart>> expired = cycles.expired(target);
      // the acknowledged position must reach the device before files it releases are deleted;
      // otherwise a lost (older) position only means more replay, which is idempotent: no fsync
      ackFile.write(target, end, !expired.isEmpty());
      acknowledged = target;
      if (!expired.isEmpty()) {
        delete(expired);
        deleteOldDiscards();
      }
      if (tailerNext >= 0 && tailerNext < target) {
        tailerNext = -1;
      }
      return target - before;
    } finally {
      readerLock.unlock();
    }
  }

  /** Deletes cycle files wholly acknowledged. Under readerLock. */
  private void delete(List<Map.Entry<Long, CycleIndex.CycleStart>> expired) {
    for (Map.Entry<Long, CycleIndex.CycleStart> e : expired) {
      CycleIndex.CycleStart c = e.getValue();
      synchronized (syncLock) { // a concurrent sync() must not reopen the file being deleted
        closeQuietly(channels.remove(c.cycle()));
        try {
          Files.deleteIfExists(c.file().toPath());
          cycles.remove(e.getKey());
          LOG.debug(
              "chronicle queue {}: deleted {} (all its tasks are acknowledged)",
              directory,
              c.file());
        } catch (IOException x) {
          LOG.warn(
              "chronicle queue {}: cannot delete {}: {}; will retry",
              directory,
              c.file(),
              x.toString());
        }
      }
    }
    queue.refreshDirectoryListing();
  }

  /**
   * Deletes {@code .discard} files older than the oldest cycle retention keeps, then all but the
   * newest {@value #MAX_DISCARDS}. They never held a record (see {@link LogRecovery}). At open, or
   * under readerLock.
   */
  private void deleteOldDiscards() {
    List<Path> discards = discardFiles();
    if (discards.isEmpty()) {
      return;
    }
    int keepFrom = cycles.isEmpty() ? queue.cycle() : cycles.oldestKeptCycle(acknowledged);
    RollingResourcesCache names =
        new RollingResourcesCache(
            rollCycle,
            queue.epoch(),
            name -> new File(directory.toFile(), name + SingleChronicleQueue.SUFFIX),
            f -> {
              String n = f.getName();
              return n.substring(0, n.length() - SingleChronicleQueue.SUFFIX.length());
            });
    record Discard(Path file, int cycle) {}
    List<Discard> kept = new ArrayList<>();
    for (Path f : discards) {
      int cycle = discardCycle(names, f);
      if (cycle != Integer.MIN_VALUE && cycle < keepFrom) {
        deleteDiscard(f, "its cycle is older than every cycle the log keeps");
      } else {
        kept.add(new Discard(f, cycle));
      }
    }
    if (kept.size() > MAX_DISCARDS) {
      kept.sort(
          Comparator.comparingInt(Discard::cycle)
              .thenComparing(d -> d.file().getFileName().toString()));
      for (Discard d : kept.subList(0, kept.size() - MAX_DISCARDS)) {
        deleteDiscard(d.file(), "the log keeps only the newest " + MAX_DISCARDS);
      }
    }
  }

  /** The {@code .discard} files of this log, by name. */
  List<Path> discardFiles() {
    try (Stream<Path> s = Files.list(directory)) {
      return s.filter(
              p -> p.getFileName().toString().endsWith(SingleChronicleQueue.DISCARD_FILE_SUFFIX))
          .sorted()
          .toList();
    } catch (IOException e) {
      LOG.warn("chronicle queue {}: cannot list it: {}", directory, e.toString());
      return List.of();
    }
  }

  /**
   * The cycle of a file named {@code <cycle name>.cq4-<millis>.discard} (as this queue and
   * Chronicle name them), or {@link Integer#MIN_VALUE} when the name is not of that form.
   */
  private static int discardCycle(RollingResourcesCache names, Path file) {
    String n = file.getFileName().toString();
    int cq4 = n.lastIndexOf(SingleChronicleQueue.SUFFIX + "-");
    if (cq4 <= 0) {
      return Integer.MIN_VALUE;
    }
    try {
      return names.parseCount(n.substring(0, cq4));
    } catch (RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }

  private void deleteDiscard(Path f, String why) {
    try {
      Files.deleteIfExists(f);
      LOG.info("chronicle queue {}: deleted {} ({}; it never held a record)", directory, f, why);
    } catch (IOException e) {
      LOG.warn("chronicle queue {}: cannot delete {}: {}", directory, f, e.toString());
    }
  }

  // ------------------------------------------------------------------ sync

  /**
   * Forces the cycle files written since the last sync (BATCH), then stores the high-water mark.
   */
  void sync() {
    if (syncPolicy != SyncPolicy.BATCH || !open) {
      return;
    }
    long e = end;
    synchronized (syncLock) {
      if (e <= syncedEnd || !open) {
        return;
      }
      // force every cycle file holding a position in [syncedEnd, e)
      for (CycleIndex.CycleStart c : cycles.from(syncedEnd)) {
        force(c);
      }
      syncedEnd = e;
    }
    ackFile.write(acknowledged, e, false); // the high-water mark: detects a truncated file on open
  }

  /** Under syncLock. */
  private void force(CycleIndex.CycleStart c) {
    try {
      FileChannel ch = channels.get(c.cycle());
      if (ch == null) {
        ch = FileChannel.open(c.file().toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        channels.put(c.cycle(), ch);
      }
      ch.force(false);
    } catch (IOException x) {
      throw new UncheckedIOException(
          "Cannot force the chronicle queue file " + c.file() + " to disk", x);
    }
  }

  // ------------------------------------------------------------------ state

  long firstPosition() {
    return acknowledged;
  }

  long endPosition() {
    return end;
  }

  /** Tasks held and not acknowledged. */
  long size() {
    return Math.max(0, end - acknowledged);
  }

  private void ensureOpen() {
    if (!open) {
      throw new IllegalStateException("chronicle queue " + directory + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    appendLock.lock();
    readerLock.lock();
    try {
      try {
        ackFile.write(acknowledged, end, false);
      } catch (RuntimeException e) {
        LOG.warn(
            "chronicle queue {}: cannot store the high-water mark on close: {}",
            directory,
            e.toString());
      }
      open = false;
      synchronized (syncLock) {
        for (FileChannel ch : channels.values()) {
          closeQuietly(ch);
        }
        channels.clear();
      }
      closeQuietly(tailer);
      for (ExcerptAppender a : appenders) {
        closeQuietly(a);
      }
      appenders.clear();
      closeQuietly(queue);
    } finally {
      readerLock.unlock();
      appendLock.unlock();
    }
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", c, e.toString());
    }
  }

  @Override
  public String toString() {
    return "log " + partition + "/" + band + " [" + acknowledged + ", " + end + ")";
  }
}
