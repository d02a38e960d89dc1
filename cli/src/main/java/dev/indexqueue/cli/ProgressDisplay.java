package dev.indexqueue.cli;

import dev.indexqueue.workspace.IndexProgress;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Shows a {@link dev.indexqueue.workspace.WorkspaceManager#index} run: a bar redrawn in place on a
 * terminal, a line every second otherwise, or nothing. Not thread-safe: called on the indexing
 * thread.
 */
abstract class ProgressDisplay implements Consumer<IndexProgress> {
  final PrintWriter out;
  final Eta eta = new Eta();
  boolean started;

  ProgressDisplay(PrintWriter out) {
    this.out = out;
  }

  static ProgressDisplay forTerminal(PrintWriter out) {
    return new Bar(out);
  }

  static ProgressDisplay plain(PrintWriter out) {
    return new Lines(out);
  }

  static ProgressDisplay none() {
    return new Lines(new PrintWriter(Writer.nullWriter())) {
      @Override
      public void accept(IndexProgress p) {}
    };
  }

  /** Chooses the bar on a terminal, plain lines otherwise. */
  static ProgressDisplay auto(PrintWriter err) {
    return System.console() != null ? forTerminal(err) : plain(err);
  }

  String figures(IndexProgress p) {
    long now = System.nanoTime();
    eta.sample(now, p.done());
    return String.format(
        Locale.ROOT,
        "%,d/%,d files %3d%%  %,.0f files/s  ETA %s",
        Math.min(p.done(), p.total()),
        p.total(),
        (int) p.percent(),
        eta.rate(),
        eta.left(now, p.done(), p.total()));
  }

  /** Ends the display (a new line after a bar). */
  void finish() {}

  private static final class Bar extends ProgressDisplay {
    private static final int WIDTH = 30;
    private boolean drawn;

    Bar(PrintWriter out) {
      super(out);
    }

    @Override
    public void accept(IndexProgress p) {
      if (p.total() == 0) {
        return;
      }
      int filled = (int) ((long) WIDTH * Math.min(p.done(), p.total()) / p.total());
      out.print(
          "\r"
              + p.workspace()
              + " ["
              + "#".repeat(filled)
              + ".".repeat(WIDTH - filled)
              + "] "
              + figures(p)
              + "   ");
      out.flush();
      drawn = true;
    }

    @Override
    void finish() {
      if (drawn) {
        out.println();
        out.flush();
      }
    }
  }

  private static class Lines extends ProgressDisplay {
    private long lastDraw;
    private boolean last;

    Lines(PrintWriter out) {
      super(out);
    }

    @Override
    public void accept(IndexProgress p) {
      if (!started) {
        started = true;
        lastDraw = System.nanoTime();
        out.println(
            String.format(
                Locale.ROOT,
                "indexing %s: %,d files to index or remove, %,d unchanged",
                p.workspace(),
                p.total(),
                p.unchanged()));
        out.flush();
        return;
      }
      long now = System.nanoTime();
      if (p.total() > 0 && (now - lastDraw >= 1_000_000_000L || (p.finished() && !last))) {
        lastDraw = now;
        last = p.finished();
        out.println("indexing " + p.workspace() + ": " + figures(p));
        out.flush();
      }
    }
  }
}
