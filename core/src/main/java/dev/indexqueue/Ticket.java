package dev.indexqueue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The receipt for an accepted task: where it is in the queue, its workspace, and a way to wait for
 * each {@link TaskStage}. Thread-safe: any thread may wait on any ticket, any number of times.
 *
 * <p>Guarantee: each stage completes at most once, normally when the task (or a later task of the
 * same workspace that superseded it by coalescing) reached that stage, or exceptionally with a
 * {@link TaskFailedException} when the task was dead-lettered, or with an {@link
 * IllegalStateException} when the service failed or stopped before reaching it. Waiters are woken
 * by positions and cannot miss a wake-up.
 *
 * <p>When another process applies the task (a producer node of a cluster, or a partition this node
 * does not own), DURABLE and VISIBLE complete when the backend's committed or visible checkpoint of
 * the task's partition passes the task's position, APPLIED when either does; the service reads them
 * at most once per refresh interval while someone waits (docs/DESIGN.md §12.1). A task
 * dead-lettered on another process completes normally there (the checkpoint passes it); the dead
 * letter is in that process's store.
 *
 * <p>The futures complete on the service's callback executor ({@code
 * IndexingServiceBuilder.callbackExecutor}), never on a lane or the maintainer thread, so a
 * callback may block or even shut the service down.
 */
public interface Ticket {

  /** Where the task is: partition, band and position (see {@link TaskId}). */
  TaskId id();

  /**
   * The task's position in its partition's band, {@code id().position()}: within a workspace and a
   * band, increasing in acceptance order. On a Kafka queue, the record's offset.
   */
  default long sequence() {
    return id().position();
  }

  /** The workspace of the task. */
  String workspace();

  /**
   * Returns a new future that completes when the task reaches {@code stage}. Completing or
   * cancelling the returned future by hand affects only that future, never the task.
   */
  CompletableFuture<Ticket> future(TaskStage stage);

  /** Shorthand for {@code future(TaskStage.APPLIED)}. */
  default CompletableFuture<Ticket> applied() {
    return future(TaskStage.APPLIED);
  }

  /** Shorthand for {@code future(TaskStage.DURABLE)}. */
  default CompletableFuture<Ticket> durable() {
    return future(TaskStage.DURABLE);
  }

  /** Shorthand for {@code future(TaskStage.VISIBLE)}. */
  default CompletableFuture<Ticket> visible() {
    return future(TaskStage.VISIBLE);
  }

  /**
   * Blocks until the task reaches {@code stage} or the timeout elapses.
   *
   * @return true when the stage was reached, false on timeout
   * @throws TaskFailedException when the task was dead-lettered
   * @throws IllegalStateException when the service failed or stopped first
   * @throws InterruptedException when the waiting thread is interrupted
   */
  default boolean await(TaskStage stage, Duration timeout) throws InterruptedException {
    CompletableFuture<Ticket> f = future(stage);
    try {
      f.get(Math.max(0, saturatedNanos(timeout)), java.util.concurrent.TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      f.cancel(false);
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Returns whether the task has already reached {@code stage} (normally). */
  default boolean isDone(TaskStage stage) {
    CompletableFuture<Ticket> f = future(stage);
    return f.isDone() && !f.isCompletedExceptionally();
  }
}
