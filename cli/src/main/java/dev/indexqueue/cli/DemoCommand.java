package dev.indexqueue.cli;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.SearchHit;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import dev.indexqueue.workspace.WorkspaceManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq demo}: the main job end to end in a temporary directory, each step printed with its
 * time. Ten threads create, update and delete files of one workspace concurrently through the
 * {@link WorkspaceManager}; a file is changed behind the API's back; a forced reindex repairs that;
 * the demo waits until the index is ready, searches, prints the queue and index status and shuts
 * down gracefully. Exits 0 only when the index status is 100% and up to date and every search
 * returns exactly the expected files. Not thread-safe: one instance per run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the main job end to end in a temporary directory: 10 threads create, update and delete",
      "files; force a reindex; wait until the index is ready; search; print the status; shut down."
    })
final class DemoCommand implements Callable<Integer> {
  static final String WORKSPACE = "demo";
  static final int THREADS = 10;
  static final int FILES_PER_THREAD = 20;

  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the temporary directory (its path is printed).")
  boolean keep;

  private PrintWriter out;
  private DemoSteps steps;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    steps = new DemoSteps(out);
    Path tmp = Files.createTempDirectory("indexq-demo-");
    boolean ok;
    try {
      ok = run(tmp);
    } finally {
      if (keep) {
        out.println("kept " + tmp);
      } else {
        try {
          DemoSteps.deleteTree(tmp);
        } catch (IOException e) {
          // a temporary directory: the system cleans it eventually
        }
      }
    }
    out.printf(
        Locale.ROOT, "%s in %.1f s%n", ok ? "demo OK" : "demo FAILED", steps.elapsedNanos() / 1e9);
    out.flush();
    return ok ? Indexq.EXIT_OK : Indexq.EXIT_FAILURE;
  }

  private boolean run(Path tmp) throws Exception {
    boolean ok = true;
    if (root.node().isCluster() || root.node().backend() != Indexq.BackendKind.lucene) {
      throw new UsageException(
          "demo runs on a local queue and Lucene index in a temporary directory: leave out"
              + " --queue kafka and --backend solr");
    }
    steps.begin(
        "start the service: " + root.queueKind() + " queue + Lucene index, 2 lanes, in " + tmp);
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp.resolve("workspaces"));
    IndexingService service =
        IndexingService.builder()
            .name("demo")
            .queue(
                root.queueKind().name(),
                root.queueKind() == Indexq.QueueKind.chronicle
                    ? Map.of("directory", tmp.resolve("queue").toString())
                    : Map.of())
            .backend("lucene", Map.of("directory", tmp.resolve("index").toString()))
            .workspaceSource(source)
            .lanes(2)
            .build();
    steps.end("");
    ShutdownReport report = null;
    try {
      WorkspaceManager files = new WorkspaceManager(source, service);

      steps.begin(
          THREADS
              + " threads create "
              + FILES_PER_THREAD
              + " files each, update half of them and delete a quarter, concurrently");
      concurrently(files);
      QueueStatus q = service.queueStatus();
      steps.end(
          String.format(
              Locale.ROOT, "%,d tasks accepted, %,d applied so far", q.accepted(), q.applied()));

      steps.begin(
          "change files behind the API's back: add notes/zebra.md, delete"
              + " src/t0/Worker0File3.java");
      Path dir = source.root().resolve(WORKSPACE);
      Files.createDirectories(dir.resolve("notes"));
      Files.writeString(
          dir.resolve("notes/zebra.md"), "# Notes\nThe reindex finds this zebra note.\n");
      Files.delete(dir.resolve("src/t0/Worker0File3.java"));
      steps.end("the index does not know yet");

      steps.begin("force a reindex and wait until the index is ready");
      files.forceReindex(WORKSPACE);
      boolean ready = service.awaitIndexReady(WORKSPACE, Duration.ofSeconds(20));
      steps.end(ready ? "ready" : "NOT READY after 20 s");
      ok &= ready;

      steps.begin("search");
      ok &= expect(service, "final", expectedFinal());
      ok &= expect(service, "draft", expectedDraft());
      ok &= expect(service, "UserName", expectedUserName());
      ok &= expect(service, "zebra", Set.of("notes/zebra.md"));
      steps.end("");

      steps.begin("queue status");
      q = service.queueStatus();
      out.println("      " + Views.queueText(Views.queue(q, 0)));
      steps.end("");

      steps.begin("index status of workspace '" + WORKSPACE + "'");
      IndexStatus st = service.indexStatus(WORKSPACE);
      out.printf(
          Locale.ROOT,
          "      %d files, %d indexed, %d up to date, %d missing, %d extra, coverage %s%%%n",
          st.filesystemFiles(),
          st.indexedFiles(),
          st.upToDate(),
          st.missingFiles(),
          st.extraIndexed(),
          Views.coverage(st.indexCoverage()));
      boolean complete = st.isComplete() && st.indexCoverage() == 100.0;
      steps.end(complete ? "100% and up to date" : "NOT up to date");
      ok &= complete;
    } finally {
      steps.begin("shut down gracefully");
      report = service.shutdown(Duration.ofSeconds(20));
      steps.end(
          String.format(
              Locale.ROOT,
              "%,d applied, %,d left in the queue",
              report.applied(),
              report.remaining()));
    }
    return ok && !report.timedOut();
  }

  /** Ten writers, each on its own files: create all, update the even ones, delete i % 4 == 1. */
  private void concurrently(WorkspaceManager files) throws InterruptedException {
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int writer = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (int i = 0; i < FILES_PER_THREAD; i++) {
                    files.createFile(WORKSPACE, path(writer, i), source(writer, i, "draft"));
                  }
                  for (int i = 0; i < FILES_PER_THREAD; i += 2) {
                    files.updateFile(WORKSPACE, path(writer, i), source(writer, i, "final"));
                  }
                  for (int i = 1; i < FILES_PER_THREAD; i += 4) {
                    files.deleteFile(WORKSPACE, path(writer, i));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "demo-writer-" + t);
      threads.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : threads) {
      th.join();
    }
    if (!errors.isEmpty()) {
      IllegalStateException e =
          new IllegalStateException("a writer failed: " + errors.get(0), errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  static String path(int writer, int i) {
    return "src/t" + writer + "/Worker" + writer + "File" + i + ".java";
  }

  static String source(int writer, int i, String state) {
    String extra =
        writer == 3 && state.equals("final")
            ? "\n  String getUserName() {\n    return \"writer " + writer + "\";\n  }\n"
            : "";
    return "package demo.t"
        + writer
        + ";\n\n/** Written by writer "
        + writer
        + ". */\nclass Worker"
        + writer
        + "File"
        + i
        + " {\n  String state = \""
        + state
        + "\";\n"
        + extra
        + "}\n";
  }

  static Set<String> expectedFinal() {
    Set<String> s = new TreeSet<>();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < FILES_PER_THREAD; i += 2) {
        s.add(path(t, i));
      }
    }
    return s;
  }

  static Set<String> expectedDraft() {
    Set<String> s = new TreeSet<>();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 3; i < FILES_PER_THREAD; i += 4) {
        s.add(path(t, i));
      }
    }
    s.remove(path(0, 3)); // deleted behind the API's back
    return s;
  }

  static Set<String> expectedUserName() {
    Set<String> s = new TreeSet<>();
    for (int i = 0; i < FILES_PER_THREAD; i += 2) {
      s.add(path(3, i));
    }
    return s;
  }

  private boolean expect(IndexingService service, String query, Set<String> expected) {
    List<SearchHit> hits = service.search(WORKSPACE, query, 1000).hits();
    String example = "";
    if (!hits.isEmpty() && !hits.get(0).lines().isEmpty()) {
      SearchHit.MatchLine l = hits.get(0).lines().get(0);
      example = "  e.g. " + hits.get(0).path() + ":" + l.lineNumber() + ": " + l.text().strip();
    }
    return steps.searchMatches("", query, hits, expected, example);
  }
}
