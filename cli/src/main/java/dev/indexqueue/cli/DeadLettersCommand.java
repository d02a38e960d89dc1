package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.Ticket;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq dead-letters list|replay|clear}: the tasks the index could not apply, kept in the
 * data directory across runs. {@code replay} submits them again (a file's task indexes the file as
 * it is now); {@code clear} forgets them. Not thread-safe: one instance per run.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = "List, replay or clear the tasks the index could not apply.",
    subcommands = {
      DeadLettersCommand.ListCommand.class,
      DeadLettersCommand.ReplayCommand.class,
      DeadLettersCommand.ClearCommand.class
    })
final class DeadLettersCommand implements Runnable {
  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: list, replay or clear");
  }

  /** One dead letter as JSON. */
  static Map<String, Object> json(DeadLetterFile.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sequence", e.sequence());
    m.put("type", e.type().name());
    m.put("workspace", e.workspace());
    m.put("path", e.path());
    m.put("attempts", e.attempts());
    m.put("permanent", e.permanent());
    m.put("lastFailure", e.lastFailure().toString());
    m.put("error", e.error());
    return m;
  }

  /** {@code dead-letters list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the dead letters.")
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<DeadLetterFile.Entry> entries;
      try (DataDirectory data =
          DataDirectory.open(parent.root.dataDirectory(), "dead-letters list")) {
        entries = new DeadLetterFile(data.path()).read();
      }
      if (json) {
        List<Object> list = new ArrayList<>();
        for (DeadLetterFile.Entry e : entries) {
          list.add(json(e));
        }
        out.println(Jsons.write(Map.of("deadLetters", list)));
      } else if (entries.isEmpty()) {
        out.println("no dead letters");
      } else {
        for (DeadLetterFile.Entry e : entries) {
          out.println(
              "#"
                  + e.sequence()
                  + " "
                  + e.type()
                  + " "
                  + e.workspace()
                  + (e.path() == null ? "" : ":" + e.path())
                  + "  ("
                  + e.attempts()
                  + " attempts, "
                  + (e.permanent() ? "permanent" : "retries exhausted")
                  + ", "
                  + e.lastFailure()
                  + "): "
                  + e.error());
        }
      }
      out.flush();
      return Indexq.EXIT_OK;
    }
  }

  /** {@code dead-letters replay}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = "Submit the dead letters again and wait; those that fail again stay.")
  static final class ReplayCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Session s = Session.open(parent.root, "dead-letters replay")) {
        List<DeadLetterFile.Entry> entries = s.deadLetterFile().read();
        s.deadLetterFile().clear();
        Set<String> workspaces = new LinkedHashSet<>();
        List<Ticket> tickets = new ArrayList<>();
        int skipped = 0;
        for (DeadLetterFile.Entry e : entries) {
          if (!s.registry().contains(e.workspace())) {
            skipped++;
            continue;
          }
          workspaces.add(e.workspace());
          tickets.add(s.service().submit(task(s, e)));
        }
        s.awaitReady(new ArrayList<>(workspaces));
        int failed = 0;
        for (Ticket t : tickets) {
          if (t.applied().isCompletedExceptionally()) {
            failed++;
          }
        }
        out.println(
            "replayed "
                + tickets.size()
                + " dead letters: "
                + (tickets.size() - failed)
                + " applied, "
                + failed
                + " failed again"
                + (skipped > 0 ? ", " + skipped + " of unregistered workspaces dropped" : ""));
        out.flush();
        return failed == 0 ? Indexq.EXIT_OK : Indexq.EXIT_FAILURE;
      }
    }

    static IndexTask task(Session s, DeadLetterFile.Entry e) {
      if (e.type() == IndexTaskType.INDEX_FILE || e.type() == IndexTaskType.REMOVE_FILE) {
        Optional<String> text;
        try {
          text = s.source().read(e.workspace(), e.path());
        } catch (IOException ex) {
          throw new UncheckedIOException("cannot read " + e.path(), ex);
        }
        return text.isPresent()
            ? IndexTask.indexFile(e.workspace(), e.path(), text.get())
            : IndexTask.removeFile(e.workspace(), e.path());
      }
      return e.type() == IndexTaskType.REMOVE_WORKSPACE
          ? IndexTask.removeWorkspace(e.workspace())
          : IndexTask.reindexWorkspace(e.workspace());
    }
  }

  /** {@code dead-letters clear}. */
  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description = "Forget the dead letters.")
  static final class ClearCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (DataDirectory data =
          DataDirectory.open(parent.root.dataDirectory(), "dead-letters clear")) {
        int n = new DeadLetterFile(data.path()).clear();
        spec.commandLine().getOut().println("cleared " + n + " dead letters");
        spec.commandLine().getOut().flush();
      }
      return Indexq.EXIT_OK;
    }
  }
}
