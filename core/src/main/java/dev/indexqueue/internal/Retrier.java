package dev.indexqueue.internal;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.RetryPolicy;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.TransientBackendException;
import dev.indexqueue.spi.WorkspaceSource;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the entries of a failed batch one by one, retrying transient failures with the retry
 * policy's backoff and dead-lettering what still fails (at once for a permanent failure), so one
 * bad task never stops a lane. Thread-safe; each lane calls it for its own batches.
 */
final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Thrown out of {@link #applyOneByOne} when the backend lost its state: the batch is dropped. */
  static final class StateLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StateLost(BackendStateLostException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private final Settings settings;
  private final IndexBackend backend;
  private final WorkspaceSource source;
  private final RetryPolicy policy;
  private final Counters counters;
  private final Progress progress;
  private final DeadLetterStore deadLetters;
  private final Backoff backoff;
  private final BooleanSupplier stopping;

  Retrier(
      Settings settings,
      Counters counters,
      Progress progress,
      DeadLetterStore deadLetters,
      Backoff backoff,
      BooleanSupplier stopping) {
    this.settings = settings;
    this.backend = settings.backend();
    this.source = settings.source();
    this.policy = settings.retryPolicy();
    this.counters = counters;
    this.progress = progress;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
    this.stopping = stopping;
  }

  /**
   * Applies each entry alone with retries.
   *
   * @param batchFailure the failure of the whole batch (it counts as the first attempt of a batch
   *     of one)
   * @return how many entries were dead-lettered
   * @throws StateLost when the backend lost its uncommitted state meanwhile
   */
  int applyOneByOne(int lane, List<Entry> batch, RuntimeException batchFailure) {
    int dead = 0;
    for (Entry e : batch) {
      int attempt = 0;
      Instant first = null;
      RuntimeException last = batch.size() == 1 ? batchFailure : null;
      while (true) {
        if (last == null) {
          try {
            attempt++;
            backend.apply(new Batch(lane, List.of(e.queued()), source));
            break;
          } catch (BackendStateLostException x) {
            throw new StateLost(x);
          } catch (RuntimeException x) {
            last = x;
          }
        } else {
          attempt++;
        }
        if (first == null) {
          first = settings.clock().now();
        }
        boolean transientFailure = last instanceof TransientBackendException;
        if (transientFailure && attempt < policy.maxAttempts() && !stopping.getAsBoolean()) {
          counters.retried.increment();
          backoff.await(
              policy.backoff(attempt, ThreadLocalRandom.current().nextDouble()).toNanos());
          last = null;
          continue;
        }
        deadLetter(e, last, !transientFailure, attempt, first);
        dead++;
        break;
      }
    }
    return dead;
  }

  private void deadLetter(
      Entry e, RuntimeException cause, boolean permanent, int attempts, Instant first) {
    DeadLetter letter =
        new DeadLetter(
            e.id(),
            e.task,
            cause.getClass().getName() + ": " + cause.getMessage(),
            permanent,
            attempts,
            first,
            settings.clock().now());
    LOG.warn(
        "{}: task {} of workspace {} dead-lettered after {} attempt(s): {}",
        settings.name(),
        e.id(),
        e.task.workspace(),
        attempts,
        letter.error());
    deadLetters.add(letter);
    counters.deadLettered.increment();
    progress.recordFailure(e.id(), letter, cause);
    for (int i = 0; i < e.supersededCount; i++) {
      progress.recordFailure(e.superseded[i], letter, cause);
    }
  }
}
