package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
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
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent, bounded {@link TaskQueue} on Chronicle Queue. Safe for any number of appending
 * threads and one reader at a time; {@link #read} and {@link #acknowledge} may come from different
 * threads (they take one lock). Tasks survive a crash of the process once {@link #append} returned;
 * what survives a power loss follows the {@link SyncPolicy}.
 *
 * <p><b>Positions</b> are a dense counter 0, 1, 2, … kept in each record (see {@link TaskRecord}),
 * assigned under an append lock in the order records enter the Chronicle file, so file order is
 * position order. A restart continues after the last record (or the acknowledged position when it
 * is higher), so positions are never reused. For each roll cycle the queue remembers the position
 * and Chronicle index of its first record, which lets {@link #read} seek to any position (including
 * one in an older cycle) by arithmetic, checked against the position stored in the record.
 *
 * <p><b>Recovery</b>: opening scans every record still on disk, verifies each checksum and that
 * positions are consecutive, and fails with an {@link IllegalStateException} naming the file and
 * index of the first bad record: corruption is reported, never skipped. (A bad record below the
 * acknowledged position is only logged: it will never be read.)
 *
 * <p><b>Killed writers</b>: a process killed in the middle of an append leaves Chronicle's write
 * lock taken (released at open when its holder is dead), possibly an incomplete record header at
 * the end of the newest file (that record's {@link #append} never returned, so it was never
 * acknowledged to its producer: open logs it and the next append overwrites it), and, when it was
 * killed while Chronicle created a new roll-cycle file, a file whose own header never completed.
 * Such a file holds no record; Chronicle's readers would wait on it for their timeout on every
 * visit (and a process that only drains never repairs it), so open moves it aside as {@code
 * <file>-<millis>.discard}, as Chronicle itself does, and logs it.
 *
 * <p><b>Retention</b>: the acknowledged position is stored in {@value AckFile#NAME}; roll-cycle
 * files whose records are all below it, and that are not the newest, are deleted on {@link
 * #acknowledge}.
 *
 * <p><b>Exclusive use</b>: a lock file ({@value #LOCK_FILE}) held with {@link
 * FileChannel#tryLock()} keeps a second queue, in this or another process, out of the directory.
 */
final class ChronicleTaskQueue implements TaskQueue {
  private static final Logger LOG = LoggerFactory.getLogger(ChronicleTaskQueue.class);
  static final String LOCK_FILE = "indexqueue.lock";

  /**
   * What a queue is opened with. Immutable.
   *
   * @param directory where the queue files live
   * @param capacity the most unacknowledged tasks
   * @param syncPolicy when to force records to the device
   * @param rollCycle how often Chronicle starts a new file
   * @param timeProvider Chronicle's clock, which decides the roll cycle (tests set it)
   */
  record Settings(
      Path directory,
      long capacity,
      SyncPolicy syncPolicy,
      RollCycle rollCycle,
      TimeProvider timeProvider) {
    Settings {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(syncPolicy, "syncPolicy");
      Objects.requireNonNull(rollCycle, "rollCycle");
      Objects.requireNonNull(timeProvider, "timeProvider");
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity: must be at least 1, was: " + capacity);
      }
    }
  }

  /** The first record of one roll cycle. */
  private record CycleStart(int cycle, long index, File file) {}

  private final Path directory;
  private final long capacity;
  private final SyncPolicy syncPolicy;
  private final AckFile ackFile;

  /** The high-water mark read at open: every position below it was written before. */
  private long storedHighWater;

  private final FileChannel lockChannel;
  private final FileLock directoryLock;
  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;

  private final ReentrantLock appendLock = new ReentrantLock();
  private final ReentrantLock readerLock = new ReentrantLock();
  private final Object syncLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean open;

  private final ThreadLocal<ExcerptAppender> appender = new ThreadLocal<>();
  private final Set<ExcerptAppender> appenders = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<TaskRecord.Encoder> encoder =
      ThreadLocal.withInitial(TaskRecord.Encoder::new);

  /** First position of each roll cycle that has records, to its cycle. */
  private final ConcurrentSkipListMap<Long, CycleStart> cycles = new ConcurrentSkipListMap<>();

  /** Open channels of cycle files, for forcing them (BATCH). */
  private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();

  /** The next position to assign; written under {@link #appendLock}. */
  private volatile long end;

  /** Every position below it is acknowledged; written under {@link #readerLock}. */
  private volatile long acknowledged;

  /** Cycle of the last append; under {@link #appendLock}. */
  private int lastAppendCycle = Integer.MIN_VALUE;

  /** Everything below it was forced; under {@link #syncLock}. */
  private long syncedEnd;

  // reader state, under readerLock
  private ExcerptTailer tailer;
  private long tailerNext = -1;
  private byte[] readBuffer = new byte[4096];

  /** A position below {@link #end} that the last read could not read, or -1; since when. */
  private long unreadablePosition = -1;

  private long unreadableSinceNanos;

  /**
   * How long a position below the end may stay unreadable before {@link #read} fails: longer than
   * Chronicle's own waits for a roll-cycle header (its timeoutMS, 10 s by default). Tests lower it.
   */
  long unreadableTimeoutNanos = TimeUnit.SECONDS.toNanos(30);

  ChronicleTaskQueue(Settings settings) {
    this.directory = settings.directory().toAbsolutePath().normalize();
    this.capacity = settings.capacity();
    this.syncPolicy = settings.syncPolicy();
    JvmOptions.check(SingleChronicleQueue.class.getModule());
    if (System.getProperty("chronicle.analytics.disable") == null) {
      System.setProperty("chronicle.analytics.disable", "true");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot create " + directory, e);
    }
    this.ackFile = new AckFile(directory);
    this.lockChannel = openLockFile(directory.resolve(LOCK_FILE));
    this.directoryLock = lock(lockChannel, directory.resolve(LOCK_FILE));
    SingleChronicleQueue q = null;
    try {
      setAsideInterruptedCycleFiles(directory);
      AckFile.State stored = ackFile.read();
      this.acknowledged = stored.acknowledged();
      this.storedHighWater = stored.highWater();
      try {
        q =
            ChronicleQueue.singleBuilder(directory)
                .rollCycle(settings.rollCycle())
                .timeProvider(settings.timeProvider())
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
      this.rollCycle = q.rollCycle();
      releaseStaleLocks();
      recover();
      this.syncedEnd = end;
      this.open = true;
    } catch (RuntimeException | Error e) {
      closeQuietly(q);
      releaseDirectoryLock();
      throw e;
    }
  }

  // ------------------------------------------------------------------ opening

  private static FileChannel openLockFile(Path file) {
    try {
      return FileChannel.open(
          file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot create the lock file " + file, e);
    }
  }

  private static FileLock lock(FileChannel ch, Path file) {
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new IllegalStateException(
          "The chronicle queue in "
              + file.getParent()
              + " is already open in this process (lock file "
              + file
              + "); close it before opening it again",
          e);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
    if (lock == null) {
      String holder = "";
      try {
        String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
        holder = pid.isEmpty() ? "" : " (process " + pid + ")";
      } catch (IOException ignored) {
        // the message just lacks the process id
      }
      closeQuietly(ch);
      throw new IllegalStateException(
          "The chronicle queue in "
              + file.getParent()
              + " is held by another process"
              + holder
              + ": lock file "
              + file
              + " is locked. One queue directory serves one process at a time.");
    }
    try {
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
    } catch (IOException e) {
      LOG.debug("cannot write the process id into {}: {}", file, e.toString());
    }
    return lock;
  }

  /**
   * A process killed while appending leaves Chronicle's write lock taken; Chronicle would wait for
   * its timeout before forcing it. We hold the directory lock, so no live process of ours can hold
   * it: release it at once when its holder is dead, and refuse when a live foreign process does.
   */
  private void releaseStaleLocks() {
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

  /**
   * Moves aside every roll-cycle file whose own header never completed: its creator was killed
   * while Chronicle created it. Such a file holds no record (Chronicle writes records only after
   * the file's header is complete), and no live process can be creating it: we hold the directory
   * lock. Left in place, every Chronicle reader waits on it for the queue's timeout at each visit,
   * and only an appender of the same cycle would replace it (after the same wait).
   */
  private static void setAsideInterruptedCycleFiles(Path directory) {
    List<Path> files;
    try (Stream<Path> s = Files.list(directory)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the chronicle queue directory " + directory, e);
    }
    for (Path f : files) {
      int header;
      long size;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        size = ch.size();
        ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder());
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
      LOG.warn(
          "chronicle queue {}: file {} ({} bytes) was being created by a process that died: its"
              + " header never completed (0x{}), so it holds no record; moved it aside to {}",
          directory,
          f,
          size,
          Integer.toHexString(header),
          aside);
    }
  }

  /**
   * Finds each cycle's first record and the end, and verifies every unacknowledged record. Records
   * below the acknowledged position are never read again, so they are skipped without being
   * decoded: only the first record of each cycle is looked at (for its position), and the scan
   * starts at the acknowledged position. When that shortcut meets anything unexpected it falls back
   * to {@link #recoverByFullScan()}.
   */
  private void recover() {
    if (!(acknowledged > 0 && recoverFromAcknowledged())) {
      cycles.clear();
      recoverByFullScan();
    }
    checkHighWater();
  }

  /** Records below the stored high-water mark were written: missing ones mean a truncated file. */
  private void checkHighWater() {
    if (end < storedHighWater) {
      String newest =
          cycles.isEmpty()
              ? "(no queue file left)"
              : String.valueOf(cycles.lastEntry().getValue().file());
      throw new IllegalStateException(
          "Chronicle queue file "
              + newest
              + " in "
              + directory
              + " is truncated: its last record holds position "
              + (end - 1)
              + " but positions up to "
              + (storedHighWater - 1)
              + " were written (high-water mark in "
              + ackFile.path()
              + ")");
    }
  }

  /** The fast path of {@link #recover()}; false when the full scan must decide. */
  private boolean recoverFromAcknowledged() {
    try (ExcerptTailer t = queue.createTailer()) {
      int first = queue.firstCycle();
      int lastCycle = queue.lastCycle();
      if (first == Integer.MAX_VALUE || lastCycle == Integer.MIN_VALUE || first > lastCycle) {
        return false;
      }
      long previous = -1;
      for (int c = first; c <= lastCycle; ) {
        if (t.moveToCycle(c)) {
          try (DocumentContext dc = t.readingDocument()) {
            if (dc.isPresent() && rollCycle.toCycle(dc.index()) == c) {
              Bytes<?> bytes = dc.wire().bytes();
              long len = bytes.readRemaining();
              if (len < TaskRecord.MIN_LENGTH) {
                return false;
              }
              long position = bytes.readLong(bytes.readPosition() + len - 12);
              if (position <= previous || position < 0) {
                return false;
              }
              cycles.put(position, new CycleStart(c, dc.index(), t.currentFile()));
              previous = position;
            }
          }
        }
        if (c == lastCycle) {
          break;
        }
        int next;
        try {
          next = queue.nextCycle(c, net.openhft.chronicle.queue.TailerDirection.FORWARD);
        } catch (java.text.ParseException e) {
          return false;
        }
        if (next <= c) {
          break;
        }
        c = next;
      }
      if (cycles.isEmpty() || cycles.firstKey() > acknowledged) {
        return false; // let the full scan report missing files
      }
    } catch (RuntimeException e) {
      LOG.debug(
          "chronicle queue {}: quick recovery failed ({}); scanning every record",
          directory,
          e.toString());
      cycles.clear();
      return false;
    }
    long lastOnDisk;
    try {
      lastOnDisk = lastRecordPosition();
    } catch (RuntimeException e) {
      cycles.clear();
      return false;
    }
    if (lastOnDisk < 0 || lastOnDisk < cycles.lastKey()) {
      cycles.clear();
      return false;
    }
    if (tailer == null) {
      tailer = queue.createTailer();
      tailer.singleThreadedCheckDisabled(true);
    }
    long last = acknowledged - 1;
    int lastCycle = Integer.MIN_VALUE;
    try {
      if (lastOnDisk < acknowledged) {
        // everything on disk is acknowledged: nothing to verify
        lastCycle = cycles.lastEntry().getValue().cycle();
      } else if (seekIfPresent(acknowledged)) {
        // verify every unacknowledged record, as the full scan does
        while (true) {
          try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
              break;
            }
            long index = dc.index();
            String where = where(tailer.currentFile(), index, last + 1);
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
              Map.Entry<Long, CycleStart> known = cycles.floorEntry(position);
              if (known == null || known.getValue().cycle() != cycle) {
                cycles.put(position, new CycleStart(cycle, index, tailer.currentFile()));
              }
              lastCycle = cycle;
            }
            last = position;
          }
        }
        if (last < lastOnDisk) {
          cycles.clear();
          return false; // stopped before the last record: let the full scan find out why
        }
      } else {
        cycles.clear();
        return false;
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot read the chronicle queue in " + directory + " (truncated or corrupt file?): " + e,
          e);
    } finally {
      tailerNext = -1;
    }
    end = Math.max(acknowledged, last + 1);
    lastAppendCycle =
        lastCycle == Integer.MIN_VALUE ? cycles.lastEntry().getValue().cycle() : lastCycle;
    if (end > acknowledged) {
      LOG.info(
          "chronicle queue {}: {} unacknowledged task(s) recovered, positions {} to {}",
          directory,
          end - acknowledged,
          acknowledged,
          end - 1);
    }
    return true;
  }

  /**
   * Positions the reader's tailer at the record holding position {@code p}; false when it cannot be
   * found that way.
   */
  private boolean seekIfPresent(long p) {
    Map.Entry<Long, CycleStart> e = cycles.floorEntry(p);
    CycleStart c = e.getValue();
    long guess = c.index() + (p - e.getKey());
    if (rollCycle.toCycle(guess) == c.cycle() && tailer.moveToIndex(guess) && peekPosition() == p) {
      return tailer.moveToIndex(guess);
    }
    if (!tailer.moveToIndex(c.index())) {
      return false;
    }
    long q = e.getKey();
    while (q < p) {
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          return false;
        }
        q++;
      }
    }
    long index;
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return false;
      }
      Bytes<?> bytes = dc.wire().bytes();
      long len = bytes.readRemaining();
      if (len < TaskRecord.MIN_LENGTH || bytes.readLong(bytes.readPosition() + len - 12) != p) {
        return false;
      }
      index = dc.index();
    }
    return tailer.moveToIndex(index);
  }

  /** The position held by the last record on disk, or -1 when it cannot be read. */
  private long lastRecordPosition() {
    try (ExcerptTailer t =
        queue
            .createTailer()
            .direction(net.openhft.chronicle.queue.TailerDirection.BACKWARD)
            .toEnd()) {
      try (DocumentContext dc = t.readingDocument()) {
        if (!dc.isPresent()) {
          return -1;
        }
        Bytes<?> bytes = dc.wire().bytes();
        long len = bytes.readRemaining();
        if (len < TaskRecord.MIN_LENGTH) {
          return -1;
        }
        return bytes.readLong(bytes.readPosition() + len - 12);
      }
    }
  }

  /** Scans every record on disk: verifies it, finds each cycle's first record and the end. */
  private void recoverByFullScan() {
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
            cycles.put(position, new CycleStart(cycle, index, t.currentFile()));
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
          "Cannot read the chronicle queue in " + directory + " (truncated or corrupt file?): " + e,
          e);
    }
    if (!cycles.isEmpty() && cycles.firstKey() > acknowledged) {
      CycleStart first = cycles.firstEntry().getValue();
      throw new IllegalStateException(
          "Chronicle queue files are missing in "
              + directory
              + ": positions from "
              + acknowledged
              + " are not acknowledged ("
              + ackFile.path()
              + ") but the oldest record, in "
              + first.file()
              + ", holds position "
              + cycles.firstKey());
    }
    if (lastFile != null) {
      logIncompleteRecord(lastFile, lastRecordEnd, last + 1);
    }
    end = Math.max(acknowledged, last + 1);
    lastAppendCycle = lastCycle;
    if (end > acknowledged) {
      LOG.info(
          "chronicle queue {}: {} unacknowledged task(s) recovered, positions {} to {}",
          directory,
          end - acknowledged,
          acknowledged,
          end - 1);
    }
  }

  /**
   * Logs an incomplete record after the last complete one: an append interrupted by the death of
   * its process. Its {@link #append} never returned, so no producer was told it was accepted; it is
   * dropped (Chronicle's next append overwrites it, with a warning of its own). Best effort: only
   * diagnostics depend on it.
   */
  private void logIncompleteRecord(File file, long from, long position) {
    try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder());
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
              directory,
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
          directory,
          file,
          e.toString());
    }
  }

  /** Checks a record's checksum and layout and returns its position, without decoding it. */
  private long verify(Bytes<?> bytes, String where) {
    int len = (int) bytes.readRemaining();
    return TaskRecord.decode(copy(bytes), len, where).position();
  }

  private byte[] copy(Bytes<?> bytes) {
    long remaining = bytes.readRemaining();
    if (remaining > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("record of " + remaining + " bytes is too large");
    }
    int len = (int) remaining;
    if (readBuffer.length < len) {
      readBuffer = new byte[Math.max(len, readBuffer.length * 2)];
    }
    bytes.read(readBuffer, 0, len);
    return readBuffer;
  }

  private static String where(File file, long index, long position) {
    return "file "
        + file
        + " at index "
        + Long.toHexString(index)
        + (position >= 0 ? " (position " + position + ")" : " (the first record on disk)");
  }

  // ------------------------------------------------------------------ append

  @Override
  public long append(IndexTask task) {
    Objects.requireNonNull(task, "task");
    ensureOpen();
    TaskRecord.Encoder enc = encoder.get();
    enc.encodeBody(task);
    ExcerptAppender app = appender();
    long position;
    appendLock.lock();
    try {
      ensureOpen();
      position = end;
      if (position - acknowledged >= capacity) {
        return FULL;
      }
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
        cycles.put(position, new CycleStart(cycle, index, app.currentFile()));
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

  @Override
  public List<QueuedTask> read(long fromPosition, int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks: must be at least 1, was: " + maxTasks);
    }
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
          long index = dc.index();
          String where = where(tailer.currentFile(), index, tailerNext);
          Bytes<?> bytes = dc.wire().bytes();
          int len = (int) bytes.readRemaining();
          TaskRecord.Decoded d = TaskRecord.decode(copy(bytes), len, where);
          if (d.position() != tailerNext) {
            tailerNext = -1;
            throw new IllegalStateException(
                "Chronicle queue record out of sequence in "
                    + where
                    + ": it holds position "
                    + d.position());
          }
          out.add(new QueuedTask(d.position(), d.task()));
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
    Map.Entry<Long, CycleStart> c = cycles.floorEntry(p);
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
    Map.Entry<Long, CycleStart> e = cycles.floorEntry(p);
    if (e == null) {
      throw new IllegalStateException(
          "Chronicle queue in " + directory + " has no record file for position " + p);
    }
    CycleStart c = e.getValue();
    long guess = c.index() + (p - e.getKey());
    if (rollCycle.toCycle(guess) == c.cycle() && tailer.moveToIndex(guess)) {
      if (peekPosition() == p) {
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

  /** The position of the next record, without consuming it; -1 when there is none. */
  private long peekPosition() {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return -1;
      }
      Bytes<?> bytes = dc.wire().bytes();
      long len = bytes.readRemaining();
      if (len < TaskRecord.MIN_LENGTH) {
        return -1;
      }
      return bytes.readLong(bytes.readPosition() + len - 12);
    }
  }

  // ------------------------------------------------------------------ acknowledge and retention

  @Override
  public void acknowledge(long position) {
    readerLock.lock();
    try {
      ensureOpen();
      long target = Math.min(position, end);
      if (target <= acknowledged) {
        return;
      }
      List<Map.Entry<Long, CycleStart>> expired = expiredCycles(target);
      // the acknowledged position must reach the device before files it releases are deleted;
      // otherwise a lost (older) position only means more replay, which is idempotent: no fsync
      ackFile.write(target, end, !expired.isEmpty());
      acknowledged = target;
      if (!expired.isEmpty()) {
        delete(expired);
      }
      if (tailerNext >= 0 && tailerNext < target) {
        tailerNext = -1;
      }
    } finally {
      readerLock.unlock();
    }
  }

  /** Cycles whose records are all below {@code ack} and that are not the newest. */
  private List<Map.Entry<Long, CycleStart>> expiredCycles(long ack) {
    List<Map.Entry<Long, CycleStart>> out = new ArrayList<>();
    Iterator<Map.Entry<Long, CycleStart>> it = cycles.entrySet().iterator();
    Map.Entry<Long, CycleStart> prev = null;
    while (it.hasNext()) {
      Map.Entry<Long, CycleStart> e = it.next();
      if (prev != null) {
        if (e.getKey() <= ack) {
          out.add(prev);
        } else {
          break;
        }
      }
      prev = e;
    }
    return out;
  }

  private void delete(List<Map.Entry<Long, CycleStart>> expired) {
    for (Map.Entry<Long, CycleStart> e : expired) {
      CycleStart c = e.getValue();
      FileChannel ch = channels.remove(c.cycle());
      closeQuietly(ch);
      try {
        Files.deleteIfExists(c.file().toPath());
        cycles.remove(e.getKey());
        LOG.debug(
            "chronicle queue {}: deleted {} (all its tasks are acknowledged)", directory, c.file());
      } catch (IOException x) {
        LOG.warn(
            "chronicle queue {}: cannot delete {}: {}; will retry",
            directory,
            c.file(),
            x.toString());
      }
    }
    queue.refreshDirectoryListing();
  }

  // ------------------------------------------------------------------ sync

  @Override
  public void sync() {
    if (syncPolicy != SyncPolicy.BATCH || !open) {
      return;
    }
    long e = end;
    synchronized (syncLock) {
      if (e <= syncedEnd || !open) {
        return;
      }
      // force every cycle file holding a position in [syncedEnd, e)
      Map.Entry<Long, CycleStart> from = cycles.floorEntry(syncedEnd);
      for (CycleStart c : (from == null ? cycles : cycles.tailMap(from.getKey(), true)).values()) {
        force(c);
      }
      syncedEnd = e;
    }
    ackFile.write(acknowledged, e, false); // the high-water mark: detects a truncated file on open
  }

  private void force(CycleStart c) {
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

  @Override
  public long firstPosition() {
    return acknowledged;
  }

  @Override
  public long endPosition() {
    return end;
  }

  @Override
  public long size() {
    return Math.max(0, end - acknowledged);
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public boolean isPersistent() {
    return true;
  }

  /** The directory this queue lives in. */
  Path directory() {
    return directory;
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
      releaseDirectoryLock();
    }
  }

  private void releaseDirectoryLock() {
    try {
      if (directoryLock != null && directoryLock.isValid()) {
        directoryLock.release();
      }
    } catch (IOException e) {
      LOG.debug("releasing the lock of {}: {}", directory, e.toString());
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(AutoCloseable c) {
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
    return "ChronicleTaskQueue["
        + directory
        + ", size="
        + size()
        + ", capacity="
        + capacity
        + ", sync="
        + syncPolicy
        + "]";
  }
}
