package dev.indexqueue.cli;

import dev.indexqueue.workspace.IndexReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq repair}: sets the task queue and the index aside (moved, whole directories, into
 * {@code set-aside/TIME/} of the data directory, whatever their inner layout) and rebuilds the
 * index of every registered workspace from its files, which are the source of truth. For a queue
 * that is damaged (a truncated or corrupted file) so that nothing else starts. Not thread-safe: one
 * instance per run.
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    description = {
      "Set a damaged task queue (and the index) aside and rebuild the index from the files.",
      "What is set aside is kept in the data directory's set-aside/ folder; delete it when done."
    })
final class RepairCommand implements Callable<Integer> {
  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Path data = root.existingDataDirectory();
    ServerCheck.refuseWhenServed(root, "repair");
    PrintWriter out = spec.commandLine().getOut();
    Path aside;
    try (DataDirectory dir = DataDirectory.open(data, "repair")) {
      aside =
          dir.path()
              .resolve("set-aside")
              .resolve(
                  LocalDateTime.now()
                      .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
      moveAside(dir.queue(), aside);
      moveAside(dir.index(), aside);
    }
    out.println("set the task queue and the index aside in " + aside);
    out.flush();
    int failed = 0;
    try (Session s = Session.open(root, "repair")) {
      for (String ws : s.registry().workspaces().keySet()) {
        if (!Files.isDirectory(s.registry().directory(ws))) {
          out.println(ws + ": its directory " + s.registry().directory(ws) + " is gone: skipped");
          continue;
        }
        IndexReport r = s.manager().index(ws, ProgressDisplay.auto(spec.commandLine().getErr()));
        out.println(IndexCommand.summary(r));
        failed += r.failed();
      }
    }
    out.println("repaired: the index was rebuilt from the files; delete " + aside + " when done");
    out.flush();
    return failed == 0 ? Indexq.EXIT_OK : Indexq.EXIT_FAILURE;
  }

  private static void moveAside(Path dir, Path aside) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.createDirectories(aside);
      Files.move(dir, aside.resolve(dir.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + dir + " to " + aside, e);
    }
  }
}
