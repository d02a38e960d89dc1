package dev.indexqueue.cli;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.QueueStatus;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq status}: the queue's status and, per workspace, how the index compares with the
 * files. With {@code --json}: {@code {"queue":{...},"workspaces":{"NAME":{"filesystemFiles":…,
 * "indexedFiles":…,"upToDate":…,"missingFiles":…,"extraIndexed":…,"indexCoverage":…}}}}. Not
 * thread-safe: one instance per run.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the queue status and, per workspace, the index compared with the files.")
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
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (Session s = Session.open(root, "status")) {
      List<String> names = s.workspaces(workspace);
      s.awaitReady(names);
      QueueStatus q = s.service().queueStatus();
      Map<String, IndexStatus> statuses = new LinkedHashMap<>();
      for (String ws : names) {
        statuses.put(ws, s.service().indexStatus(ws));
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("queue", queueJson(q, s.deadLetterFile().read().size()));
        Map<String, Object> ws = new LinkedHashMap<>();
        statuses.forEach((k, v) -> ws.put(k, indexJson(v)));
        doc.put("workspaces", ws);
        out.println(Jsons.write(doc));
      } else {
        out.println(queueText(q, s.deadLetterFile().read().size()));
        out.println();
        out.printf(
            Locale.ROOT,
            "%-20s %10s %10s %10s %8s %8s %9s  %s%n",
            "workspace",
            "files",
            "indexed",
            "up to date",
            "missing",
            "extra",
            "coverage",
            "directory");
        statuses.forEach(
            (k, v) ->
                out.printf(
                    Locale.ROOT,
                    "%-20s %,10d %,10d %,10d %,8d %,8d %8s%%  %s%n",
                    k,
                    v.filesystemFiles(),
                    v.indexedFiles(),
                    v.upToDate(),
                    v.missingFiles(),
                    v.extraIndexed(),
                    Indexer.coverage(v.indexCoverage()),
                    s.registry().workspaces().get(k)));
      }
      out.flush();
      return Indexq.EXIT_OK;
    }
  }

  /** The six figures of one workspace, with exactly these JSON keys. */
  static Map<String, Object> indexJson(IndexStatus v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("filesystemFiles", v.filesystemFiles());
    m.put("indexedFiles", v.indexedFiles());
    m.put("upToDate", v.upToDate());
    m.put("missingFiles", v.missingFiles());
    m.put("extraIndexed", v.extraIndexed());
    m.put("indexCoverage", v.indexCoverage());
    return m;
  }

  static Map<String, Object> queueJson(QueueStatus q, int storedDeadLetters) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", q.state().name());
    m.put("queueSize", q.queueSize());
    m.put("capacity", q.capacity());
    m.put("pending", q.pending());
    m.put("inFlight", q.inFlight());
    m.put("workerRunning", q.workerRunning());
    m.put("accepted", q.accepted());
    m.put("applied", q.applied());
    m.put("coalesced", q.coalesced());
    m.put("retried", q.retried());
    m.put("deadLettered", q.deadLettered());
    m.put("storedDeadLetters", storedDeadLetters);
    m.put("oldestPendingMillis", q.oldestPendingAge().toMillis());
    m.put("lastCheckpoint", q.lastCheckpoint());
    m.put("failure", q.failure());
    return m;
  }

  static String queueText(QueueStatus q, int storedDeadLetters) {
    return String.format(
        Locale.ROOT,
        "queue: %s, %,d queued (capacity %,d), %,d pending, %,d in flight; accepted %,d, applied"
            + " %,d, coalesced %,d, retried %,d, dead-lettered %,d (%,d stored); checkpoint %,d%s",
        q.state(),
        q.queueSize(),
        q.capacity(),
        q.pending(),
        q.inFlight(),
        q.accepted(),
        q.applied(),
        q.coalesced(),
        q.retried(),
        q.deadLettered(),
        storedDeadLetters,
        q.lastCheckpoint(),
        q.failure() == null ? "" : "; FAILED: " + q.failure());
  }
}
