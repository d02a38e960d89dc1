package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.workspace.IndexReport;
import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.helpers.NOPLogger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq watch DIR}: registers and indexes a directory, then keeps the index in sync with
 * its files (created, modified, deleted, renamed, in new sub-directories too) until Ctrl-C, and
 * then shuts down gracefully: what was submitted is applied and committed. Watching is recursive
 * (io.methvin directory-watcher: the JDK WatchService on Linux and Windows, FSEvents on macOS); a
 * watcher overflow, where events were lost, triggers a full reindex. Not thread-safe: one instance
 * per run; interrupting the thread that runs it stops it like Ctrl-C. At start it indexes
 * incrementally (only what changed since the index last saw the files), and each change on disk is
 * submitted and logged once.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Index DIR, then keep the index in sync with its files until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The directory to watch.")
  Path dir;

  @Option(
      names = {"-w", "--workspace"},
      paramLabel = "NAME",
      description = "Workspace name (default: the directory's name).")
  String workspace;

  @Override
  public Integer call() throws Exception {
    Path abs = WorkspaceArgs.directory(dir);
    String name = WorkspaceArgs.name(workspace, abs);
    PrintWriter out = spec.commandLine().getOut();
    ServerCheck.refuseWhenServed(root, "watch");
    ExecutorService events =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "indexq-watcher");
              t.setDaemon(true);
              return t;
            });
    DirectoryWatcher watcher = null;
    try (Signals signals = Signals.interruptOnSignal(Thread.currentThread());
        Session s = Session.open(root, "watch " + abs)) {
      try {
        s.register(name, abs);
        Path real = s.registry().directory(name);
        Sync sync = new Sync(s.service(), s, name, real, s.data().path(), out);
        watcher =
            DirectoryWatcher.builder()
                .path(real)
                .listener(sync)
                .fileHashing(false)
                .logger(NOPLogger.NOP_LOGGER)
                .build();
        watcher.watchAsync(events); // registers every directory before it returns
        sync.learnDirectories();
        ProgressDisplay progress =
            System.console() != null
                ? ProgressDisplay.forTerminal(spec.commandLine().getErr())
                : ProgressDisplay.none();
        IndexReport r = s.manager().index(name, progress);
        progress.finish();
        if (!r.interrupted()) {
          out.println(IndexCommand.summary(r));
          IndexCommand.printSkipped(r, out, root.verbose);
          out.println("watching " + real + " as workspace '" + name + "'; press Ctrl-C to stop");
          out.flush();
          try {
            new CountDownLatch(1).await(); // until Ctrl-C or an interrupt
          } catch (InterruptedException e) {
            // stop
          }
        }
        Thread.interrupted(); // handled: shut down gracefully
        return Indexq.EXIT_OK;
      } finally {
        if (watcher != null) {
          try {
            watcher.close();
          } catch (IOException e) {
            // stopping anyway
          }
        }
        events.shutdownNow();
        s.close();
        out.println(
            "stopped: shut down gracefully in "
                + s.report().took().toMillis()
                + " ms, "
                + s.report().remaining()
                + " tasks left in the queue");
        out.flush();
      }
    }
  }

  /** Turns watcher events into tasks. Called on the watcher's one thread. */
  static final class Sync implements DirectoryChangeListener {
    private final IndexingService service;
    private final Session session;
    private final String workspace;
    private final Path root;
    private final Path dataDir;
    private final PrintWriter out;
    private final Set<String> directories = ConcurrentHashMap.newKeySet();

    /** Per path, the content hash last submitted ("" for a removal): a change is logged once. */
    private final Map<String, String> submitted = new ConcurrentHashMap<>();

    Sync(
        IndexingService service,
        Session session,
        String workspace,
        Path root,
        Path dataDir,
        PrintWriter out) {
      this.service = service;
      this.session = session;
      this.workspace = workspace;
      this.root = root;
      Path d = dataDir;
      try {
        d = dataDir.toRealPath();
      } catch (IOException e) {
        // keep the absolute path
      }
      this.dataDir = d;
      this.out = out;
    }

    /** Records the sub-directories, so that deleting or moving one away is recognized. */
    void learnDirectories() throws IOException {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
              if (d.equals(root)) {
                return FileVisitResult.CONTINUE;
              }
              String rel = relative(d);
              if (rel == null) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              directories.add(rel);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    }

    @Override
    public void onEvent(DirectoryChangeEvent event) {
      try {
        handle(event);
      } catch (IllegalStateException e) {
        // the service is shutting down: the next run's index catches up
      }
    }

    private void handle(DirectoryChangeEvent event) {
      if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW) {
        log("events were lost (overflow): reindexing");
        submit(IndexTask.reindexWorkspace(workspace), null);
        return;
      }
      Path p = event.path();
      if (p == null || !p.startsWith(root) || p.equals(root) || p.startsWith(dataDir)) {
        return;
      }
      String rel = relative(p);
      if (rel == null) {
        return;
      }
      boolean knownDirectory = directories.contains(rel);
      if (event.isDirectory() || knownDirectory) {
        switch (event.eventType()) {
          case CREATE -> {
            directories.add(rel);
            indexTree(p); // files that arrived before the directory was watched
          }
          case DELETE -> {
            directories.removeIf(d -> d.equals(rel) || d.startsWith(rel + "/"));
            submit(IndexTask.reindexWorkspace(workspace), "removed directory " + rel);
          }
          default -> {}
        }
        return;
      }
      switch (event.eventType()) {
        case CREATE, MODIFY -> indexFile(rel, false);
        case DELETE -> indexFile(rel, true);
        default -> {}
      }
    }

    private void indexTree(Path dir) {
      try {
        Files.walkFileTree(
            dir,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                String rel = relative(d);
                if (rel == null) {
                  return FileVisitResult.SKIP_SUBTREE;
                }
                directories.add(rel);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                String rel = relative(f);
                if (rel != null && a.isRegularFile()) {
                  indexFile(rel, false);
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        submit(IndexTask.reindexWorkspace(workspace), null);
      }
    }

    private void indexFile(String rel, boolean deleted) {
      Optional<String> text = Optional.empty();
      if (!deleted) {
        try {
          text = session.source().read(workspace, rel);
        } catch (IOException e) {
          text = Optional.empty();
        }
      }
      String hash = text.map(ContentHash::of).orElse("");
      if (hash.equals(submitted.put(rel, hash))) {
        return; // the same change again (a create is often followed by a modify): once is enough
      }
      if (text.isPresent()) {
        submit(
            IndexTask.indexFile(workspace, rel, text.get()),
            "indexed " + rel + " (" + text.get().length() + " chars)");
      } else {
        // gone, or not indexable any more (binary, too large): make sure it is not in the index
        submit(IndexTask.removeFile(workspace, rel), deleted ? "removed " + rel : null);
      }
    }

    private void submit(IndexTask task, String doneMessage) {
      Ticket t = service.submit(task);
      if (doneMessage != null) {
        t.visible().thenRun(() -> log(doneMessage));
      }
    }

    private void log(String message) {
      synchronized (out) {
        out.println(LocalTime.now().format(TIME) + " " + message);
        out.flush();
      }
    }

    /** The task path of {@code p}, or null when it is hidden, in a VCS directory or invalid. */
    private String relative(Path p) {
      StringBuilder b = new StringBuilder();
      for (Path seg : root.relativize(p)) {
        String s = seg.toString();
        if (s.startsWith(".")) {
          return null; // hidden, .git, temporary files of atomic writes
        }
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(s);
      }
      String rel = b.toString();
      try {
        IndexTask.checkPath(rel);
        return rel;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
