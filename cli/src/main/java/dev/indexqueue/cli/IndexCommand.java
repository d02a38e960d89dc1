package dev.indexqueue.cli;

import dev.indexqueue.ShutdownReport;
import dev.indexqueue.spi.SkippedFile;
import dev.indexqueue.workspace.IndexReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq index DIR}: registers a directory as a workspace and brings its index up to date,
 * incrementally (only new and changed files are indexed, documents of deleted files removed), with
 * a progress bar on a terminal and plain lines otherwise; returns when the index is ready. Ctrl-C
 * stops it gracefully: what was applied is committed, it says what is left and exits 130. Not
 * thread-safe: one instance per run.
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description =
        "Register DIR as a workspace and index what changed; ends when the index is ready.")
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
  public Integer call() {
    Path abs = WorkspaceArgs.directory(dir);
    String name = WorkspaceArgs.name(workspace, abs);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerCheck.refuseWhenServed(root, "index");
    try (Signals signals = Signals.interruptOnSignal(Thread.currentThread());
        Session s = Session.open(root, "index " + abs)) {
      Path before = s.register(name, abs);
      Path now = s.registry().directory(name);
      if (before != null && !before.equals(now)) {
        err.println(
            "indexq: workspace '" + name + "' now points to " + now + " (was " + before + ")");
      }
      ProgressDisplay progress = ProgressDisplay.auto(err);
      IndexReport r = s.manager().index(name, progress);
      progress.finish();
      if (r.interrupted()) {
        s.shutdownTimeout(Duration.ofSeconds(5));
        s.close();
        out.println(interrupted(name, r, s.report(), abs));
        out.flush();
        Thread.interrupted(); // handled
        return Indexq.EXIT_INTERRUPTED;
      }
      out.println(summary(r));
      printSkipped(r, out, root.verbose);
      out.flush();
      return r.failed() == 0 ? Indexq.EXIT_OK : Indexq.EXIT_FAILURE;
    }
  }

  /** What an interrupted run did and what is left. */
  static String interrupted(String name, IndexReport r, ShutdownReport shutdown, Path dir) {
    int planned = r.indexed() + r.removed();
    return String.format(
        Locale.ROOT,
        "interrupted: %,d of %,d changes of workspace '%s' applied and committed; %,d left"
            + " (%,d not submitted, %,d still in the queue, applied on the next run): run 'indexq"
            + " index %s' again to finish",
        r.applied(),
        planned,
        name,
        planned - r.applied() - r.failed(),
        r.notSubmitted(),
        shutdown == null ? 0 : shutdown.remaining(),
        dir);
  }

  /** One line: what was indexed, how fast, and the status. */
  static String summary(IndexReport r) {
    var s = r.status();
    double secs = Math.max(1e-3, r.took().toNanos() / 1e9);
    String what =
        r.removed() == 0 && r.unchanged() == 0
            ? String.format(
                Locale.ROOT, "indexed %,d files (%s)", r.indexed(), Views.bytes(r.bytes()))
            : String.format(
                Locale.ROOT,
                "indexed %,d new or changed files (%s), removed %,d, %,d unchanged",
                r.indexed(),
                Views.bytes(r.bytes()),
                r.removed(),
                r.unchanged());
    return String.format(
        Locale.ROOT,
        "%s of workspace '%s' in %.1f s (%,.0f files/s); %,d/%,d up to date, coverage %s%%%s%s",
        what,
        r.workspace(),
        secs,
        r.indexed() / secs,
        s.upToDate(),
        s.filesystemFiles(),
        Views.coverage(s.indexCoverage()),
        s.isUpToDate() ? "" : " (not up to date: see 'indexq status')",
        r.failed() > 0 ? "; " + r.failed() + " failed (see 'indexq dead-letters list')" : "");
  }

  /** The skipped files: a count by reason, and each file with {@code -v}. */
  static void printSkipped(IndexReport r, PrintWriter out, boolean verbose) {
    if (r.status().skippedFiles() == 0) {
      return;
    }
    Map<String, Integer> byReason = new TreeMap<>();
    for (SkippedFile f : r.status().skipped()) {
      byReason.merge(f.reason().description(), 1, Integer::sum);
    }
    StringBuilder b = new StringBuilder();
    byReason.forEach(
        (k, v) -> b.append(b.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
    out.printf(
        Locale.ROOT,
        "skipped %,d files (%s)%s%n",
        r.status().skippedFiles(),
        b,
        verbose ? ":" : "; -v lists them");
    if (verbose) {
      for (SkippedFile f : r.status().skipped()) {
        out.println("  " + printable(f.path()) + "  (" + f.reason().description() + ")");
      }
    }
  }

  /** A path with control characters shown as escapes, so a newline in a name stays on one line. */
  static String printable(String path) {
    StringBuilder b = new StringBuilder();
    for (char c : path.toCharArray()) {
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (Character.isISOControl(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
