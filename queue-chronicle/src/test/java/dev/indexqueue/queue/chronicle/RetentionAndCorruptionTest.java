package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionAndCorruptionTest {
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

  List<Path> queueFiles() throws IOException {
    try (Stream<Path> s = Files.list(log())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
    }
  }

  static IndexTask task(int i) {
    return IndexTask.indexFile("ws", "f" + (i % 4), String.format("payload-%03d-abcdefgh", i))
        .withTimestamp(Instant.ofEpochSecond(1_775_000_000L, i));
  }

  @Test
  void filesWhollyAcknowledgedAreDeletedAndReadsCrossCycles() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      int p = 0;
      for (int cycle = 0; cycle < 5; cycle++) {
        for (int i = 0; i < 3; i++) {
          assertThat(q.append(0, 0, task(p), null)).isEqualTo(p);
          p++;
        }
        q.sync(0);
        clock.advanceMillis(cycle == 2 ? 3_000 : 1_000); // one stretch of empty cycles
      }
      assertThat(queueFiles()).hasSize(5);
      // any start position, including each cycle's first and last
      for (int from = 0; from < 15; from++) {
        List<QueuedTask> r = q.read(0, 0, from, 20);
        assertThat(r).as("read from %d", from).hasSize(15 - from);
        for (int k = 0; k < r.size(); k++) {
          assertThat(r.get(k).position()).isEqualTo(from + k);
          assertThat(r.get(k).task()).isEqualTo(task(from + k));
        }
      }
      q.acknowledge(0, 0, 7); // cycles 0 (0-2) and 1 (3-5) are wholly below; cycle 2 holds 6-8
      assertThat(queueFiles()).hasSize(3);
      assertThat(q.read(0, 0, 0, 3)).extracting(QueuedTask::position).containsExactly(7L, 8L, 9L);
    }
    try (ChronicleTaskQueue q = open()) { // restart after retention
      assertThat(q.firstPosition(0, 0)).isEqualTo(7);
      assertThat(q.endPosition(0, 0)).isEqualTo(15);
      assertThat(q.read(0, 0, 0, 100))
          .extracting(QueuedTask::position)
          .containsExactly(7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
      q.acknowledge(0, 0, 15);
      List<Path> left = queueFiles();
      assertThat(left).hasSize(1);
      assertThat(q.size()).isZero();
      // the clock moved on: the next task starts a new cycle, and the old one goes once
      // acknowledged
      assertThat(q.append(0, 0, task(15), null)).isEqualTo(15);
      assertThat(queueFiles()).hasSize(2);
      q.acknowledge(0, 0, 16);
      assertThat(queueFiles()).hasSize(1).doesNotContainAnyElementsOf(left);
    }
  }

  private static long indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Flips one byte inside the content of task {@code i} in the only queue file. */
  private Path corruptPayloadOf(int i) throws IOException {
    Path file = queueFiles().get(0);
    byte[] all = Files.readAllBytes(file);
    long at = indexOf(all, String.format("payload-%03d", i).getBytes(StandardCharsets.UTF_8));
    assertThat(at).isPositive();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (all[(int) at + 12] ^ 0x20)}), at + 12);
    }
    return file;
  }

  @Test
  void aCorruptRecordStopsReadingAndNamesFileAndPosition() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      for (int i = 0; i < 10; i++) {
        q.append(0, 0, task(i), null);
      }
      assertThat(q.read(0, 0, 0, 4)).hasSize(4);
      Path file = corruptPayloadOf(5); // through the page cache: the live map sees it
      for (int attempt = 0; attempt < 2; attempt++) { // never skipped, however often asked
        assertThatThrownBy(() -> q.read(0, 0, 4, 10))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(file.getFileName().toString())
            .hasMessageContaining("position 5")
            .hasMessageContaining("checksum");
      }
      assertThat(q.read(0, 0, 4, 1)).extracting(QueuedTask::position).containsExactly(4L);
      assertThat(q.size()).isEqualTo(10);
    }
    assertThatThrownBy(this::open) // restart reports it too: nothing after it is dropped
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(queueFiles().get(0).getFileName().toString())
        .hasMessageContaining("position 5");
  }

  @Test
  void aCorruptAcknowledgedRecordIsIgnored() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      for (int i = 0; i < 10; i++) {
        q.append(0, 0, task(i), null);
      }
      q.acknowledge(0, 0, 7);
    }
    corruptPayloadOf(5);
    try (ChronicleTaskQueue q = open()) {
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::position).containsExactly(7L, 8L, 9L);
    }
  }

  @Test
  void aTruncatedFileIsReportedWithItsName() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      for (int i = 0; i < 10; i++) {
        q.append(0, 0, task(i), null);
      }
    }
    Path file = queueFiles().get(0);
    byte[] all = Files.readAllBytes(file);
    long at = indexOf(all, "payload-005".getBytes(StandardCharsets.UTF_8));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(at + 4);
    }
    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.getFileName().toString());
  }

  @Test
  void aFileTruncatedBetweenRecordsIsReportedWithItsName() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      for (int i = 0; i < 10; i++) {
        q.append(0, 0, task(i), null);
      }
    }
    Path file = queueFiles().get(0);
    byte[] all = Files.readAllBytes(file);
    // record 5 starts 44 bytes before its content, after Chronicle's 4-byte header
    long at = indexOf(all, "payload-005".getBytes(StandardCharsets.UTF_8)) - 48;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(at);
    }
    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.getFileName().toString())
        .hasMessageContaining(
            "is truncated: its last record holds position 4 but positions up to 9 were written");
  }

  @Test
  void aCorruptAckFileIsReportedWithItsName() throws IOException {
    try (ChronicleTaskQueue q = open()) {
      q.append(0, 0, task(0), null);
      q.acknowledge(0, 0, 1);
    }
    Path ack = log().resolve(AckFile.NAME);
    Files.write(ack, new byte[] {1, 2, 3});
    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ack.toString())
        .hasMessageContaining("truncated");
  }
}
