package dev.indexqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code ./indexq} launcher as a process against the jar this build packaged (failsafe,
 * after {@code package}). {@code INDEXQ_NO_BUILD=1} keeps it from calling Maven, so it cannot
 * recurse into the surrounding build; a stale or missing jar fails the test instead. Skipped only
 * when no {@code sh} is available.
 */
class LauncherIT {
  static Path launcher;

  @TempDir Path tmp;

  @BeforeAll
  static void findLauncher() {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
    launcher =
        Path.of(System.getProperty("indexq.launcher", "../indexq")).toAbsolutePath().normalize();
    assertThat(launcher).exists();
  }

  record Run(int exit, String out, String err) {}

  static ProcessBuilder process(Path cwd, String... args) {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().put("INDEXQ_NO_BUILD", "1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb;
  }

  static Run run(Path cwd, Duration timeout, String... args) throws Exception {
    Process p = process(cwd, args).start();
    p.getOutputStream().close();
    StringBuilder err = new StringBuilder();
    Thread errReader = drain(p.getErrorStream(), err);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", args) + "\n" + out + err);
    }
    errReader.join();
    return new Run(p.exitValue(), out, err.toString());
  }

  /**
   * Starts {@code indexq serve} with {@code options} in {@link #tmp}, its output drained into
   * {@code out} and {@code err}, and waits (up to 60 s) until it says it is listening; killed when
   * it does not.
   */
  Process startServe(StringBuilder out, StringBuilder err, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve"));
    args.addAll(List.of(options));
    Process serve = startUntil("listening on", out, err, args.toArray(String[]::new));
    if (!serve.isAlive()) {
      throw new AssertionError("serve ended before it listened: " + out + err);
    }
    return serve;
  }

