package dev.indexqueue.queue.kafka;

import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backend that several processes can share, for the worker-kill test: one append-only journal
 * file per partition in a shared directory, written only by the process that owns the partition
 * (the consumer group gives each partition to one member at a time). {@link #apply} keeps the
 * applied tasks in memory; {@link #commit} appends, per partition the checkpoint covers, those
 * tasks and a commit line with the partition's checkpoint, in one write. What a commit line does
 * not follow was never committed: a process killed before its commit leaves nothing. {@link
 * #committedCheckpoint()} reads the files again on each call, so a process taking over a partition
 * sees the last commit of the one that owned it. Thread-safe (one monitor).
 *
 * <p>Line format: {@code T <band> <position> <workspace> <content>} for an applied task, {@code C
 * <position of band 0> <position of band 1> <pid>} for a commit.
 */
final class JournalBackend implements IndexBackend {
  private final Path dir;
  private final int partitions;
  private final int bands;
  private final Map<Integer, StringBuilder> pending = new HashMap<>();

  JournalBackend(Path dir, int partitions, int bands) {
    this.dir = dir;
    this.partitions = partitions;
    this.bands = bands;
  }

  static Path file(Path dir, int partition) {
    return dir.resolve("journal-" + partition + ".log");
  }

  @Override
  public synchronized void apply(Batch batch) {
    for (QueuedTask q : batch.tasks()) {
      pending
          .computeIfAbsent(q.partition(), k -> new StringBuilder())
          .append("T ")
          .append(q.band())
          .append(' ')
          .append(q.position())
          .append(' ')
          .append(q.task().workspace())
          .append(' ')
          .append(q.task().content() == null ? "-" : q.task().content())
          .append('\n');
    }
  }

  @Override
  public synchronized void commit(Checkpoint cp) {
    long pid = ProcessHandle.current().pid();
    for (int p = 0; p < partitions; p++) {
      if (!cp.covers(p, 0)) {
        continue;
      }
      StringBuilder sb = pending.remove(p);
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append("C");
      for (int b = 0; b < bands; b++) {
        sb.append(' ').append(cp.position(p, b));
      }
      sb.append(' ').append(pid).append('\n');
      try (FileChannel ch =
          FileChannel.open(
              file(dir, p),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A committed journal: the task lines followed by a commit line, and the last checkpoint. */
  record Committed(List<String[]> tasks, long[] checkpoint, List<Long> writers) {}

  /** Reads what was committed in a partition's journal (nothing after its last commit line). */
  static Committed read(Path dir, int partition, int bands) {
    Path f = file(dir, partition);
    List<String[]> tasks = new ArrayList<>();
    List<String[]> uncommitted = new ArrayList<>();
    List<Long> writers = new ArrayList<>();
    long[] cp = null;
    if (Files.exists(f)) {
      String text;
      try {
        text = Files.readString(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : text.split("\n")) {
        if (!text.endsWith("\n") && text.endsWith(line)) {
          break; // a partial last line: not written whole
        }
        String[] parts = line.split(" ", 5);
        if (parts[0].equals("T")) {
          uncommitted.add(parts);
        } else if (parts[0].equals("C")) {
          tasks.addAll(uncommitted);
          uncommitted.clear();
          cp = new long[bands];
          for (int b = 0; b < bands; b++) {
            cp[b] = Long.parseLong(parts[1 + b]);
          }
          long pid = Long.parseLong(parts[1 + bands]);
          if (writers.isEmpty() || writers.get(writers.size() - 1) != pid) {
            writers.add(pid);
          }
        }
      }
    }
    return new Committed(tasks, cp, writers);
  }

  @Override
  public synchronized Checkpoint committedCheckpoint() {
    long[] positions = new long[partitions * bands];
    Arrays.fill(positions, Checkpoint.NOT_COVERED);
    boolean any = false;
    for (int p = 0; p < partitions; p++) {
      long[] cp = read(dir, p, bands).checkpoint();
      if (cp != null) {
        any = true;
        System.arraycopy(cp, 0, positions, p * bands, bands);
      }
    }
    return any ? Checkpoint.of(partitions, bands, positions) : Checkpoint.none();
  }

  @Override
  public void makeVisible() {}

  /** Readers of the journals see what was committed: the committed checkpoint. */
  @Override
  public Checkpoint visibleCheckpoint() {
    return committedCheckpoint();
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    return List.of();
  }

  @Override
  public Set<String> workspaces() {
    return Set.of();
  }

  @Override
  public void close() {}
}
