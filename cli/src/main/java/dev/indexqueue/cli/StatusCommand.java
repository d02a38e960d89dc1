package dev.indexqueue.cli;

import dev.indexqueue.IndexStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq status}: the queue's status and, per workspace, how the index compares with the
 * files: up to date, missing (not indexed), stale (indexed with other content), extra (indexed,
 * file gone), skipped (with the reason). Exits 0 when every workspace is up to date, 1 otherwise.
 * With a server it asks the server; when another process holds the data directory it reads the
 * committed index read-only (the queue's live figures are that process's); otherwise it opens the
 * directory (applying what an earlier run left in the queue). Not thread-safe: one instance per
 * run.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the queue status and, per workspace, the index compared with the files.",
      "Exit code 0 when every workspace is up to date, 1 when one is not."
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Option(
      names = {"-w", "--workspace"},
      paramLabel = "NAME",
      description = "Only this workspace (default: all).")
  String workspace;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path data = root.existingDataDirectory();
    Views.Status status = null;
    Optional<ServerFile.Info> server = ServerFile.find(data);
    if (server.isPresent()) {
      try {
        status = new Client(server.get()).status(workspace, root.verbose);
      } catch (Client.Unreachable e) {
        status = null;
      }
    }
    if (status == null) {
      Optional<String> holder = DataDirectory.heldBy(data);
      status = holder.isPresent() ? readOnly(data, holder.get()) : opened();
    }
    print(status);
    boolean upToDate = status.workspaces().values().stream().allMatch(Views.Workspace::isUpToDate);
    return upToDate ? Indexq.EXIT_OK : Indexq.EXIT_FAILURE;
  }

  private Views.Status readOnly(Path data, String holder) {
    try (LocalReader r = LocalReader.open(data, root.node())) {
      Map<String, Views.Workspace> ws = new LinkedHashMap<>();
      for (String name : r.workspaces(workspace)) {
        ws.put(
            name,
            Views.workspace(
                String.valueOf(r.registry().workspaces().get(name)), r.status(name), root.verbose));
      }
      return new Views.Status(
          null,
          "queue: held by "
              + holder
              + "; the index as of its last commit (run 'indexq serve' for live figures)",
          ws);
    }
  }

  private Views.Status opened() throws InterruptedException {
    try (Session s = Session.open(root, "status", true)) {
      // a cluster node that registered no workspace (a worker) still shows its queue
      List<String> names =
          workspace == null && s.registry().workspaces().isEmpty() && s.node().isCluster()
              ? List.of()
              : s.workspaces(workspace);
      s.awaitReady(names);
      Map<String, Views.Workspace> ws = new LinkedHashMap<>();
      for (String name : names) {
        IndexStatus st = s.service().indexStatus(name);
        ws.put(
            name,
            Views.workspace(String.valueOf(s.registry().workspaces().get(name)), st, root.verbose));
      }
      return new Views.Status(
          Views.queue(s.service().queueStatus(), s.deadLetterFile().read().size(), s), null, ws);
    }
  }

  private void print(Views.Status status) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Jsons.write(status));
      out.flush();
      return;
    }
    out.println(status.queue() != null ? Views.queueText(status.queue()) : status.note());
    out.println();
    out.printf(
        Locale.ROOT,
        "%-20s %9s %9s %10s %8s %8s %8s %8s %9s  %s%n",
        "workspace",
        "files",
        "indexed",
        "up to date",
        "missing",
        "stale",
        "extra",
        "skipped",
        "coverage",
        "directory");
    status
        .workspaces()
        .forEach(
            (k, v) ->
                out.printf(
                    Locale.ROOT,
                    "%-20s %,9d %,9d %,10d %,8d %,8d %,8d %,8d %8s%%  %s%n",
                    k,
                    v.filesystemFiles(),
                    v.indexedFiles(),
                    v.upToDate(),
                    v.missingFiles(),
                    v.staleFiles(),
                    v.extraIndexed(),
                    v.skippedFiles(),
                    Views.coverage(v.indexCoverage()),
                    v.directory()));
    status
        .workspaces()
        .forEach(
            (k, v) -> {
              if (!v.isUpToDate()) {
                out.println(
                    k + ": not up to date: run 'indexq index " + v.directory() + " -w " + k + "'");
              }
              if (v.skippedFiles() > 0) {
                out.println(
                    k
                        + ": skipped "
                        + v.skippedByReason()
                        + (v.skipped() == null ? "; -v lists them" : ":"));
                if (v.skipped() != null) {
                  for (Views.Skipped f : v.skipped()) {
                    out.println("  " + IndexCommand.printable(f.path()) + "  (" + f.reason() + ")");
                  }
                }
              }
            });
    out.flush();
  }
}
