package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * A persistent, bounded, partitioned {@link TaskQueue} on Chronicle Queue: {@code partitions ×
 * bands} logs, each a {@link ChronicleLog} (a Chronicle queue of its own in its own directory, see
 * {@link QueueLayout}). Safe for any number of appending threads, one reader per partition and an
 * acknowledging thread at once; a log's append, read and acknowledge take only that log's locks, so
 * no log waits for another. Tasks survive a crash of the process once {@link #append} returned;
 * what survives a power loss follows the {@link SyncPolicy}.
 *
 * <p>This class only routes calls to the logs and keeps the two things they share: the {@link
 * DirectoryLock} (one process at a time per directory) and the capacity, a global bound over all
 * logs: an append first reserves one unit with a compare-and-set on a shared counter ({@link #FULL}
 * when there is none), and {@link #acknowledge} gives units back.
 */
final class ChronicleTaskQueue implements TaskQueue {

  /**
   * What a queue is opened with. Immutable.
   *
   * @param directory where the queue files live
   * @param partitions the number of partitions
   * @param bands 1 or 2
   * @param capacity the most unacknowledged tasks over all logs
   * @param syncPolicy when to force records to the device
   * @param rollCycle how often Chronicle starts a new file
   * @param timeProvider Chronicle's clock, which decides the roll cycle (tests set it)
   */
  record Settings(
      Path directory,
      int partitions,
      int bands,
      long capacity,
      SyncPolicy syncPolicy,
      RollCycle rollCycle,
      TimeProvider timeProvider) {
    Settings {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(syncPolicy, "syncPolicy");
      Objects.requireNonNull(rollCycle, "rollCycle");
      Objects.requireNonNull(timeProvider, "timeProvider");
      Partitioning.checkPartitions(partitions);
      if (bands < 1 || bands > 2) {
        throw new IllegalArgumentException("bands: must be 1 or 2, was: " + bands);
      }
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity: must be at least 1, was: " + capacity);
      }
    }
  }

  private final Path directory;
  private final int partitions;
  private final int bands;
  private final long capacity;
  private final SyncPolicy syncPolicy;
  private final DirectoryLock lock;

  /** Log (p, b) at {@code p * bands + b}. */
  private final ChronicleLog[] logs;

  /** Tasks appended or being appended, not yet acknowledged, over all logs. */
  private final AtomicLong held = new AtomicLong();

  private final ThreadLocal<TaskRecord.Encoder> encoder =
      ThreadLocal.withInitial(TaskRecord.Encoder::new);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean open;

  ChronicleTaskQueue(Settings s) {
    this.directory = s.directory().toAbsolutePath().normalize();
    this.partitions = s.partitions();
    this.bands = s.bands();
    this.capacity = s.capacity();
    this.syncPolicy = s.syncPolicy();
    JvmOptions.check(SingleChronicleQueue.class.getModule());
    if (System.getProperty("chronicle.analytics.disable") == null) {
      System.setProperty("chronicle.analytics.disable", "true");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot create " + directory, e);
    }
    this.lock = DirectoryLock.acquire(directory);
    this.logs = new ChronicleLog[partitions * bands];
    try {
      QueueLayout.LogOpener opener =
          (dir, p, b) -> new ChronicleLog(dir, p, b, syncPolicy, s.rollCycle(), s.timeProvider());
      QueueLayout.prepare(directory, new QueueLayout.Layout(partitions, bands), opener);
      long size = 0;
      for (int p = 0; p < partitions; p++) {
        for (int b = 0; b < bands; b++) {
          ChronicleLog log = opener.open(QueueLayout.logDirectory(directory, p, b), p, b);
          logs[p * bands + b] = log;
          size += log.size();
        }
      }
      held.set(size);
      open = true;
    } catch (RuntimeException | Error e) {
      for (ChronicleLog log : logs) {
        ChronicleLog.closeQuietly(log);
      }
      lock.close();
      throw e;
    }
  }

  /** The log (partition, band); package-private for tests. */
  ChronicleLog log(int partition, int band) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException(
          "partition: must be between 0 and " + (partitions - 1) + ", was: " + partition);
    }
    if (band < 0 || band >= bands) {
      throw new IllegalArgumentException(
          "band: must be between 0 and " + (bands - 1) + ", was: " + band);
    }
    return logs[partition * bands + band];
  }

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public int bands() {
    return bands;
  }

  @Override
  public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
    Objects.requireNonNull(task, "task");
    ChronicleLog log = log(partition, band);
    ensureOpen();
    TaskRecord.Encoder enc = encoder.get();
    enc.encodeBody(partition, band, task, predecessor);
    long h;
    do {
      h = held.get();
      if (h >= capacity) {
        return FULL;
      }
    } while (!held.compareAndSet(h, h + 1));
    try {
      return log.append(enc);
    } catch (RuntimeException | Error e) {
      held.decrementAndGet();
      throw e;
    }
  }

  @Override
  public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks: must be at least 1, was: " + maxTasks);
    }
    return log(partition, band).read(fromPosition, maxTasks);
  }

  @Override
  public void acknowledge(int partition, int band, long position) {
    long released = log(partition, band).acknowledge(position);
    if (released > 0) {
      held.addAndGet(-released);
    }
  }

  @Override
  public long firstPosition(int partition, int band) {
    return log(partition, band).firstPosition();
  }

  @Override
  public long endPosition(int partition, int band) {
    return log(partition, band).endPosition();
  }

  @Override
  public long size() {
    return held.get();
  }

  @Override
  public long capacity() {
    return capacity;
  }

  /** Forces the files of this partition's logs written since their last sync (BATCH). */
  @Override
  public void sync(int partition) {
    for (int b = 0; b < bands; b++) {
      log(partition, b).sync();
    }
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
    open = false;
    try {
      for (ChronicleLog log : logs) {
        ChronicleLog.closeQuietly(log);
      }
    } finally {
      lock.close();
    }
  }

  @Override
  public String toString() {
    return "ChronicleTaskQueue["
        + directory
        + ", "
        + partitions
        + "x"
        + bands
        + ", size="
        + size()
        + ", capacity="
        + capacity
        + ", sync="
        + syncPolicy
        + "]";
  }
}
