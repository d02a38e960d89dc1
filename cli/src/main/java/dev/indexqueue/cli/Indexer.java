package dev.indexqueue.cli;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.SourceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Indexes one registered workspace completely, with progress: submits an {@code INDEX_FILE} per
 * file (so progress can be counted), then a {@code REINDEX_WORKSPACE} that removes documents whose
 * files are gone and catches changes made meanwhile, and waits until the index is ready. Not
 * thread-safe: one command uses it.
 */
final class Indexer {
  /**
   * What a run did.
   *
   * @param files files submitted
   * @param bytes their total size
   * @param failed tasks dead-lettered
   * @param took how long, until the index was ready
   * @param status the index status at the end
   */
  record Result(int files, long bytes, int failed, Duration took, IndexStatus status) {
    double filesPerSecond() {
      return files / Math.max(1e-3, took.toNanos() / 1e9);
    }
  }

  private Indexer() {}

  /**
   * Indexes {@code workspace} and waits until it is ready.
   *
   * @param session the session
   * @param workspace a registered workspace
   * @param progress where progress goes
   * @throws InterruptedException when interrupted
   */
  static Result indexAll(Session session, String workspace, Progress progress)
      throws InterruptedException {
    IndexingService service = session.service();
    long t0 = System.nanoTime();
    List<SourceFile> files = session.source().list(workspace);
    progress.start(workspace, files.size());
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<Ticket>> pending = new ArrayList<>(files.size() + 1);
    long bytes = 0;
    for (SourceFile f : files) {
      Optional<String> text;
      try {
        text = session.source().read(workspace, f.path());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f.path() + " of workspace " + workspace, e);
      }
      IndexTask task =
          text.isPresent()
              ? IndexTask.indexFile(workspace, f.path(), text.get())
              : IndexTask.removeFile(workspace, f.path());
      bytes += f.size();
      CompletableFuture<Ticket> applied =
          service
              .submit(task)
              .applied()
              .whenComplete(
                  (t, e) -> {
                    done.incrementAndGet();
                    if (e != null) {
                      failed.incrementAndGet();
                    }
                  });
      pending.add(applied);
      progress.update(done.get());
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    while (true) {
      try {
        all.get(200, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        progress.update(done.get());
      } catch (ExecutionException e) {
        break; // counted in failed; the dead letters say which
      }
    }
    progress.update(done.get());
    // then, not before (it would supersede the pending tasks and hide the progress): remove what
    // is gone and pick up what changed while we read
    service.submit(IndexTask.reindexWorkspace(workspace));
    if (!service.awaitIndexReady(workspace, Session.REPLAY_TIMEOUT)) {
      throw new IllegalStateException("workspace " + workspace + " is not ready after 5 min");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    progress.finish();
    return new Result(files.size(), bytes, failed.get(), took, service.indexStatus(workspace));
  }

  /** One line: what was indexed, how fast, and the status. */
  static String summary(String workspace, Result r) {
    IndexStatus s = r.status();
    return String.format(
        Locale.ROOT,
        "indexed %,d files (%s) of workspace '%s' in %.1f s (%,.0f files/s); %,d/%,d up to date,"
            + " coverage %s%%%s",
        r.files(),
        bytes(r.bytes()),
        workspace,
        r.took().toNanos() / 1e9,
        r.filesPerSecond(),
        s.upToDate(),
        s.filesystemFiles(),
        coverage(s.indexCoverage()),
        r.failed() > 0 ? "; " + r.failed() + " failed (see 'indexq dead-letters list')" : "");
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
  }

  static String coverage(double c) {
    return c == 100.0 ? "100.0" : String.format(Locale.ROOT, "%.1f", Math.min(c, 99.9));
  }

  /** Reports progress; {@link #forTerminal} draws a bar, {@link #plain} prints lines. */
  abstract static class Progress {
    final PrintWriter out;
    String workspace;
    int total;
    long startNanos;

    Progress(PrintWriter out) {
      this.out = out;
    }

    /** A bar redrawn in place (for a terminal). */
    static Progress forTerminal(PrintWriter out) {
      return new Bar(out);
    }

    /** A line every second or so (for a pipe or a file). */
    static Progress plain(PrintWriter out) {
      return new Lines(out);
    }

    /** No output. */
    static Progress none() {
      return new Lines(new PrintWriter(java.io.Writer.nullWriter())) {
        @Override
        void draw(int done, boolean last) {}
      };
    }

    void start(String ws, int files) {
      this.workspace = ws;
      this.total = files;
      this.startNanos = System.nanoTime();
    }

    abstract void update(int done);

    abstract void finish();

    String figures(int done) {
      double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
      double rate = done / secs;
      String eta =
          done == 0 || done >= total
              ? "-"
              : String.format(Locale.ROOT, "%.0f s", Math.ceil((total - done) / rate));
      return String.format(
          Locale.ROOT,
          "%,d/%,d files %3d%%  %,.0f files/s  ETA %s",
          Math.min(done, total),
          total,
          total == 0 ? 100 : (int) (100L * Math.min(done, total) / total),
          rate,
          eta);
    }
  }

  private static final class Bar extends Progress {
    private static final int WIDTH = 30;
    private long lastDraw;

    Bar(PrintWriter out) {
      super(out);
    }

    @Override
    void update(int done) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = now;
      int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * Math.min(done, total) / total);
      out.print(
          "\r"
              + workspace
              + " ["
              + "#".repeat(filled)
              + ".".repeat(WIDTH - filled)
              + "] "
              + figures(done)
              + "   ");
      out.flush();
    }

    @Override
    void finish() {
      lastDraw = 0;
      update(total);
      out.println();
      out.flush();
    }
  }

  private static class Lines extends Progress {
    private long lastDraw;

    Lines(PrintWriter out) {
      super(out);
    }

    @Override
    void start(String ws, int files) {
      super.start(ws, files);
      lastDraw = System.nanoTime();
      out.println("indexing " + ws + ": " + String.format(Locale.ROOT, "%,d", files) + " files");
      out.flush();
    }

    @Override
    void update(int done) {
      long now = System.nanoTime();
      if (now - lastDraw >= 1_000_000_000L) {
        lastDraw = now;
        draw(done, false);
      }
    }

    void draw(int done, boolean last) {
      out.println("indexing " + workspace + ": " + figures(done));
      out.flush();
    }

    @Override
    void finish() {
      draw(total, true);
    }
  }
}
