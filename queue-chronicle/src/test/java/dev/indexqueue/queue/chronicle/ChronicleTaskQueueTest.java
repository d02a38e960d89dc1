package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
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
      List<QueuedTask> r = q.read(p, 7);
      if (r.isEmpty()) {
        return all;
      }
      all.addAll(r);
      p = r.get(r.size() - 1).position() + 1;
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
        assertThat(q.append(tasks.get(i))).isEqualTo(i);
      }
      assertThat(q.size()).isEqualTo(tasks.size());
      assertThat(q.endPosition()).isEqualTo(tasks.size());
      List<QueuedTask> read = readAll(q, 0);
      assertThat(read).extracting(QueuedTask::task).containsExactlyElementsOf(tasks);
      assertThat(read).extracting(QueuedTask::position).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
      assertThat(q.read(6, 10)).isEmpty();
    }
  }

  @Test
  void readsFromAnyPositionAndAcknowledges() {
    try (TaskQueue q = open(100)) {
      for (int i = 0; i < 20; i++) {
        q.append(task(i));
      }
      assertThat(q.read(13, 3)).extracting(QueuedTask::position).containsExactly(13L, 14L, 15L);
      assertThat(q.read(2, 2)).extracting(QueuedTask::position).containsExactly(2L, 3L);
      assertThat(q.read(19, 5)).extracting(QueuedTask::position).containsExactly(19L);
      q.acknowledge(10);
      assertThat(q.firstPosition()).isEqualTo(10);
      assertThat(q.size()).isEqualTo(10);
      assertThat(q.read(0, 2)).extracting(QueuedTask::position).containsExactly(10L, 11L);
      q.acknowledge(5); // lower: no effect
      assertThat(q.firstPosition()).isEqualTo(10);
      q.acknowledge(1_000); // past the end: clamped
      assertThat(q.firstPosition()).isEqualTo(20);
      assertThat(q.size()).isZero();
      assertThat(q.read(0, 5)).isEmpty();
    }
  }

  @Test
  void fullAtCapacityUntilAcknowledged() {
    try (TaskQueue q = open(3)) {
      assertThat(q.capacity()).isEqualTo(3);
      assertThat(q.append(task(0))).isEqualTo(0);
      assertThat(q.append(task(1))).isEqualTo(1);
      assertThat(q.append(task(2))).isEqualTo(2);
      assertThat(q.append(task(3))).isEqualTo(TaskQueue.FULL);
      q.acknowledge(2);
      assertThat(q.append(task(3))).isEqualTo(3);
      assertThat(q.append(task(4))).isEqualTo(4);
      assertThat(q.append(task(5))).isEqualTo(TaskQueue.FULL);
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
                    assertThat(
                            q.append(IndexTask.indexFile("p" + thread, "f", Integer.toString(i))))
                        .isNotEqualTo(TaskQueue.FULL);
                  }
                  return null;
                }));
      }
      start.countDown();
      // one reader concurrently with the producers
      List<QueuedTask> read = new ArrayList<>();
      long p = 0;
      while (read.size() < producers * each) {
        List<QueuedTask> r = q.read(p, 100);
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
        q.append(task(i));
      }
      q.acknowledge(4);
    }
    try (TaskQueue q = open(100)) {
      assertThat(q.firstPosition()).isEqualTo(4);
      assertThat(q.endPosition()).isEqualTo(10);
      assertThat(q.size()).isEqualTo(6);
      assertThat(readAll(q, 0))
          .extracting(QueuedTask::task)
          .containsExactly(task(4), task(5), task(6), task(7), task(8), task(9));
      assertThat(q.append(task(10))).isEqualTo(10);
      q.acknowledge(11);
    }
    try (TaskQueue q = open(100)) {
      assertThat(q.size()).isZero();
      assertThat(q.firstPosition()).isEqualTo(11);
      assertThat(q.append(task(11))).isEqualTo(11);
    }
  }

  @Test
  void closeTwiceIsANoOpAndLaterCallsFail() {
    TaskQueue q = open(10);
    q.append(task(0));
    q.close();
    q.close();
    assertThatThrownBy(() -> q.append(task(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> q.read(0, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void secondOpenOfTheDirectoryFailsClearly() {
    try (TaskQueue q = open(10)) {
      q.append(task(0));
      assertThatThrownBy(() -> open(10))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining(ChronicleTaskQueue.LOCK_FILE)
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
      q.append(task(1));
      q.sync();
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
