package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory layout: creation, reopening, a change of partitions or bands (migrated when empty,
 * refused when holding tasks), the single-log format of earlier releases (upgraded in place, then
 * the same rules), interrupted upgrades and migrations, and damaged layouts.
 */
class QueueLayoutTest {
  static final RollCycle ROLL = TestRollCycles.TEST_SECONDLY;

  @TempDir Path dir;
  final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-04-01T10:00:00Z"));

  ChronicleTaskQueue open(int partitions, int bands) {
    return new ChronicleTaskQueue(
        new ChronicleTaskQueue.Settings(
            dir, partitions, bands, 1_000, SyncPolicy.BATCH, ROLL, clock));
  }

  static IndexTask task(int i) {
    return IndexTask.indexFile("ws" + (i % 3), "f" + i, "content " + i)
        .withTimestamp(Instant.ofEpochSecond(1_775_000_000L, i));
  }

  List<String> entries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  String layoutFile() throws IOException {
    return Files.readString(dir.resolve(QueueLayout.FILE), StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ new and same layout

  @Test
  void aNewDirectoryGetsItsLayoutFileAndOneDirectoryPerLog() throws IOException {
    try (ChronicleTaskQueue q = open(3, 2)) {
      assertThat(q.partitions()).isEqualTo(3);
      assertThat(q.bands()).isEqualTo(2);
    }
    assertThat(entries())
        .containsExactlyInAnyOrder(
            DirectoryLock.FILE, QueueLayout.FILE, "p0-0", "p0-1", "p1-0", "p1-1", "p2-0", "p2-1");
    assertThat(layoutFile()).contains("format=2\n", "partitions=3\n", "bands=2\n");
  }

  @Test
  void anEmptyDirectoryWithEmptyLogDirectoriesIsACreationThatWasInterrupted() throws IOException {
    Files.createDirectories(dir.resolve("p0-0"));
    Files.createDirectories(dir.resolve("p7-1"));
    try (ChronicleTaskQueue q = open(2, 1)) {
      assertThat(q.append(1, 0, task(0), null)).isZero();
    }
    assertThat(entries())
        .containsExactlyInAnyOrder(DirectoryLock.FILE, QueueLayout.FILE, "p0-0", "p1-0", "p7-1");
    try (ChronicleTaskQueue q = open(2, 1)) { // the stray (empty) directory goes on the next open
      assertThat(q.size()).isEqualTo(1);
    }
    assertThat(entries())
        .containsExactlyInAnyOrder(DirectoryLock.FILE, QueueLayout.FILE, "p0-0", "p1-0");
  }

  // ------------------------------------------------------------------ another layout

  /** Appends to every log, acknowledges everything, closes; returns each log's end. */
  private long[] fillAndAcknowledge(int partitions, int bands) {
    long[] ends = new long[partitions * bands];
    try (ChronicleTaskQueue q = open(partitions, bands)) {
      for (int i = 0; i < 3 * partitions * bands; i++) {
        int p = i % partitions;
        int b = (i / partitions) % bands;
        q.append(p, b, task(i), null);
      }
      for (int p = 0; p < partitions; p++) {
        for (int b = 0; b < bands; b++) {
          ends[p * bands + b] = q.endPosition(p, b);
          q.acknowledge(p, b, q.endPosition(p, b));
        }
      }
      assertThat(q.size()).isZero();
    }
    return ends;
  }

  @Test
  void morePartitionsWhenEverythingIsAcknowledgedMigrates() throws IOException {
    long[] ends = fillAndAcknowledge(2, 2);
    try (ChronicleTaskQueue q = open(4, 2)) {
      assertThat(q.partitions()).isEqualTo(4);
      assertThat(q.size()).isZero();
      // a log kept keeps its positions (never reused); a new one starts at 0
      assertThat(q.endPosition(1, 1)).isEqualTo(ends[3]);
      assertThat(q.endPosition(3, 0)).isZero();
      assertThat(q.append(3, 1, task(1), new Predecessor(0, 5))).isZero();
      assertThat(q.append(0, 0, task(2), null)).isEqualTo(ends[0]);
    }
    assertThat(layoutFile()).contains("partitions=4\n", "bands=2\n");
    try (ChronicleTaskQueue q = open(4, 2)) {
      assertThat(q.size()).isEqualTo(2);
      assertThat(q.read(3, 1, 0, 10))
          .containsExactly(new QueuedTask(3, 1, 0, task(1), new Predecessor(0, 5)));
    }
  }

  @Test
  void fewerPartitionsAndBandsWhenEverythingIsAcknowledgedMigrates() throws IOException {
    fillAndAcknowledge(4, 2);
    try (ChronicleTaskQueue q = open(2, 1)) {
      assertThat(q.partitions()).isEqualTo(2);
      assertThat(q.bands()).isEqualTo(1);
    }
    assertThat(entries())
        .containsExactlyInAnyOrder(DirectoryLock.FILE, QueueLayout.FILE, "p0-0", "p1-0");
    assertThat(layoutFile()).contains("partitions=2\n", "bands=1\n");
  }

  @Test
  void anotherLayoutWhileTasksAreHeldIsRefusedNamingBothLayoutsAndTheWayOut() throws IOException {
    try (ChronicleTaskQueue q = open(2, 2)) {
      q.append(0, 0, task(0), null);
      q.append(1, 1, task(1), null);
      q.append(1, 1, task(2), null);
      q.append(1, 0, task(3), null);
      q.acknowledge(1, 0, 1);
    }
    List<String> before = entries();
    for (int[] layout : new int[][] {{4, 2}, {1, 2}, {2, 1}}) {
      assertThatThrownBy(() -> open(layout[0], layout[1]))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining("has the layout 2 partitions × 2 bands")
          .hasMessageContaining(
              "opened with "
                  + layout[0]
                  + (layout[0] == 1 ? " partition × " : " partitions × ")
                  + layout[1]
                  + (layout[1] == 1 ? " band" : " bands"))
          .hasMessageContaining("holds 3 unacknowledged task(s)")
          .hasMessageContaining("partition 0 band 0: 1, partition 1 band 1: 2")
          .hasMessageContaining("partitions=2 and bands=2")
          .hasMessageContaining("reindex");
    }
    assertThat(entries()).as("a refused open changes nothing").isEqualTo(before);
    try (ChronicleTaskQueue q = open(2, 2)) { // the way out: the old layout, lock released
      assertThat(q.size()).isEqualTo(3);
      q.acknowledge(0, 0, 1);
      q.acknowledge(1, 1, 2);
    }
    try (ChronicleTaskQueue q = open(4, 2)) { // drained: now it migrates
      assertThat(q.size()).isZero();
    }
  }

  @Test
  void strayLogDirectoriesOfAnInterruptedMigrationAreDeletedWhenEmptyAndRefusedWhenNot()
      throws IOException {
    fillAndAcknowledge(4, 2);
    // a migration to 2 x 2 that stopped after writing the layout file
    QueueLayout.write(dir, new QueueLayout.Layout(2, 2));
    try (ChronicleTaskQueue q = open(2, 2)) {
      assertThat(q.size()).isZero();
    }
    assertThat(entries())
        .containsExactlyInAnyOrder(
            DirectoryLock.FILE, QueueLayout.FILE, "p0-0", "p0-1", "p1-0", "p1-1");

    try (ChronicleTaskQueue q = open(4, 2)) {
      q.append(3, 0, task(0), null); // held
    }
    QueueLayout.write(dir, new QueueLayout.Layout(2, 2)); // what no migration writes
    assertThatThrownBy(() -> open(2, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.resolve("p3-0").toString())
        .hasMessageContaining("holds 1 unacknowledged task(s)");
  }

  // ------------------------------------------------------------------ damaged layouts

  @Test
  void aMissingLogDirectoryIsReportedNotRecreated() throws IOException {
    try (ChronicleTaskQueue q = open(2, 2)) {
      q.append(1, 0, task(0), null);
    }
    Path log = dir.resolve("p1-0");
    try (Stream<Path> s = Files.list(log)) {
      for (Path f : s.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(log);
    assertThatThrownBy(() -> open(2, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lacks the directory " + log)
        .hasMessageContaining("was it deleted?");
    assertThat(Files.exists(log)).isFalse();
  }

  @Test
  void aCorruptLayoutFileIsReportedWithItsName() throws IOException {
    try (ChronicleTaskQueue q = open(2, 2)) {
      q.append(0, 0, task(0), null);
    }
    Path file = dir.resolve(QueueLayout.FILE);
    for (String text :
        new String[] {
          "format=2\npartitions=2\n",
          "format=3\npartitions=2\nbands=2\n",
          "format=2\npartitions=0\nbands=2\n",
          "format=2\npartitions=2\nbands=3\n",
          "format=2\npartitions=two\nbands=2\n",
          "format=2\npartitions=2\nbands=2\ncolour=red\n"
        }) {
      Files.writeString(file, text);
      assertThatThrownBy(() -> open(2, 2))
          .as(text)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Corrupt chronicle queue layout file " + file);
    }
  }

  @Test
  void logDirectoriesWithFilesButNoLayoutFileAreRefused() throws IOException {
    try (ChronicleTaskQueue q = open(2, 2)) {
      q.append(1, 1, task(0), null);
    }
    Files.delete(dir.resolve(QueueLayout.FILE));
    assertThatThrownBy(() -> open(2, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no layout file")
        .hasMessageContaining("p1-1");
  }

  // ------------------------------------------------------------------ the single-log format

  private List<IndexTask> writeSingleLog(int tasks, long acknowledged) throws IOException {
    List<IndexTask> all = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      all.add(task(i).withPriority(i % 3 - 1));
    }
    SingleLogFormat.write(dir, all, acknowledged, ROLL, clock);
    return all;
  }

  @Test
  void theSingleLogFormatOpenedAsOnePartitionAndOneBandContinuesWhereItStopped()
      throws IOException {
    List<IndexTask> tasks = writeSingleLog(10, 4);
    try (ChronicleTaskQueue q = open(1, 1)) {
      assertThat(q.firstPosition(0, 0)).isEqualTo(4);
      assertThat(q.endPosition(0, 0)).isEqualTo(10);
      assertThat(q.size()).isEqualTo(6);
      List<QueuedTask> read = q.read(0, 0, 0, 100);
      assertThat(read).extracting(QueuedTask::task).isEqualTo(tasks.subList(4, 10));
      assertThat(read).extracting(QueuedTask::predecessor).containsOnlyNulls();
      assertThat(read).extracting(QueuedTask::position).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
      // new records (version 2) follow the old ones in the same file
      assertThat(q.append(0, 0, task(10), new Predecessor(0, 9))).isEqualTo(10);
    }
    assertThat(entries()).containsExactlyInAnyOrder(DirectoryLock.FILE, QueueLayout.FILE, "p0-0");
    assertThat(layoutFile()).contains("partitions=1\n", "bands=1\n");
    try (ChronicleTaskQueue q = open(1, 1)) {
      assertThat(q.read(0, 0, 9, 10))
          .containsExactly(
              new QueuedTask(0, 0, 9, tasks.get(9), null),
              new QueuedTask(0, 0, 10, task(10), new Predecessor(0, 9)));
    }
  }

  @Test
  void theSingleLogFormatWithNothingUnacknowledgedMigratesToAnyLayout() throws IOException {
    writeSingleLog(5, 5);
    try (ChronicleTaskQueue q = open(4, 2)) {
      assertThat(q.size()).isZero();
      assertThat(q.endPosition(0, 0)).as("positions continue").isEqualTo(5);
      assertThat(q.endPosition(2, 1)).isZero();
    }
    assertThat(layoutFile()).contains("partitions=4\n", "bands=2\n");
    assertThat(entries()).contains("p0-0", "p3-1").doesNotContain(AckFile.NAME);
  }

  @Test
  void theSingleLogFormatWithTasksIsRefusedForAnotherLayoutThenDrainedAsOneByOne()
      throws IOException {
    writeSingleLog(10, 4);
    assertThatThrownBy(() -> open(2, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toAbsolutePath().toString())
        .hasMessageContaining("has the layout 1 partition × 1 band")
        .hasMessageContaining("single log of an earlier release")
        .hasMessageContaining("opened with 2 partitions × 2 bands")
        .hasMessageContaining("holds 6 unacknowledged task(s)")
        .hasMessageContaining("partitions=1 and bands=1")
        .hasMessageContaining("reindex");
    try (ChronicleTaskQueue q = open(1, 1)) { // the upgrade stands; drain it as 1 x 1
      assertThat(q.size()).isEqualTo(6);
      q.acknowledge(0, 0, 10);
    }
    try (ChronicleTaskQueue q = open(2, 2)) {
      assertThat(q.size()).isZero();
      assertThat(q.endPosition(0, 0)).isEqualTo(10);
    }
  }

  @Test
  void anUpgradeInterruptedHalfWayIsCompletedByTheNextOpen() throws IOException {
    List<IndexTask> tasks = writeSingleLog(6, 2);
    // killed after moving the metadata file and one cycle file into p0-0
    Path log = Files.createDirectories(dir.resolve("p0-0"));
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        String n = f.getFileName().toString();
        if (n.endsWith(".cq4t") || n.endsWith(".cq4")) {
          Files.move(f, log.resolve(n));
        }
      }
    }
    assertThat(entries()).contains(AckFile.NAME);
    try (ChronicleTaskQueue q = open(1, 1)) {
      assertThat(q.firstPosition(0, 0)).isEqualTo(2);
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::task).isEqualTo(tasks.subList(2, 6));
    }
    assertThat(entries()).containsExactlyInAnyOrder(DirectoryLock.FILE, QueueLayout.FILE, "p0-0");
  }

  @Test
  void anUpgradeInterruptedBeforeTheLayoutFileIsCompletedByTheNextOpen() throws IOException {
    List<IndexTask> tasks = writeSingleLog(6, 2);
    Path log = Files.createDirectories(dir.resolve("p0-0"));
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().equals(DirectoryLock.FILE)) {
          Files.move(f, log.resolve(f.getFileName()));
        }
      }
    }
    try (ChronicleTaskQueue q = open(1, 1)) {
      assertThat(q.read(0, 0, 0, 10)).extracting(QueuedTask::task).isEqualTo(tasks.subList(2, 6));
    }
    assertThat(layoutFile()).contains("partitions=1\n", "bands=1\n");
  }
}