  /**
   * Starts {@code indexq args} in {@link #tmp}, its output drained into {@code out} and {@code
   * err}, and waits (up to 60 s) until it prints {@code line} or ends; killed when it does neither.
   */
  Process startUntil(String line, StringBuilder out, StringBuilder err, String... args)
      throws Exception {
    Process p = process(tmp, args).start();
    p.getOutputStream().close();
    drain(p.getInputStream(), out);
    drain(p.getErrorStream(), err);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                synchronized (out) {
                  return out.toString().contains(line) || !p.isAlive();
                }
              });
    } catch (RuntimeException | Error e) {
      p.destroyForcibly(); // neither said it nor ended: the test fails, the process must not stay
      throw e;
    }
    return p;
  }

  static Thread drain(InputStream in, StringBuilder into) {
    Thread t =
        new Thread(
            () -> {
              try {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                  synchronized (into) {
                    into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void demoExitsZero() throws Exception {
    Run r = run(tmp, Duration.ofSeconds(120), "demo");
    System.out.println(r.out());
    assertThat(r.exit()).as("out:\n%s\nerr:\n%s", r.out(), r.err()).isZero();
    assertThat(r.out()).contains("demo OK");
    assertThat(r.err()).doesNotContain("building");
  }

  @Test
  void ctrlCStopsIndexGracefullyWith130AndSaysWhatIsLeft() throws Exception {
    Path big = Files.createDirectories(tmp.resolve("big"));
    for (int i = 0; i < 6000; i++) {
      Files.writeString(
          big.resolve("f" + i + ".txt"),
          ("file " + i + " alpha bravo charlie delta echo foxtrot golf hotel\n").repeat(40));
    }
    Process p = process(tmp, "index", "big").start();
    p.getOutputStream().close();
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    drain(p.getInputStream(), out);
    drain(p.getErrorStream(), err);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              synchronized (err) {
                return err.toString().contains("files to index or remove") || !p.isAlive();
              }
            });
    assertThat(p.isAlive()).as("index still runs; out: %s err: %s", out, err).isTrue();
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              synchronized (out) {
                return out.toString().contains("interrupted: ")
                    || out.toString().contains("indexed ");
              }
            });
    String said;
    synchronized (out) {
      said = out.toString();
    }
    if (said.contains("interrupted: ")) {
      assertThat(p.exitValue()).as(said + err).isEqualTo(130);
      assertThat(said).contains("applied and committed", "left", "run 'indexq index");
      // what it said was applied is committed: the next run only does the rest
      Run again = run(tmp, Duration.ofSeconds(300), "index", "big");
      assertThat(again.exit()).as(again.err()).isZero();
      assertThat(again.out()).contains("6,000/6,000 up to date");
    } else {
      throw new AssertionError("the run ended before Ctrl-C reached it: " + said + err);
    }
  }

  @Test
  void withAServerTheClientPathLoadsNeitherLuceneNorChronicle() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(dir.resolve("F.scala"), "trait Functor[F[_]]");
    assertThat(run(tmp, Duration.ofSeconds(120), "index", "src").exit()).isZero();
    StringBuilder out = new StringBuilder();
    Process serve = startServe(out, new StringBuilder());
    try {
      Path classes = tmp.resolve("classes.txt");
      ProcessBuilder pb = process(tmp, "search", "Functor");
      pb.environment().put("JAVA_OPTS", "-Xlog:class+load:file=" + classes);
      Process search = pb.start();
      search.getOutputStream().close();
      String found = new String(search.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(search.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(found).contains("F.scala:1: trait Functor[F[_]]");
      String loaded = Files.readString(classes);
      assertThat(loaded).contains("dev.indexqueue.cli.Client");
      assertThat(loaded).doesNotContain("org.apache.lucene", "net.openhft");
    } finally {
      serve.toHandle().destroy();
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void serveStopsGracefullyWhenTheProcessItWasToldToStopWithIsKilled() throws Exception {
    Run none = run(tmp, Duration.ofSeconds(60), "serve", "--stop-with", "0");
    assertThat(none.exit()).as(none.err()).isEqualTo(2);
    assertThat(none.err()).contains("--stop-with: must be a process id above 0, was 0");
    Process parent = new ProcessBuilder("sleep", "600").start(); // stands for a supervisor
    Process serve = null;
    try {
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      serve = startServe(out, err, "--stop-with", Long.toString(parent.pid()));
      parent.destroyForcibly(); // kill -9: no chance to stop its children
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve ended").isTrue();
      synchronized (out) {
        assertThat(serve.exitValue()).as(out + "" + err).isZero();
        assertThat(out.toString())
            .contains("process " + parent.pid() + " ended; stopping")
            .contains("stopped: shut down gracefully");
      }
    } finally {
      parent.destroyForcibly();
      if (serve != null) {
        serve.destroyForcibly();
      }
    }
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    Run r = run(tmp, Duration.ofSeconds(60), "search");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter");
    Run missing = run(tmp, Duration.ofSeconds(60), "index", "no-such-dir");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).startsWith("indexq: no such directory");
  }

  @Test
  void aDataDirectoryHeldByAnotherProcessIsExitTwoAndCtrlCShutsDownGracefully() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(dir.resolve("a.md"), "hello from a watched directory");
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    Process watch = startUntil("press Ctrl-C to stop", out, err, "watch", "docs");
    try {
      assertThat(watch.isAlive()).as("watch is running; err: %s", err).isTrue();

      // search and status read the index as of its last commit while watch holds the directory:
      // watch commits what it indexed within its commit interval (1 s), so status first shows the
      // file as missing (exit 1) and then up to date (exit 0), never anything else
      Run[] status = new Run[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                status[0] = run(tmp, Duration.ofSeconds(60), "status");
                assertThat(status[0].out())
                    .startsWith("queue: held by pid " + watch.pid() + ": indexq watch ");
                assertThat(status[0].exit())
                    .as("out: %s%nerr: %s", status[0].out(), status[0].err())
                    .isZero();
              });
      assertThat(status[0].out()).containsPattern("docs\\s+1\\s+1\\s+1\\s");
      Run search = run(tmp, Duration.ofSeconds(60), "search", "watched");
      assertThat(search.exit()).as("out: %s%nerr: %s", search.out(), search.err()).isZero();
      assertThat(search.out()).contains("a.md:1: hello from a watched directory");

      Run busy = run(tmp, Duration.ofSeconds(60), "index", "docs");
      assertThat(busy.exit()).isEqualTo(2);
      assertThat(busy.err())
          .startsWith("indexq: data directory ")
          .contains("is in use by another indexq process (pid " + watch.pid() + ": indexq watch ")
          .hasLineCount(1);
    } finally {
      // SIGTERM, like Ctrl-C: the shutdown hook shuts down gracefully. Through the handle, because
      // Process.destroy() also closes our ends of its pipes and we want to read what it prints.
      watch.toHandle().destroy();
      assertThat(watch.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              synchronized (out) {
                assertThat(out.toString())
                    .as("err: %s", err)
                    .contains("stopped: shut down gracefully");
              }
            });
    Run status = run(tmp, Duration.ofSeconds(60), "status", "--json");
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("\"filesystemFiles\":1,\"indexedFiles\":1,\"upToDate\":1");
  }
}
