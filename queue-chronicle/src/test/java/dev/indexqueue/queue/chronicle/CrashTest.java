package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.Partitioning;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills real child JVMs ({@link CrashChild}) that submit into a service of {@value
 * CrashChild#PARTITIONS} partitions and {@value CrashChild#LANES} lanes on the chronicle queue and
 * the Lucene backend (urgent tasks mixed with normal ones in the same workspaces), restarts them on
 * the same directories, drains, and checks the index against the model of acknowledged tasks: each
 * workspace's tasks applied in acceptance order (one thread submits to a workspace, so its order is
 * the thread's), nothing lost, nothing reordered. The number of kills comes from {@code
 * -Dindexq.kills} (the parent pom sets 50; {@code -Pstress} 1,000); the seed from {@code
 * -Dindexq.seed} (printed).
 */
class CrashTest {
  static final int THREADS = 4;
  static final int KILLS_PER_ROUND = 5;

  @TempDir Path tmp;

  /** One submitted task the parent knows about; position -1 for one that may be in the queue. */
  record Submitted(int generation, int thread, int i, int partition, int band, long position) {
    IndexTask task() {
      return CrashChild.task(generation, thread, i);
    }

    /** Whether this task was accepted after {@code o}, a task of the same workspace. */
    boolean after(Submitted o) {
      return generation != o.generation ? generation > o.generation : i > o.i;
    }

    /** Whether this task decides the state of {@code path} in its workspace. */
    boolean touches(String path) {
      return task().type() == IndexTaskType.REMOVE_WORKSPACE || path.equals(task().path());
    }
  }

