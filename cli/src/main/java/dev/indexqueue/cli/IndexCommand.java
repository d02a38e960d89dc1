package dev.indexqueue.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq index DIR}: registers a directory as a workspace and indexes it, with a progress
 * bar on a terminal and plain lines otherwise; returns when the index is ready. Running it again
 * brings the index up to date (files changed or deleted since are updated or removed). Not
 * thread-safe: one instance per run.
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = "Register DIR as a workspace and index it; ends when the index is ready.")
final class IndexCommand implements Callable<Integer> {
  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The directory to index.")
  Path dir;

  @Option(
      names = {"-w", "--workspace"},
      paramLabel = "NAME",
      description = "Workspace name (default: the directory's name).")
  String workspace;

  @Override
  public Integer call() throws InterruptedException {
    Path real = Workspaces.directory(dir);
    String name = Workspaces.name(workspace, real);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Session s = Session.open(root, "index " + real)) {
      Path before = s.register(name, real);
      if (before != null && !before.equals(real)) {
        err.println(
            "indexq: workspace '" + name + "' now points to " + real + " (was " + before + ")");
      }
      Indexer.Progress progress =
          System.console() != null
              ? Indexer.Progress.forTerminal(err)
              : Indexer.Progress.plain(err);
      Indexer.Result r = Indexer.indexAll(s, name, progress);
      out.println(Indexer.summary(name, r));
      out.flush();
      return r.failed() == 0 ? Indexq.EXIT_OK : Indexq.EXIT_FAILURE;
    }
  }
}
