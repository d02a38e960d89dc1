package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleTaskQueueTest {
  @TempDir Path dir;

  static IndexTask task(int i) {
    return new IndexTask(
        IndexTaskType.INDEX_FILE,
        "ws" + (i % 3),
        "docs/f" + i + ".txt",
        "content " + i,
        i % 5 - 2,
        Instant.ofEpochSecond(1_700_000_000L + i, i));
  }

  TaskQueue open(long capacity) {
    return Providers.taskQueue(
        "chronicle", Map.of("directory", dir.toString(), "capacity", Long.toString(capacity)));
  }

  static List<QueuedTask> readAll(TaskQueue q, long from) {
    List<QueuedTask> all = new ArrayList<>();
    long p = from;
    while (true) {
      List<QueuedTask> r = q.read(0, 0, p, 7);
      if (r.isEmpty()) {
        return all;
      }
      all.addAll(r);
      p = r.get(r.size() - 1).position() + 1;
    }
  }

  @Test
  void everyFieldAndThePredecessorRoundTripInEveryLog() throws Exception {
    List<QueuedTask> appended = new ArrayList<>();
    try (TaskQueue q =
        Providers.taskQueue(
            "chronicle",
            Map.of("directory", dir.toString(), "partitions", "3", "capacity", "99"))) {
      assertThat(q.partitions()).isEqualTo(3);
      assertThat(q.bands()).isEqualTo(2);
      for (int i = 0; i < 30; i++) {
        int p = i % 3;
        int b = (i / 3) % 2;
        Predecessor pred =
            switch (i % 4) {
              case 0 -> null;
              case 1 -> new Predecessor(0, 0);
              case 2 -> new Predecessor(1, Long.MAX_VALUE);
              default -> new Predecessor(b, i * 1_000_000_007L);
            };
        IndexTask t = task(i);
        appended.add(new QueuedTask(p, b, q.append(p, b, t, pred), t, pred));
      }
      q.sync(0);
      q.sync(1);
      q.sync(2);
    }
    try (TaskQueue q =
        Providers.taskQueue(
            "chronicle",
            Map.of("directory", dir.toString(), "partitions", "3", "capacity", "99"))) {
      assertThat(q.size()).isEqualTo(30);
      List<QueuedTask> read = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        for (int b = 0; b < 2; b++) {
          List<QueuedTask> log = q.read(p, b, 0, 100);
          assertThat(log).extracting(QueuedTask::position).containsExactly(0L, 1L, 2L, 3L, 4L);
          read.addAll(log);
        }
      }
      assertThat(read).containsExactlyInAnyOrderElementsOf(appended);
    }
    try (var s = java.nio.file.Files.list(dir)) {
      assertThat(s.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(
              DirectoryLock.FILE, QueueLayout.FILE, "p0-0", "p0-1", "p1-0", "p1-1", "p2-0", "p2-1");
    }
  }

  @Test
  void oneBandWhenAskedAndBandsOutOfRangeAreRefused() {
    try (TaskQueue q =
        Providers.taskQueue(
            "chronicle", Map.of("directory", dir.toString(), "partitions", "2", "bands", "1"))) {
      assertThat(q.bands()).isEqualTo(1);
      assertThat(q.append(1, 0, task(0), null)).isZero();
      assertThatThrownBy(() -> q.append(1, 1, task(0), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("band:");
      assertThat(q.size()).isEqualTo(1);
    }
  }

  @Test
  void syncForcesOnlyItsPartitionsLogs() {
    try (TaskQueue q = ChronicleTaskQueueProvider.newQueue(dir, 2, 100, SyncPolicy.BATCH)) {
      for (int p = 0; p < 2; p++) {
        for (int b = 0; b < 2; b++) {
          q.append(p, b, task(p * 2 + b), null);
        }
      }
      q.sync(1);
      // sync stores each synced log's high-water mark after forcing its files
      for (int p = 0; p < 2; p++) {
        for (int b = 0; b < 2; b++) {
          AckFile ack = new AckFile(QueueLayout.logDirectory(dir, p, b));
          assertThat(ack.read().highWater()).as("log %d/%d", p, b).isEqualTo(p == 1 ? 1 : 0);
        }
      }
    }
  }

  @Test
  void oneLogNeverWaitsForAnotherLogsReaderOrAcknowledge() throws Exception {
    ChronicleTaskQueue q =
        ChronicleTaskQueueProvider.newQueue(
            dir, 2, 2, 100, SyncPolicy.BATCH, ChronicleTaskQueueProvider.rollCycle("FAST_HOURLY"));
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (q) {
      for (int p = 0; p < 2; p++) {
        for (int b = 0; b < 2; b++) {
          q.append(p, b, task(p * 2 + b), null);
        }
      }
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // another thread holds log (0, 0)'s reader lock, as a reader stuck in Chronicle would
      Future<?> holder =
          other.submit(
              () -> {
                q.log(0, 0).readerLock.lock();
                try {
                  held.countDown();
                  release.await();
                } finally {
                  q.log(0, 0).readerLock.unlock();
                }
                return null;
              });
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      ExecutorService worker = Executors.newSingleThreadExecutor();
      try {
        Future<?> others =
            worker.submit(
                () -> {
                  for (int[] log : new int[][] {{0, 1}, {1, 0}, {1, 1}}) {
                    int p = log[0];
                    int b = log[1];
                    assertThat(q.append(p, b, task(9), null)).isEqualTo(1);
                    assertThat(q.read(p, b, 0, 10)).hasSize(2);
                    q.acknowledge(p, b, 1);
                    q.sync(p); // takes the sync locks only, (0, 0)'s included
                  }
                  assertThat(q.append(0, 0, task(9), null)).isEqualTo(1); // appends too
                  q.sync(0);
                  return null;
                });
        others.get(30, TimeUnit.SECONDS);
      } finally {
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        worker.shutdownNow();
      }
      assertThat(q.size()).isEqualTo(5);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void fifoRoundTripOfEveryField() {
    try (TaskQueue q = open(100)) {
      assertThat(q.isPersistent()).isTrue();
      List<IndexTask> tasks =
          List.of(
              task(0),
              IndexTask.removeFile("ws1", "a/b.txt"),
              IndexTask.removeWorkspace("ws2"),
              IndexTask.reindexWorkspace("ws-3").withPriority(-7),
              IndexTask.indexFile("w", "ü/日本.txt", "snow ☃ \u0000 and more"),
              IndexTask.indexFile("w", "empty", ""));
      for (int i = 0; i < tasks.size(); i++) {
        assertThat(q.append(0, 0, tasks.get(i), null)).isEqualTo(i);
      }
      assertThat(q.size()).isEqualTo(tasks.size());
      assertThat(q.endPosition(0, 0)).isEqualTo(tasks.size());
      List<QueuedTask> read = readAll(q, 0);
      assertThat(read).extracting(QueuedTask::task).containsExactlyElementsOf(tasks);
      assertThat(read).extracting(QueuedTask::position).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
      assertThat(q.read(0, 0, 6, 10)).isEmpty();
    }
  }

  @Test
  void readsFromAnyPositionAndAcknowledges() {
    try (TaskQueue q = open(100)) {
      for (int i = 0; i < 20; i++) {
        q.append(0, 0, task(i), null);
      }
      assertThat(q.read(0, 0, 13, 3))
          .extracting(QueuedTask::position)
          .containsExactly(13L, 14L, 15L);
      assertThat(q.read(0, 0, 2, 2)).extracting(QueuedTask::position).containsExactly(2L, 3L);
      assertThat(q.read(0, 0, 19, 5)).extracting(QueuedTask::position).containsExactly(19L);
      q.acknowledge(0, 0, 10);
      assertThat(q.firstPosition(0, 0)).isEqualTo(10);
      assertThat(q.size()).isEqualTo(10);
      assertThat(q.read(0, 0, 0, 2)).extracting(QueuedTask::position).containsExactly(10L, 11L);
      q.acknowledge(0, 0, 5); // lower: no effect
      assertThat(q.firstPosition(0, 0)).isEqualTo(10);
      q.acknowledge(0, 0, 1_000); // past the end: clamped
      assertThat(q.firstPosition(0, 0)).isEqualTo(20);
      assertThat(q.size()).isZero();
      assertThat(q.read(0, 0, 0, 5)).isEmpty();
    }
  }

  @Test
  void fullAtCapacityUntilAcknowledged() {
    try (TaskQueue q = open(3)) {
      assertThat(q.capacity()).isEqualTo(3);
      assertThat(q.append(0, 0, task(0), null)).isEqualTo(0);
      assertThat(q.append(0, 0, task(1), null)).isEqualTo(1);
      assertThat(q.append(0, 0, task(2), null)).isEqualTo(2);
      assertThat(q.append(0, 0, task(3), null)).isEqualTo(TaskQueue.FULL);
      q.acknowledge(0, 0, 2);
      assertThat(q.append(0, 0, task(3), null)).isEqualTo(3);
      assertThat(q.append(0, 0, task(4), null)).isEqualTo(4);
      assertThat(q.append(0, 0, task(5), null)).isEqualTo(TaskQueue.FULL);
      assertThat(q.size()).isEqualTo(3);
    }
  }

  @Test
  void manyProducersKeepTheirOrderAndGetDistinctPositions() throws Exception {
    int producers = 4;
    int each = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try (TaskQueue q = open(producers * each)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        int thread = t;
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    IndexTask task = IndexTask.indexFile("p" + thread, "f", Integer.toString(i));
                    assertThat(q.append(0, 0, task, null)).isNotEqualTo(TaskQueue.FULL);
                  }
                  return null;
                }));
      }
      start.countDown();
      // one reader concurrently with the producers
      List<QueuedTask> read = new ArrayList<>();
      long p = 0;
      while (read.size() < producers * each) {
        List<QueuedTask> r = q.read(0, 0, p, 100);
        if (!r.isEmpty()) {
          read.addAll(r);
          p = r.get(r.size() - 1).position() + 1;
        } else {
          Thread.onSpinWait();
        }
      }
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
      Map<String, Integer> next = new HashMap<>();
      for (int i = 0; i < read.size(); i++) {
        QueuedTask qt = read.get(i);
        assertThat(qt.position()).isEqualTo(i);
        int expected = next.getOrDefault(qt.task().workspace(), 0);
        assertThat(qt.task().content()).isEqualTo(Integer.toString(expected));
        next.put(qt.task().workspace(), expected + 1);
      }
      assertThat(next.values()).containsOnly(each);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void restartKeepsUnacknowledgedTasksAndNeverReusesPositions() {
    try (TaskQueue q = open(100)) {
      for (int i = 0; i < 10; i++) {
        q.append(0, 0, task(i), null);
      }
      q.acknowledge(0, 0, 4);
    }
    try (TaskQueue q = open(100)) {
      assertThat(q.firstPosition(0, 0)).isEqualTo(4);
      assertThat(q.endPosition(0, 0)).isEqualTo(10);
      assertThat(q.size()).isEqualTo(6);
      assertThat(readAll(q, 0))
          .extracting(QueuedTask::task)
          .containsExactly(task(4), task(5), task(6), task(7), task(8), task(9));
      assertThat(q.append(0, 0, task(10), null)).isEqualTo(10);
      q.acknowledge(0, 0, 11);
    }
    try (TaskQueue q = open(100)) {
      assertThat(q.size()).isZero();
      assertThat(q.firstPosition(0, 0)).isEqualTo(11);
      assertThat(q.append(0, 0, task(11), null)).isEqualTo(11);
    }
  }

  @Test
  void closeTwiceIsANoOpAndLaterCallsFail() {
    TaskQueue q = open(10);
    q.append(0, 0, task(0), null);
    q.close();
    q.close();
    assertThatThrownBy(() -> q.append(0, 0, task(1), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> q.read(0, 0, 0, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void secondOpenOfTheDirectoryFailsClearly() {
    try (TaskQueue q = open(10)) {
      q.append(0, 0, task(0), null);
      assertThatThrownBy(() -> open(10))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining(DirectoryLock.FILE)
          .hasMessageContaining("already open");
    }
    try (TaskQueue q = open(10)) { // released on close
      assertThat(q.size()).isEqualTo(1);
    }
  }

  @Test
  void configIsValidatedNamingTheKey() {
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "colour", "red")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'colour'");
    assertThatThrownBy(() -> Providers.taskQueue("chronicle", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("directory:");
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "capacity", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("capacity:")
        .hasMessageContaining("0");
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "capacity", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("capacity:");
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "syncPolicy", "sometimes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("syncPolicy:")
        .hasMessageContaining("sometimes");
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "rollCycle", "YEARLY")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rollCycle:")
        .hasMessageContaining("FAST_HOURLY");
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "partitions", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("partitions:");
    assertThatThrownBy(
            () ->
                Providers.taskQueue(
                    "chronicle", Map.of("directory", dir.toString(), "partitions", "4097")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("partitions:");
    assertThatThrownBy(
            () ->
                Providers.taskQueue("chronicle", Map.of("directory", dir.toString(), "bands", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bands:")
        .hasMessageContaining("3");
    try (TaskQueue q =
        Providers.taskQueue(
            "chronicle",
            Map.of(
                "directory",
                dir.toString(),
                "syncPolicy",
                "every",
                "rollCycle",
                "fast_daily",
                "capacity",
                "5"))) {
      assertThat(q.capacity()).isEqualTo(5);
      q.append(0, 0, task(1), null);
      q.sync(0);
    }
  }

  @Test
  void missingJvmOptionsAreListed() {
    // java.logging gets nothing opened or exported by our options: every java.base option is
    // missing
    List<String> missing = JvmOptions.missing(java.util.logging.Logger.class.getModule());
    assertThat(missing)
        .contains(
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
    assertThatThrownBy(() -> JvmOptions.check(java.util.logging.Logger.class.getModule()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED")
        .hasMessageContaining("indexq.jvm.options");
    // this JVM runs with the pom's options
    assertThat(JvmOptions.missing(net.openhft.chronicle.queue.ChronicleQueue.class.getModule()))
        .isEmpty();
  }
}
