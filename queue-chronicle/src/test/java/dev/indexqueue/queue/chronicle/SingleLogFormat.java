package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Writes a queue directory as the single-log chronicle queue of earlier releases left it: one
 * Chronicle queue at the top of the directory whose records are {@link TaskRecord} version 1
 * (positions 0, 1, 2, …), {@value AckFile#NAME} and the lock file beside it. Not thread-safe.
 *
 * <p>It reproduces what that release's code did (the same Chronicle calls, the record layout of
 * version 1 as its {@code TaskRecord} documented it), so the upgrade can be tested without the old
 * build; the module README says how this was checked against a directory the old build wrote.
 */
final class SingleLogFormat {
  private SingleLogFormat() {}

  /**
   * Writes {@code tasks} at positions 0, 1, 2, … into {@code dir}, acknowledged below {@code
   * acknowledged}.
   */
  static void write(
      Path dir, List<IndexTask> tasks, long acknowledged, RollCycle rollCycle, TimeProvider clock)
      throws IOException {
    Files.createDirectories(dir);
    try (SingleChronicleQueue q =
            ChronicleQueue.singleBuilder(dir).rollCycle(rollCycle).timeProvider(clock).build();
        ExcerptAppender app = q.createAppender()) {
      for (int i = 0; i < tasks.size(); i++) {
        byte[] record = encodeVersion1(tasks.get(i), i);
        try (DocumentContext dc = app.writingDocument()) {
          dc.wire().bytes().write(record);
        }
      }
    }
    new AckFile(dir).write(acknowledged, tasks.size(), true);
    Files.writeString(dir.resolve(DirectoryLock.FILE), "12345\n", StandardCharsets.US_ASCII);
  }

  /** A record of version 1: no partition, band or predecessor. */
  static byte[] encodeVersion1(IndexTask task, long position) {
    byte[] ws = task.workspace().getBytes(StandardCharsets.UTF_8);
    byte[] path = task.path() == null ? null : task.path().getBytes(StandardCharsets.UTF_8);
    byte[] content =
        task.content() == null ? null : task.content().getBytes(StandardCharsets.UTF_8);
    byte[] b =
        new byte
            [TaskRecord.MIN_LENGTH
                + ws.length
                + (path == null ? 0 : path.length)
                + (content == null ? 0 : content.length)];
    int p = 0;
    b[p++] = TaskRecord.VERSION_1;
    b[p++] = TaskRecord.typeCode(task.type());
    p = TaskRecord.putInt(b, p, task.priority());
    p = TaskRecord.putLong(b, p, task.timestamp().getEpochSecond());
    p = TaskRecord.putInt(b, p, task.timestamp().getNano());
    b[p++] = (byte) ws.length;
    b[p++] = (byte) (ws.length >>> 8);
    System.arraycopy(ws, 0, b, p, ws.length);
    p += ws.length;
    p = putBytes(b, p, path);
    p = putBytes(b, p, content);
    p = TaskRecord.putLong(b, p, position);
    CRC32C crc = new CRC32C();
    crc.update(b, 0, p);
    TaskRecord.putInt(b, p, (int) crc.getValue());
    return b;
  }

  private static int putBytes(byte[] b, int p, byte[] v) {
    if (v == null) {
      return TaskRecord.putInt(b, p, -1);
    }
    p = TaskRecord.putInt(b, p, v.length);
    System.arraycopy(v, 0, b, p, v.length);
    return p + v.length;
  }
}
