package dev.indexqueue.spi;

import dev.indexqueue.IndexTask;
import java.util.List;

/**
 * A bounded FIFO log of tasks: append, read from a position, acknowledge up to a position.
 * Implementations must be safe for any number of threads calling {@link #append} concurrently with
 * one reader thread at a time calling {@link #read} and {@link #acknowledge}; {@link #size} and the
 * position getters may be called from any thread.
 *
 * <p>Guarantees an implementation gives (checked by the tck's {@code TaskQueueContract}):
 *
 * <ul>
 *   <li><b>Positions.</b> {@link #append} gives each task a distinct, non-negative position; the
 *       positions of one thread's appends increase; a queue never reuses a position, not even after
 *       a restart of a persistent queue. Positions need not be dense.
 *   <li><b>Order.</b> {@link #read} returns tasks in position order, and once it returned a task at
 *       position p it never later returns a task at a position below p that it had not returned
 *       (appends become readable in position order).
 *   <li><b>Bound.</b> at most {@link #capacity()} tasks are held that are not acknowledged; {@link
 *       #append} returns {@link #FULL} instead of growing.
 *   <li><b>Acknowledge.</b> after {@code acknowledge(p)} the tasks below p may be discarded and
 *       their space reused; reading below {@link #firstPosition()} reads from there.
 *   <li><b>Persistence</b> (only when {@link #isPersistent()}): an appended task survives a crash
 *       of the process once {@link #append} returned; a reopened queue holds every task not
 *       acknowledged.
 * </ul>
 *
 * <p>The queue stores order and durability only; priorities, lanes, coalescing, retries and waiting
 * live in the core, once for every queue.
 */
public interface TaskQueue extends AutoCloseable {

  /** Returned by {@link #append} when the queue is full. */
  long FULL = -1;

  /**
   * Appends a task without blocking.
   *
   * @param task a validated task
   * @return the task's position, or {@link #FULL} when the queue holds {@link #capacity()}
   *     unacknowledged tasks
   * @throws IllegalStateException when the queue is closed
   */
  long append(IndexTask task);

  /**
   * Reads up to {@code maxTasks} tasks with a position at or above {@code fromPosition}, in
   * position order, without removing them. Returns an empty list when there is none yet.
   *
   * @param fromPosition the first position wanted; below {@link #firstPosition()} means from there
   * @param maxTasks the most tasks to return, at least 1
   */
  List<QueuedTask> read(long fromPosition, int maxTasks);

  /**
   * Releases the tasks below {@code position}: they were applied and committed. Acknowledging a
   * position at or below an earlier one does nothing.
   *
   * @param position every task below this position may be discarded
   */
  void acknowledge(long position);

  /** The lowest position still held (everything below was acknowledged). */
  long firstPosition();

  /** A position above every task appended so far: where reading stops for now. */
  long endPosition();

  /** Tasks held and not acknowledged. */
  long size();

  /** The most unacknowledged tasks the queue holds. */
  long capacity();

  /**
   * Makes appended tasks durable against power loss, as the queue's sync policy says; the core
   * calls it once per batch. The default does nothing.
   */
  default void sync() {}

  /** Whether tasks survive a restart of the process (opt-in restart semantics in the tck). */
  default boolean isPersistent() {
    return false;
  }

  /** Closes the queue. Closing twice is a no-op; any other call after close may throw. */
  @Override
  void close();
}
