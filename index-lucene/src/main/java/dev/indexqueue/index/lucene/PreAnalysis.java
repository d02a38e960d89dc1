package dev.indexqueue.index.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.analysis.Analyzer;

/**
 * Analyses the contents of a batch on helper threads while the lane that applies the batch indexes
 * them, in order: the lane still calls {@code updateDocument} once per task in the batch's order
 * (so the per-workspace order and everything the index ends up holding are unchanged), but the
 * analysis, about half of the cost of indexing a code file, overlaps with the lane's own work. With
 * one lane on a multi-core machine that is the difference between one busy core and two.
 *
 * <p>Work is claimed in order from one counter, by the helpers and by the lane itself: a lane that
 * needs a text nobody has started analyses it at once, and a lane whose next text is being analysed
 * by a helper analyses the following one meanwhile, so the lane never waits while work is left.
 * Texts longer than {@link #MAX_CHARS} are not captured (their tokens would be held in memory); the
 * writer analyses them while indexing, as without pre-analysis.
 *
 * <p>Helpers only use processors the lanes leave idle: a batch gets at most {@code processors −
 * lanes applying now} helpers (none when every processor runs a lane: extra threads would only
 * compete with the lanes for the same cores).
 *
 * <p>Thread-safe: any number of lanes may start batches concurrently. {@link #close()} stops the
 * helpers (a lane then does all the work itself); closing twice is a no-op.
 */
final class PreAnalysis implements AutoCloseable {
  /** The longest text whose tokens are captured ahead of indexing. */
  static final int MAX_CHARS = 256 * 1024;

  private final Analyzer analyzer;
  private final String field;
  private final int helpers;
  private final int processors;
  private final ExecutorService pool;

  /**
   * @param analyzer the index-time analyzer (the writer's)
   * @param field the field whose texts are analysed
   * @param helpers how many helper threads; 0 leaves all analysis to the writer
   * @param threadName the helper threads' name prefix
   * @param processors how many processors lanes and helpers share
   */
  PreAnalysis(Analyzer analyzer, String field, int helpers, String threadName, int processors) {
    this.processors = processors;
    this.analyzer = analyzer;
    this.field = field;
    this.helpers = helpers;
    if (helpers == 0) {
      this.pool = null;
      return;
    }
    this.pool = Executors.newFixedThreadPool(helpers, daemonThreads(threadName));
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... (the backend's helpers). */
  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts analysing {@code texts} (null entries are skipped: nothing to capture). Returns null
   * when there are no helpers, no texts, or no idle processor: the writer then analyses as usual.
   *
   * @param lanesApplying how many lanes apply a batch now, this one included
   */
  Pending start(String[] texts, int lanesApplying) {
    int idle = processors - lanesApplying;
    if (pool == null || texts == null || idle <= 0) {
      return null;
    }
    Pending p = new Pending(texts);
    for (int i = 0, n = Math.min(helpers, idle); i < n; i++) {
      try {
        pool.execute(p::helpUntilClaimed);
      } catch (RejectedExecutionException e) {
        break; // closing: the lane analyses what is left itself
      }
    }
    return p;
  }

  /** Stops the helpers and waits briefly for the one in progress. */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One batch's texts being analysed. */
  final class Pending {
    private final String[] texts;
    private final CompletableFuture<?>[] results;
    private final AtomicInteger next = new AtomicInteger();

    private Pending(String[] texts) {
      this.texts = texts;
      this.results = new CompletableFuture<?>[texts.length];
      for (int i = 0; i < texts.length; i++) {
        results[i] = new CompletableFuture<AnalyzedText>();
      }
    }

    private void helpUntilClaimed() {
      for (int j = next.getAndIncrement(); j < texts.length; j = next.getAndIncrement()) {
        analyse(j);
      }
    }

    @SuppressWarnings("unchecked")
    private void analyse(int j) {
      CompletableFuture<AnalyzedText> f = (CompletableFuture<AnalyzedText>) results[j];
      String text = texts[j];
      if (text == null || text.length() > MAX_CHARS) {
        f.complete(null);
        return;
      }
      try {
        f.complete(AnalyzedText.capture(analyzer, field, text));
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    }

    /**
     * The tokens of text {@code i}, or null when it was not captured (null or too long): the writer
     * analyses it. Analyses texts itself while {@code i} is not done and work is left.
     *
     * @throws IOException when the analyzer threw one (other failures are rethrown as they were)
     */
    AnalyzedText take(int i) throws IOException {
      CompletableFuture<?> f = results[i];
      while (!f.isDone()) {
        int j = next.getAndIncrement();
        if (j >= texts.length) {
          break;
        }
        analyse(j);
      }
      try {
        return (AnalyzedText) f.join();
      } catch (CompletionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof UncheckedIOException uio) {
          throw uio;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        if (c instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
  }
}
