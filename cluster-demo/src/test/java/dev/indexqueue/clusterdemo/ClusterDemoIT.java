package dev.indexqueue.clusterdemo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./indexq cluster-demo} as a user runs it (the launcher, the packaged jars, real worker
 * JVMs; {@code INDEXQ_NO_BUILD=1} so it never calls Maven): the short soak of issue 16 with the
 * budget of {@code indexq.cluster.*} (tasks, kills, broker and Solr restarts; the {@code
 * cluster-soak} profile raises them), then a run stopped mid-way like Ctrl-C, and a bad option.
 * Each run must leave no worker process and no temporary directory behind.
 */
class ClusterDemoIT {
  private static final Pattern PIDS = Pattern.compile("pids ([0-9, ]+);");
  private static final Pattern RESTARTED = Pattern.compile("started again \\(pid (\\d+)\\)");
  private static final Pattern TMP = Pattern.compile("data directories under (\\S+)\\)");
  static Path launcher;

  @TempDir Path tmp;

  @BeforeAll
  static void findLauncher() {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
    launcher =
        Path.of(System.getProperty("indexq.launcher", "../indexq")).toAbsolutePath().normalize();
    assertThat(launcher).exists();
  }

  /**
   * Starts the launcher with its output in {@code out} (a file, read after the process ended: a
   * pipe read while the process exits may lose its last lines).
   */
  static Process start(Path out, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", launcher.toString(), "cluster-demo"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("INDEXQ_NO_BUILD", "1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  static String read(Path out) throws Exception {
    String text = Files.readString(out, StandardCharsets.UTF_8);
    System.out.println(text);
    return text;
  }

  static List<Long> pids(String out) {
    Matcher m = PIDS.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    List<Long> pids = new ArrayList<>();
    for (String s : m.group(1).split(",\\s*")) {
      pids.add(Long.parseLong(s.strip()));
    }
    Matcher again = RESTARTED.matcher(out);
    while (again.find()) {
      pids.add(Long.parseLong(again.group(1)));
    }
    return pids;
  }

  static void assertCleanedUp(String out) {
    for (long pid : pids(out)) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("worker pid %d still runs", pid)
          .isFalse();
    }
    Matcher m = TMP.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Path.of(m.group(1))).doesNotExist();
  }

  @Test
  void theShortSoakKeepsEveryTaskInOrder() throws Exception {
    long timeoutMinutes = Long.getLong("indexq.cluster.timeout-minutes", 6);
    long t0 = System.nanoTime();
    Path out = tmp.resolve("soak.out");
    Process p =
        start(
            out,
            "--tasks",
            System.getProperty("indexq.cluster.tasks", "4000"),
            "--kills",
            System.getProperty("indexq.cluster.kills", "1"),
            "--broker-restarts",
            System.getProperty("indexq.cluster.broker-restarts", "1"),
            "--solr-restarts",
            System.getProperty("indexq.cluster.solr-restarts", "1"),
            "--ready-timeout-seconds",
            Long.toString(TimeUnit.MINUTES.toSeconds(timeoutMinutes)));
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.destroy(); // like Ctrl-C: the demo cleans up
      p.waitFor(60, TimeUnit.SECONDS);
      p.destroyForcibly();
      throw new AssertionError(
          "cluster-demo did not end in " + timeoutMinutes + " min:\n" + read(out));
    }
    String text = read(out);
    System.out.printf(
        "ClusterDemoIT: the short soak took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("cluster-demo OK")
        .containsPattern("summary: [0-9,]+ accepted, 0 lost, 0 reordered, 0 extra")
        .contains("coverage 100%")
        .contains(
            String.format(
                "done: %1$s of %1$s worker kills, %2$s of %2$s broker restarts, %3$s of %3$s Solr"
                    + " node restarts",
                System.getProperty("indexq.cluster.kills", "1"),
                System.getProperty("indexq.cluster.broker-restarts", "1"),
                System.getProperty("indexq.cluster.solr-restarts", "1")))
        .doesNotContain("MISMATCH");
    assertCleanedUp(text);
  }

  @Test
  void stoppedMidRunItLeavesNoProcessAndNoDirectory() throws Exception {
    Path out = tmp.resolve("stopped.out");
    Process p = start(out, "--tasks", "1000000", "--kills", "0");
    // stopped while the writers write (the workers run, the clusters hold data)
    await()
        .atMost(Duration.ofMinutes(5))
        .until(() -> !p.isAlive() || Files.readString(out).contains(" threads create, update"));
    p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hook cleans up
    boolean ended = p.waitFor(2, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String text = read(out);
    assertThat(ended).as("ended within 2 minutes of SIGTERM:\n" + text).isTrue();
    assertThat(p.exitValue()).as(text).isNotZero();
    assertThat(text)
        .contains("stopped by a signal (Ctrl-C or SIGTERM): cleaning up")
        .contains("stopped the workers")
        .doesNotContain("cluster-demo FAILED");
    assertCleanedUp(text);
  }

  @Test
  void aBadOptionGivesOneLineAndExitCode2() throws Exception {
    Path out = tmp.resolve("bad.out");
    Process p = start(out, "--workers", "4");
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    String text = read(out);
    assertThat(p.exitValue()).as(text).isEqualTo(2);
    assertThat(text.strip()).isEqualTo("cluster-demo: --workers: must be between 1 and 3, was 4");
  }
}
