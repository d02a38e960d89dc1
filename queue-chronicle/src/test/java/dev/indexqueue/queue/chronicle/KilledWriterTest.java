package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.Wires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a writer killed in the middle of Chronicle's work leaves behind, made by hand. */
class KilledWriterTest {
  @TempDir Path dir;
  final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-04-01T10:00:00Z"));

  /** The directory of log (0, 0), where these tests write. */
  Path log() {
    return QueueLayout.logDirectory(dir, 0, 0);
  }

  ChronicleTaskQueue open() {
    return new ChronicleTaskQueue(
        new ChronicleTaskQueue.Settings(
            dir, 2, 2, 1_000, SyncPolicy.BATCH, TestRollCycles.TEST_SECONDLY, clock));
  }

  List<Path> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(log())) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  static IndexTask task(int i) {
    return IndexTask.indexFile("ws", "f" + i, "payload-" + i);
  }

  static void writeInt(Path file, long at, int value) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value);
      ch.write(b, at);
    }
  }

  static int readInt(Path file, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
      ch.read(b, at);
      return b.getInt(0);
    }
  }

  /** The byte offset of the header of the {@code n}th data record (from 0) of a cycle file. */
  static long dataHeader(Path file, int n) throws IOException {
    long pos = 0;
    int seen = 0;
    for (int i = 0; i < 10_000; i++) {
      pos = (pos + 3) & ~3L;
      int h = readInt(file, pos);
      assertThat(Wires.isReady(h)).as("complete header at %d", pos).isTrue();
      if (Wires.isData(h) && seen++ == n) {
        return pos;
      }
      pos += 4 + Wires.lengthOf(h);
    }
    throw new AssertionError("no data record " + n + " in " + file);
  }

  @Test
  void aCycleFileWhoseHeaderNeverCompletedIsMovedAsideAtOpen() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      q.append(0, 0, task(0), null);
      q.append(0, 0, task(1), null);
    }
    Path good = files(".cq4").get(0);
    // the next second's file, as a writer killed while Chronicle created it leaves it
    clock.advanceMillis(1_000);
    String name = good.getFileName().toString();
    Path bad = good.resolveSibling(name.substring(0, name.length() - 7) + "01T.cq4");
    assertThat(bad.getFileName().toString()).isNotEqualTo(name);
    try (FileChannel ch =
        FileChannel.open(bad, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(65_536));
    }
    writeInt(bad, 0, Wires.NOT_COMPLETE | Wires.META_DATA | 200);

    try (ChronicleTaskQueue q = open()) {
      assertThat(files(".cq4")).containsExactly(good);
      assertThat(files(".discard")).hasSize(1);
      assertThat(q.endPosition(0, 0)).isEqualTo(2);
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::position).containsExactly(0L, 1L);
      clock.advanceMillis(1_000);
      assertThat(q.append(0, 0, task(2), null)).isEqualTo(2);
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::position).containsExactly(0L, 1L, 2L);
    }
    try (ChronicleTaskQueue q = open()) {
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::position).containsExactly(0L, 1L, 2L);
    }
  }

  @Test
  void anIncompleteLastRecordIsDroppedAndItsPositionReused() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      for (int i = 0; i < 2; i++) {
        q.append(0, 0, task(i), null);
      }
    }
    // as a writer killed inside an append leaves it: a not-complete header (with some of its
    // bytes) after the last complete record; Chronicle's write position is still that record
    Path file = files(".cq4").get(0);
    long last = dataHeader(file, 1);
    long at = (last + 4 + Wires.lengthOf(readInt(file, last)) + 3) & ~3L;
    assertThat(readInt(file, at)).isEqualTo(Wires.NOT_INITIALIZED);
    writeInt(file, at, Wires.NOT_COMPLETE | 300);
    writeInt(file, at + 4, 0x12345678);
    Files.delete(
        log().resolve(AckFile.NAME)); // a kill leaves no high-water mark of the last record

    try (ChronicleTaskQueue q = open()) {
      assertThat(q.endPosition(0, 0)).isEqualTo(2);
      assertThat(q.append(0, 0, task(7), null))
          .isEqualTo(2); // Chronicle overwrites the incomplete record
      List<QueuedTask> r = q.read(0, 0, 0, 10);
      assertThat(r).extracting(QueuedTask::position).containsExactly(0L, 1L, 2L);
      assertThat(r.get(2).task().path()).isEqualTo("f7");
      assertThat(q.append(0, 0, task(8), null)).isEqualTo(3);
    }
    try (ChronicleTaskQueue q = open()) {
      assertThat(q.read(0, 0, 0, 10))
          .extracting(QueuedTask::position)
          .containsExactly(0L, 1L, 2L, 3L);
    }
  }

  @Test
  void aRecordBelowTheEndThatCannotBeReadFailsTheReadInsteadOfReturningEmptyForever()
      throws IOException {
    try (ChronicleTaskQueue q = open()) {
      for (int i = 0; i < 3; i++) {
        q.append(0, 0, task(i), null);
      }
      assertThat(q.read(0, 0, 0, 1)).hasSize(1);
      // damage record 1 behind the queue's back: the file is mapped, so the tailer sees it
      Path file = files(".cq4").get(0);
      long at = dataHeader(file, 1);
      writeInt(file, at, readInt(file, at) | Wires.NOT_COMPLETE);
      q.log(0, 0).unreadableTimeoutNanos = 0;
      assertThat(q.read(0, 0, 1, 10)).isEmpty(); // the first miss may be transient: it seeks afresh
      assertThatThrownBy(() -> q.read(0, 0, 1, 10))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("position 1 is below the end (3)")
          .hasMessageContaining(file.getFileName().toString());
    }
  }

  /** A file that looks like a cycle file set aside after a killed writer (it holds no record). */
  private Path discard(String cycleFile, long millis) throws IOException {
    Path f = log().resolve(cycleFile + "-" + millis + ".discard");
    Files.write(f, new byte[4096]);
    return f;
  }

  @Test
  void aDiscardedCycleFileIsDeletedOnceTheAcknowledgedPositionIsInALaterCycle() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      q.append(0, 0, task(0), null);
      q.append(0, 0, task(1), null);
    }
    Path good = files(".cq4").get(0);
    clock.advanceMillis(1_000);
    String name = good.getFileName().toString();
    Path bad = good.resolveSibling(name.substring(0, name.length() - 7) + "01T.cq4");
    Files.write(bad, new byte[65_536]);
    writeInt(bad, 0, Wires.NOT_COMPLETE | Wires.META_DATA | 200);

    try (ChronicleTaskQueue q = open()) {
      assertThat(files(".discard")).as("set aside, kept while its cycle may matter").hasSize(1);
      clock.advanceMillis(2_000);
      assertThat(q.append(0, 0, task(2), null)).isEqualTo(2);
      q.acknowledge(0, 0, 1);
      assertThat(files(".discard")).as("the acknowledged position is still in cycle 0").hasSize(1);
      q.acknowledge(0, 0, 3); // now in the cycle after the discarded one: both go
      assertThat(files(".discard")).isEmpty();
      assertThat(files(".cq4")).hasSize(1).doesNotContain(good);
    }
  }

  @Test
  void aLogKeepsAtMostEightDiscardedFilesAndNoneOlderThanItsOldestCycle() throws IOException {
    String a;
    String b;
    try (ChronicleTaskQueue q = open()) {
      q.append(0, 0, task(0), null);
      a = files(".cq4").get(0).getFileName().toString();
      clock.advanceMillis(1_000);
      q.append(0, 0, task(1), null);
      q.acknowledge(0, 0, 2);
      b = files(".cq4").get(0).getFileName().toString();
      assertThat(b).isNotEqualTo(a);
    }
    discard(a, 1); // older than every cycle the log keeps
    List<Path> recent = new java.util.ArrayList<>();
    for (int i = 0; i < ChronicleLog.MAX_DISCARDS + 2; i++) {
      recent.add(discard(b, 100 + i));
    }
    discard("not-a-cycle-name", 5); // unknown cycle: only the count bound applies

    try (ChronicleTaskQueue q = open()) {
      List<Path> left = files(".discard");
      assertThat(left).hasSize(ChronicleLog.MAX_DISCARDS);
      // the oldest by cycle go first: the one of unknown cycle, then b's lowest millis
      assertThat(left).containsExactlyInAnyOrderElementsOf(recent.subList(2, recent.size()));
      assertThat(q.size()).isZero();
    }
  }

  @Test
  void aLogWithoutRecordsDeletesDiscardedFilesOfPastCycles() throws IOException {
    String a;
    try (ChronicleTaskQueue q = open()) {
      q.append(0, 0, task(0), null);
      a = files(".cq4").get(0).getFileName().toString();
    }
    // a log whose cycle files are gone (another log of the queue, say): only the clock tells
    Path other = QueueLayout.logDirectory(dir, 1, 0);
    Files.write(other.resolve(a + "-7.discard"), new byte[16]);
    try (ChronicleTaskQueue q = open()) {
      assertThat(Files.exists(other.resolve(a + "-7.discard"))).as("same cycle as now").isTrue();
    }
    clock.advanceMillis(1_000);
    try (ChronicleTaskQueue q = open()) {
      assertThat(Files.exists(other.resolve(a + "-7.discard"))).as("a past cycle").isFalse();
    }
  }
}
