package dev.indexqueue.clusterdemo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One worker node: a real {@code indexq serve --role worker} child JVM, started as the launcher
 * starts it (the cli's jar and lib, the parent pom's JVM options) with its own data directory and
 * config file, its output in {@code node.log} of that directory. Not thread-safe: the demo's one
 * chaos thread starts, kills and restarts it.
 */
final class WorkerNode {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  final int number;
  final Path data;
  private final Path config;
  private final CliLayout cli;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process process;
  private String url;
  private int starts;

  /** Tasks applied and replayed by the node's earlier lives (read just before each kill). */
  long appliedBefore;

  long replayedBefore;

  WorkerNode(int number, Path data, Path config, CliLayout cli) {
    this.number = number;
    this.data = data;
    this.config = config;
    this.cli = cli;
  }

  /** Starts the JVM (without waiting for it to listen). */
  void start() throws IOException {
    starts++;
    List<String> cmd = new ArrayList<>();
    cmd.add(cli.java().toString());
    cmd.addAll(cli.jvmOptions());
    // small heaps and few GC threads: three of them share 2 cores with the clusters
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xss512k"));
    cmd.addAll(List.of("-cp", cli.classPath(), "dev.indexqueue.cli.Indexq"));
    cmd.addAll(List.of("--data", data.toString(), "--config", config.toString(), "serve"));
    // a demo killed with kill -9 runs no clean-up: its workers then stop by themselves
    cmd.addAll(List.of("--stop-with", Long.toString(ProcessHandle.current().pid())));
    Path log = log();
    Files.writeString(
        log,
        "---- start " + starts + ": " + String.join(" ", cmd) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    url = null;
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
  }

  /** Waits until the node listens (it then belongs to the group); false when it died first. */
  boolean awaitListening(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path log = log();
    // the JVM's output goes to a file: wait for the line with the process's exit as the other
    // way out, checking when the process ends or every 100 ms (whichever comes first)
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int lastStart = text.lastIndexOf("---- start ");
      Matcher m = LISTENING.matcher(text.substring(Math.max(0, lastStart)));
      if (m.find()) {
        url = m.group(1);
        return true;
      }
      if (process.onExit().isDone()) {
        return false;
      }
      try {
        process.onExit().get(100, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // still running, not listening yet
      }
    }
    return false;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  int starts() {
    return starts;
  }

  /**
   * {@code kill -9}: no shutdown hook, no final commit. The node's applied and replayed counts of
   * the life that ends are read first (they count toward {@link #appliedBefore} and {@link
   * #replayedBefore}).
   */
  void kill() throws InterruptedException {
    JsonNode q = queueStatus();
    if (q != null) {
      appliedBefore += q.path("applied").asLong();
      replayedBefore += q.path("replayed").asLong();
    }
    process.destroyForcibly();
    process.waitFor();
  }

  /** Sends SIGTERM (like Ctrl-C: serve shuts down gracefully) without waiting. */
  void signalStop() {
    if (process != null && process.isAlive()) {
      process.destroy();
    }
  }

  /** SIGTERM (like Ctrl-C: serve shuts down gracefully); then SIGKILL after {@code timeout}. */
  boolean stop(Duration timeout) throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return true;
    }
    process.destroy();
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    process.destroyForcibly();
    process.waitFor();
    return false;
  }

  /** The node's {@code /api/status} queue part, or null when it cannot answer. */
  JsonNode queueStatus() {
    if (url == null || !alive()) {
      return null;
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/api/queue"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  Path log() {
    return data.resolve("node.log");
  }

  /** The last {@code n} lines of the node's output (for a failure message). */
  String tail(int n) {
    try {
      List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
