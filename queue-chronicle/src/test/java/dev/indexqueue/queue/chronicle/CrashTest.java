package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.ContentHash;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills real child JVMs ({@link CrashChild}) that submit into the chronicle queue + a persistent
 * backend, restarts them on the same directories, drains, and checks the index against the model of
 * acknowledged tasks. The number of kills comes from {@code -Dindexq.kills} (the parent pom sets
 * 50; {@code -Pstress} 1,000); the seed from {@code -Dindexq.seed} (printed).
 */
class CrashTest {
  static final int THREADS = 4;
  static final int KILLS_PER_ROUND = 5;

  @TempDir Path tmp;

  /** One submitted task the parent knows about. */
  record Submitted(int generation, int thread, int i, long sequence, IndexTask task) {
    String key() {
      return task.workspace() + "\t" + task.path();
    }
  }

  @Test
  void everyAcknowledgedTaskSurvivesKills() throws Exception {
    int kills = Integer.getInteger("indexq.kills", 50);
    long seed = Long.getLong("indexq.seed", System.nanoTime());
    Random rnd = new Random(seed);
    long start = System.nanoTime();
    int killed = 0;
    long verified = 0;
    int round = 0;
    System.out.println(
        "crash test: " + kills + " kills, seed " + seed + " (-Dindexq.seed=" + seed + ")");
    while (killed < kills) {
      Path base = tmp.resolve("round-" + round);
      Path queueDir = base.resolve("queue");
      Path indexDir = base.resolve("index");
      Path sideDir = base.resolve("side");
      Files.createDirectories(sideDir);
      int generations = Math.min(KILLS_PER_ROUND, kills - killed);
      String context =
          "round " + round + " in " + base + ", seed " + seed + " (-Dindexq.seed=" + seed + ")";
      try {
        for (int g = 0; g < generations; g++) {
          String sync = SyncPolicy.values()[rnd.nextInt(3)].name();
          Process p =
              child(
                  base,
                  "submit-" + g,
                  "submit",
                  queueDir.toString(),
                  indexDir.toString(),
                  sideDir.toString(),
                  Integer.toString(g),
                  Integer.toString(THREADS),
                  sync);
          int target = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(250); // 0: kill during recovery
          int gen = g;
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(3))
              .until(() -> !p.isAlive() || loggedLines(sideDir, gen) >= target);
          if (!p.isAlive()) {
            throw new AssertionError(
                "child submit-" + g + " died on its own (exit " + p.exitValue() + ")");
          }
          p.destroyForcibly();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
          killed++;
        }
        Path dump = base.resolve("final.tsv");
        Process d =
            child(
                base, "drain", "drain", queueDir.toString(), indexDir.toString(), dump.toString());
        // the drain's shutdown waits up to 120 s; give its JVM start and its report time on top
        if (!d.waitFor(180, TimeUnit.SECONDS)) {
          String stack = threadDump(d);
          d.destroyForcibly();
          throw new AssertionError("drain did not finish in 180 s; its threads:\n" + stack);
        }
        if (d.exitValue() != 0) {
          throw new AssertionError("drain exited " + d.exitValue());
        }
        verified += verify(sideDir, generations, dump);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            context + ": " + e.getMessage() + "\nchild output:" + outputs(base, generations), e);
      }
      round++;
    }
    System.out.printf(
        "crash test: %d kills in %d rounds, %d acknowledged tasks verified, %.1f s (seed %d)%n",
        killed, round, verified, (System.nanoTime() - start) / 1e9, seed);
  }

  /** Checks the final index against the acknowledged tasks; returns how many were checked. */
  private long verify(Path sideDir, int generations, Path dump) throws IOException {
    List<Submitted> acked = new ArrayList<>();
    List<Submitted> inFlight = new ArrayList<>();
    for (int g = 0; g < generations; g++) {
      long genMin = Long.MAX_VALUE;
      for (int t = 0; t < THREADS; t++) {
        Path side = sideDir.resolve("side-g" + g + "-t" + t + ".log");
        int next = 0;
        if (Files.exists(side)) {
          String text = Files.readString(side, StandardCharsets.US_ASCII);
          int complete = text.lastIndexOf('\n') + 1; // a torn last line does not count
          for (String line : text.substring(0, complete).split("\n")) {
            if (line.isEmpty()) {
              continue;
            }
            String[] f = line.split(" ");
            int i = Integer.parseInt(f[0]);
            assertThat(i).as("side file %s in order", side).isEqualTo(next);
            long seq = Long.parseLong(f[1]);
            acked.add(new Submitted(g, t, i, seq, CrashChild.task(g, t, i)));
            genMin = Math.min(genMin, seq);
            next++;
          }
        }
        // the task the thread was submitting when killed: maybe in the queue, maybe not
        inFlight.add(new Submitted(g, t, next, -1, CrashChild.task(g, t, next)));
      }
      // positions are never reused: a generation's tasks come after every earlier generation's
      final long min = genMin;
      final int gen = g;
      assertThat(acked.stream().filter(s -> s.generation() < gen).mapToLong(Submitted::sequence))
          .as("generation %d starts after earlier generations", g)
          .allMatch(s -> s < min);
    }
    Set<Long> seqs = new HashSet<>();
    for (Submitted s : acked) {
      assertThat(seqs.add(s.sequence())).as("sequence %d unique", s.sequence()).isTrue();
    }
    Map<String, Submitted> lastAcked = new HashMap<>();
    for (Submitted s : acked) {
      lastAcked.merge(s.key(), s, (a, b) -> a.sequence() > b.sequence() ? a : b);
    }
    Map<String, String> actual = new TreeMap<>();
    for (String line : Files.readAllLines(dump, StandardCharsets.UTF_8)) {
      int tab = line.lastIndexOf('\t');
      actual.put(line.substring(0, tab), line.substring(tab + 1));
    }
    Set<String> keys = new HashSet<>(actual.keySet());
    keys.addAll(lastAcked.keySet());
    for (Submitted x : inFlight) {
      keys.add(x.key());
    }
    for (String key : keys) {
      Submitted a = lastAcked.get(key);
      Set<String> allowed = new HashSet<>();
      allowed.add(effect(a));
      for (Submitted x : inFlight) {
        // an unacknowledged task may show only if it comes after the last acknowledged one
        if (x.key().equals(key)
            && (a == null
                || x.generation() > a.generation()
                || (x.generation() == a.generation() && x.thread() == a.thread()))) {
          allowed.add(effect(x));
        }
      }
      String got = actual.getOrDefault(key, "absent");
      assertThat(allowed).as("final state of %s (last acknowledged: %s)", key, a).contains(got);
    }
    return acked.size();
  }

  private static String effect(Submitted s) {
    if (s == null || s.task().type() == IndexTaskType.REMOVE_FILE) {
      return "absent";
    }
    return ContentHash.of(s.task().content());
  }

  private static long loggedLines(Path sideDir, int generation) throws IOException {
    long n = 0;
    for (int t = 0; t < THREADS; t++) {
      Path side = sideDir.resolve("side-g" + generation + "-t" + t + ".log");
      if (Files.exists(side)) {
        byte[] b = Files.readAllBytes(side);
        for (byte x : b) {
          if (x == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static Process child(Path base, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getProperty("indexq.jvm.options", "");
    cmd.addAll(Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    // small and quick to start: the children are killed within a second or two
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx256m",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CrashChild.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(base.resolve(name + ".out").toFile());
    pb.redirectError(base.resolve(name + ".err").toFile());
    return pb.start();
  }

  /** The output of every child of a round: each killed submitter, then the drain. */
  private static String outputs(Path base, int generations) {
    StringBuilder sb = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (int g = 0; g < generations; g++) {
      names.add("submit-" + g);
    }
    names.add("drain");
    for (String name : names) {
      try {
        String out = output(base, name);
        if (!out.isEmpty()) {
          sb.append("\n--- ").append(name).append(' ').append(out);
        }
      } catch (IOException e) {
        sb.append("\n--- ").append(name).append(": cannot read its output: ").append(e);
      }
    }
    return sb.toString();
  }

  /** A thread dump of a hanging child, through jcmd of this JDK; best effort. */
  private static String threadDump(Process p) {
    try {
      Process j =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(p.pid()),
                  "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      j.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "(no thread dump: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(no thread dump: interrupted)";
    }
  }

  private static String output(Path base, String name) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String ext : new String[] {".out", ".err"}) {
      File f = base.resolve(name + ext).toFile();
      if (f.exists()) {
        String text = Files.readString(f.toPath());
        if (text.length() > 20_000) { // keep the start (the cause) and the end (the last words)
          text = text.substring(0, 10_000) + "\n[...]\n" + text.substring(text.length() - 10_000);
        }
        sb.append(ext).append(": ").append(text);
      }
    }
    return sb.toString();
  }

  @SuppressWarnings("unused")
  private static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