  @Test
  void everyAcknowledgedTaskSurvivesKillsInWorkspaceOrder() throws Exception {
    // the workspaces spread over every partition (else the test would not test partitions)
    Set<Integer> partitions = new TreeSet<>();
    for (int t = 0; t < THREADS; t++) {
      for (int k = 0; k < CrashChild.WORKSPACES_PER_THREAD; k++) {
        partitions.add(Partitioning.partitionOf(CrashChild.workspace(t, k), CrashChild.PARTITIONS));
      }
    }
    assertThat(partitions).hasSize(CrashChild.PARTITIONS);
    int kills = Integer.getInteger("indexq.kills", 50);
    long seed = Long.getLong("indexq.seed", System.nanoTime());
    Random rnd = new Random(seed);
    long start = System.nanoTime();
    int killed = 0;
    long[] verified = new long[3];
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
        long[] v = verify(sideDir, generations, dump);
        for (int k = 0; k < v.length; k++) {
          verified[k] += v[k];
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            context + ": " + e.getMessage() + "\nchild output:" + outputs(base, generations), e);
      }
      round++;
    }
    System.out.printf(
        "crash test: %d kills in %d rounds; %d acknowledged tasks (%d urgent) verified, %d"
            + " (workspace, path) final states: 0 lost, 0 reordered; %.1f s (seed %d)%n",
        killed,
        round,
        verified[0],
        verified[1],
        verified[2],
        (System.nanoTime() - start) / 1e9,
        seed);
  }

  /**
   * Checks the final index against the acknowledged tasks; returns {tasks, urgent tasks, final
   * states} checked.
   */
  private long[] verify(Path sideDir, int generations, Path dump) throws IOException {
    List<Submitted> acked = new ArrayList<>();
    List<Submitted> inFlight = new ArrayList<>();
    // per log (partition * 2 + band): the positions of each generation
    Map<Integer, Map<Integer, List<Long>>> positions = new TreeMap<>();
    for (int g = 0; g < generations; g++) {
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
            Submitted s =
                new Submitted(
                    g, t, i, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]));
            IndexTask task = s.task();
            assertThat(s.partition())
                .as("partition of %s", task)
                .isEqualTo(Partitioning.partitionOf(task.workspace(), CrashChild.PARTITIONS));
            assertThat(s.band()).as("band of %s", task).isEqualTo(task.priority() < 0 ? 1 : 0);
            acked.add(s);
            positions
                .computeIfAbsent(s.partition() * 2 + s.band(), k -> new TreeMap<>())
                .computeIfAbsent(g, k -> new ArrayList<>())
                .add(s.position());
            next++;
          }
        }
        // the task the thread was submitting when killed: maybe in the queue, maybe not
        inFlight.add(new Submitted(g, t, next, -1, -1, -1));
      }
    }
    // positions are never reused: within a log, distinct, and a generation's come after earlier
    // generations' (each log continues its own positions across restarts)
    for (Map.Entry<Integer, Map<Integer, List<Long>>> log : positions.entrySet()) {
      Set<Long> seen = new HashSet<>();
      long maxBefore = -1;
      for (Map.Entry<Integer, List<Long>> gen : log.getValue().entrySet()) {
        long min = Long.MAX_VALUE;
        long max = -1;
        for (long p : gen.getValue()) {
          assertThat(seen.add(p))
              .as("position %d of log %d/%d unique", p, log.getKey() / 2, log.getKey() % 2)
              .isTrue();
          min = Math.min(min, p);
          max = Math.max(max, p);
        }
        assertThat(min)
            .as(
                "generation %d of log %d/%d starts after earlier generations",
                gen.getKey(), log.getKey() / 2, log.getKey() % 2)
            .isGreaterThan(maxBefore);
        maxBefore = Math.max(maxBefore, max);
      }
    }
    Map<String, String> actual = new TreeMap<>();
    for (String line : Files.readAllLines(dump, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      actual.put(f[0] + "\t" + f[1], f[2]);
    }
    // every (workspace, path) a task named, or the index holds
    Set<String> keys = new TreeSet<>(actual.keySet());
    for (Submitted s : acked) {
      if (s.task().path() != null) {
        keys.add(s.task().workspace() + "\t" + s.task().path());
      }
    }
    for (Submitted s : inFlight) {
      for (int k = 0; k < CrashChild.WORKSPACES_PER_THREAD; k++) {
        for (int f = 0; f < CrashChild.PATHS_PER_WORKSPACE; f++) {
          keys.add(CrashChild.workspace(s.thread(), k) + "\tf" + f + ".txt");
        }
      }
    }
    List<String> wrong = new ArrayList<>();
    for (String key : keys) {
      String ws = key.substring(0, key.indexOf('\t'));
      String path = key.substring(key.indexOf('\t') + 1);
      // the model: the workspace's tasks in acceptance order; the last one touching the path
      // decides, and an in-flight task after it may have been accepted too
      Submitted last = null;
      List<Submitted> history = new ArrayList<>();
      for (Submitted s : acked) {
        if (s.task().workspace().equals(ws) && s.touches(path)) {
          history.add(s);
          if (last == null || s.after(last)) {
            last = s;
          }
        }
      }
      Set<String> allowed = new HashSet<>();
      allowed.add(effect(last));
      for (Submitted x : inFlight) {
        if (x.task().workspace().equals(ws) && x.touches(path) && (last == null || x.after(last))) {
          allowed.add(effect(x));
        }
      }
      String got = actual.getOrDefault(key, "absent");
      if (!allowed.contains(got)) {
        String earlier = "an unknown content";
        for (Submitted s : history) {
          if (effect(s).equals(got)) {
            earlier = "the effect of the earlier task " + s + " " + s.task();
          }
        }
        wrong.add(
            key.replace('\t', ' ')
                + ": index has "
                + got
                + " ("
                + earlier
                + "), the model allows "
                + allowed
                + " (last acknowledged: "
                + last
                + (last == null ? "" : " " + last.task())
                + ")");
      }
    }
    assertThat(wrong).as("final states that break the model (lost or reordered tasks)").isEmpty();
    long urgent = acked.stream().filter(s -> s.task().priority() < 0).count();
    return new long[] {acked.size(), urgent, keys.size()};
  }

  private static String effect(Submitted s) {
    if (s == null || s.task().type() != IndexTaskType.INDEX_FILE) {
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
}
