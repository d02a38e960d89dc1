package dev.indexqueue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq serve}: holds the data directory and serves its JSON HTTP API until Ctrl-C, then
 * shuts down gracefully. Binds 127.0.0.1 unless told otherwise; any other address needs a token
 * ({@code INDEXQ_TOKEN} or {@code --token-file}), which every request must then carry. It writes
 * {@value ServerFile#FILE} into the data directory so that {@code search}, {@code status} and
 * {@code file} talk to it. Not thread-safe: one instance per run.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Hold the data directory and serve its JSON HTTP API (OpenAPI at /openapi.json) until",
      "Ctrl-C; search, status and file commands then answer through it."
    })
final class ServeCommand implements Callable<Integer> {
  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}); others need a token.")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Port (default: any free port; the URL is printed and written to the data"
              + " directory).")
  int port;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the token from FILE (else the INDEXQ_TOKEN environment variable).")
  Path tokenFile;

  @Option(
      names = "--stop-with",
      paramLabel = "PID",
      description =
          "Stop gracefully, as on Ctrl-C, when process PID ends (a supervisor or a parent that"
              + " may be killed).")
  Long stopWith;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be between 0 and 65535, was " + port);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new UsageException("--bind: unknown address '" + bind + "'");
    }
    ProcessHandle watched = watched();
    String token = token();
    if (!address.isLoopbackAddress() && token == null) {
      throw new UsageException(
          "--bind "
              + bind
              + " is not a loopback address: a token is required (set INDEXQ_TOKEN or give"
              + " --token-file FILE); every request must then send 'Authorization: Bearer TOKEN'");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Signals signals = Signals.interruptOnSignal(Thread.currentThread());
        Session s = Session.open(root, "serve")) {
      HttpApi api;
      try {
        api = new HttpApi(s, new InetSocketAddress(address, port), token);
      } catch (IOException e) {
        throw new UsageException(
            "cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
      }
      try (api) {
        api.start();
        ServerFile.write(s.data().path(), api.url(), token);
        out.println(
            "indexq serve: listening on "
                + api.url()
                + " (data "
                + s.data().path()
                + (token == null ? "" : "; token required")
                + "); OpenAPI at "
                + api.url()
                + "/openapi.json; Ctrl-C to stop");
        if (s.node().isCluster() || s.node().backend() != Indexq.BackendKind.lucene) {
          out.println("node: " + s.node().describe());
        }
        out.flush();
        Thread serving = Thread.currentThread();
        if (watched != null) {
          watched
              .onExit()
              .thenRun(
                  () -> {
                    out.println("indexq serve: process " + stopWith + " ended; stopping");
                    out.flush();
                    serving.interrupt(); // as Ctrl-C
                  });
        }
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.interrupted(); // Ctrl-C: stop gracefully
        }
      } finally {
        ServerFile.remove(s.data().path());
      }
      s.close();
      out.println(
          "stopped: shut down gracefully in "
              + s.report().took().toMillis()
              + " ms, "
              + s.report().remaining()
              + " tasks left in the queue");
      out.flush();
      return Indexq.EXIT_OK;
    }
  }

  /** The process {@code --stop-with} names, or null; a usage error when it is not running. */
  private ProcessHandle watched() {
    if (stopWith == null) {
      return null;
    }
    if (stopWith <= 0) {
      throw new UsageException("--stop-with: must be a process id above 0, was " + stopWith);
    }
    return ProcessHandle.of(stopWith)
        .filter(ProcessHandle::isAlive)
        .orElseThrow(
            () -> new UsageException("--stop-with: no process " + stopWith + " is running"));
  }

  private String token() throws IOException {
    String t;
    if (tokenFile != null) {
      t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } else {
      t = System.getenv("INDEXQ_TOKEN");
    }
    if (t == null || t.isEmpty()) {
      return null;
    }
    if (t.length() < 16) {
      throw new UsageException("the token must be at least 16 characters long");
    }
    return t;
  }
}
