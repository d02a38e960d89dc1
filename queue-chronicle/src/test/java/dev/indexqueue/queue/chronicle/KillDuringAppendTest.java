package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A focused version of {@link CrashTest}: kills a child JVM ({@link KillDuringAppendChild}) that
 * appends to the logs of a {@link ChronicleTaskQueue} (2 partitions × 2 bands) in a tight loop, at
 * random moments (often in the middle of a Chronicle append), then reopens the same directory in
 * this JVM and checks that in every log every position between the acknowledged one and the end
 * reads back, in order, promptly. The next child then appends after whatever the killed one left.
 * Iterations: {@code -Dindexq.appendKills} (default 8); seed: {@code -Dindexq.seed}.
 */
class KillDuringAppendTest {
  @TempDir Path tmp;

  @Test
  void everyRecordBelowTheEndIsReadableAfterAKillMidAppend() throws Exception {
    int kills = Integer.getInteger("indexq.appendKills", 8);
    long seed = Long.getLong("indexq.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Path dir = tmp.resolve("queue");
    // one roll cycle per directory; a secondly one also exercises reads and retention across files
    String roll =
        System.getProperty("indexq.rollCycle", rnd.nextBoolean() ? "TEST_SECONDLY" : "FAST_HOURLY");
    long checked = 0;
    System.out.println(
        "kill-during-append: "
            + kills
            + " kills, "
            + roll
            + ", seed "
            + seed
            + " (-Dindexq.seed="
            + seed
            + ")");
    for (int k = 0; k < kills; k++) {
      String sync = SyncPolicy.values()[rnd.nextInt(3)].name();
      String name = "child-" + k;
      Process p = child(name, dir.toString(), sync, roll, "3");
      String context = "kill " + k + " (" + sync + ", " + roll + ", seed " + seed + ")";
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(2))
          .until(
              () ->
                  !p.isAlive()
                      || Files.readString(tmp.resolve(name + ".out")).startsWith("started"));
      // a quarter of the kills land while it opens or creates its first file; the others after it
      // appended for a random while, mostly inside an append
      boolean early = rnd.nextInt(4) == 0;
      if (!early) {
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(2))
            .until(
                () ->
                    !p.isAlive()
                        || Files.readString(tmp.resolve(name + ".out")).contains("appending"));
      }
      boolean exited = p.waitFor(rnd.nextInt(early ? 60 : 600), TimeUnit.MILLISECONDS);
      if (exited) {
        throw new AssertionError(
            context + ": child exited on its own (" + p.exitValue() + "): " + output(name));
      }
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long opened = System.nanoTime();
      try {
        checked += readAll(dir, roll, context);
        long ms = (System.nanoTime() - opened) / 1_000_000;
        System.out.println(context + ": reopened and read back in " + ms + " ms");
      } catch (Throwable e) {
        throw new AssertionError(context + " failed; child output: " + output(name), e);
      }
    }
    System.out.println(
        "kill-during-append: "
            + kills
            + " kills, "
            + checked
            + " records read back (seed "
            + seed
            + ")");
  }

  /** Opens the queue, reads every unacknowledged position of every log, closes it; how many. */
  private static long readAll(Path dir, String roll, String context) {
    try (ChronicleTaskQueue q = KillDuringAppendChild.open(dir, SyncPolicy.NONE, roll)) {
      long checked = 0;
      for (int p = 0; p < q.partitions(); p++) {
        for (int b = 0; b < q.bands(); b++) {
          int partition = p;
          int band = b;
          long from = q.firstPosition(p, b);
          long end = q.endPosition(p, b);
          long[] next = {from};
          String log = context + ", log " + p + "/" + b;
          await()
              .atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(1))
              .alias(log + ": positions " + from + " to " + end + " readable (stuck at the next?)")
              .until(
                  () -> {
                    List<QueuedTask> r = q.read(partition, band, next[0], 4096);
                    for (QueuedTask t : r) {
                      assertThat(t.position()).as(log).isEqualTo(next[0]);
                      assertThat(t.partition()).as(log).isEqualTo(partition);
                      assertThat(t.band()).as(log).isEqualTo(band);
                      next[0]++;
                    }
                    return next[0] >= end;
                  });
          assertThat(q.endPosition(p, b)).isEqualTo(end);
          checked += end - from;
        }
      }
      return checked;
    }
  }

  private Process child(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getProperty("indexq.jvm.options", "");
    cmd.addAll(Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx256m",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(KillDuringAppendChild.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(tmp.resolve(name + ".out").toFile());
    pb.redirectError(tmp.resolve(name + ".err").toFile());
    return pb.start();
  }

  private String output(String name) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String ext : new String[] {".out", ".err"}) {
      Path f = tmp.resolve(name + ext);
      if (Files.exists(f)) {
        String s = Files.readString(f);
        sb.append('\n')
            .append(name)
            .append(ext)
            .append(": ")
            .append(s.length() > 20_000 ? s.substring(0, 20_000) + "..." : s);
      }
    }
    return sb.toString();
  }
}
