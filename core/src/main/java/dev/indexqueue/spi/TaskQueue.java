package dev.indexqueue.spi;

import dev.indexqueue.IndexTask;
import java.util.List;

/**
 * A bounded, partitioned log of tasks. It has {@link #partitions()} partitions, each made of {@link
 * #bands()} bands (1 or 2); every (partition, band) pair is an independent FIFO log with positions
 * of its own: append, read from a position, acknowledge up to a position.
 *
 * <p><b>Threads.</b> {@link #append} may be called by any number of threads at once. For one
 * partition, {@link #read} and {@link #sync} are called by one thread at a time (the lane that owns
 * the partition; different partitions are read concurrently by different lanes), while {@link
 * #acknowledge} is called by the core's maintainer thread concurrently with those reads. The
 * position getters, {@link #size()} and {@link #capacity()} may be called from any thread. {@link
 * #close()} is called once the lanes stopped, or after the shutdown grace while a lane may still be
 * stuck in the backend (never in a queue method).
 *
 * <p>Guarantees an implementation gives (checked by the tck's {@code TaskQueueContract}):
 *
 * <ul>
 *   <li><b>Positions.</b> {@link #append} gives each task a non-negative position in its
 *       (partition, band) log, distinct from every other position of that log; the positions of one
 *       log increase in append order, and a log never reuses a position, not even after a restart
 *       of a persistent queue. Positions need not be dense.
 *   <li><b>Order.</b> {@link #read} returns a log's tasks in position order, and once it returned a
 *       task at position p it never later returns a task at a position below p that it had not
 *       returned (appends become readable in position order). A read of one position (maxTasks 1)
 *       returns the task there, if it is still held, whatever was read before: the core follows a
 *       workspace's chain of predecessors this way.
 *   <li><b>Independence.</b> Appending to, reading from and acknowledging one log never waits for
 *       another log's reader.
 *   <li><b>Bound.</b> at most {@link #capacity()} tasks are held, over all logs, that are not
 *       acknowledged; {@link #append} returns {@link #FULL} instead of growing.
 *   <li><b>Acknowledge.</b> after {@code acknowledge(partition, band, p)} the tasks of that log
 *       below p may be discarded and their space reused; reading below {@link #firstPosition} reads
 *       from there.
 *   <li><b>Predecessors.</b> the {@link Predecessor} given to {@link #append} is stored with the
 *       task and returned by {@link #read} unchanged.
 *   <li><b>Persistence</b> (only when {@link #isPersistent()}): an appended task survives a crash
 *       of the process once {@link #append} returned; a reopened queue holds every task not
 *       acknowledged, in every log, with its position and predecessor.
 * </ul>
 *
 * <p>The queue stores order and durability only; which partition a workspace lives in ({@link
 * Partitioning}), priorities, lanes, coalescing, retries and waiting live in the core, once for
 * every queue.
 */
public interface TaskQueue extends AutoCloseable {

  /** Returned by {@link #append} when the queue is full. */
  long FULL = -1;

  /** The band of tasks with priority 0 or more, and of every task when {@link #bands()} is 1. */
  int NORMAL_BAND = 0;

  /**
   * The band of urgent tasks (priority below 0) when {@link #bands()} is 2: a log of its own per
   * partition, so an urgent task is read at once whatever backlog the normal band holds.
   */
  int URGENT_BAND = 1;

  /** The number of partitions, 1 to {@value Partitioning#MAX_PARTITIONS}; fixed for the queue. */
  int partitions();

  /**
   * The number of bands per partition: 2 when urgent tasks have a log of their own ({@link
   * #URGENT_BAND}), 1 when every task shares the partition's one log (priorities then act only
   * among the tasks the core has read ahead). The default is 1.
   */
  default int bands() {
    return 1;
  }

  /**
   * Appends a task to one log without blocking.
   *
   * @param partition the task's partition, {@code Partitioning.partitionOf(workspace,
   *     partitions())}
   * @param band {@link #NORMAL_BAND} or {@link #URGENT_BAND}, below {@link #bands()}
   * @param task a validated task
   * @param predecessor the workspace's previous task when it may not be applied and committed yet,
   *     or {@code null}; stored with the task
   * @return the task's position in its log, or {@link #FULL} when the queue holds {@link
   *     #capacity()} unacknowledged tasks
   * @throws IllegalArgumentException when the partition or band is out of range
   * @throws IllegalStateException when the queue is closed
   */
  long append(int partition, int band, IndexTask task, Predecessor predecessor);

  /**
   * Reads up to {@code maxTasks} tasks of one log with a position at or above {@code fromPosition},
   * in position order, without removing them. Returns an empty list when there is none yet.
   *
   * @param partition the partition
   * @param band the band
   * @param fromPosition the first position wanted; below {@link #firstPosition} means from there
   * @param maxTasks the most tasks to return, at least 1
   */
  List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks);

  /**
   * Releases the tasks of one log below {@code position}: they were applied and committed.
   * Acknowledging a position at or below an earlier one does nothing.
   *
   * @param partition the partition
   * @param band the band
   * @param position every task of that log below this position may be discarded
   */
  void acknowledge(int partition, int band, long position);

  /** The lowest position still held in a log (everything below was acknowledged). */
  long firstPosition(int partition, int band);

  /** A position above every task appended to a log so far: where reading stops for now. */
  long endPosition(int partition, int band);

  /** Tasks held and not acknowledged, over all logs. */
  long size();

  /** The most unacknowledged tasks the queue holds, over all logs. */
  long capacity();

  /**
   * Makes the tasks appended to a partition durable against power loss, as the queue's sync policy
   * says; the lane owning the partition calls it once per batch, before applying it. The default
   * does nothing.
   *
   * @param partition the partition
   */
  default void sync(int partition) {}

  /**
   * Starts telling {@code listener} which partitions this process owns; called once by the service,
   * before any read. The default, for a queue owned by one process, assigns every partition at
   * once, on the calling thread. A cluster queue calls {@link PartitionListener#assigned} and
   * {@link PartitionListener#revoked} from its own thread as ownership changes, and lets a
   * partition go only after {@code revoked} returned.
   *
   * @param listener the core's listener
   */
  default void subscribe(PartitionListener listener) {
    java.util.Set<Integer> all = new java.util.TreeSet<>();
    for (int p = 0; p < partitions(); p++) {
      all.add(p);
    }
    listener.assigned(all);
  }

  /**
   * Whether other processes append to or read from this queue too (a cluster queue such as Kafka):
   * tasks this process accepts may be applied by another process, and the other way round. The core
   * then waits for such tasks through the backend's checkpoints ({@link
   * IndexBackend#committedCheckpoint()}, {@link IndexBackend#visibleCheckpoint()}), and, when the
   * backend's refreshes reach other processes ({@link
   * IndexBackend#refreshesReachOtherProcesses()}), refreshes on its refresh interval whenever it
   * applied something, whether or not this process searches (the readers and waiters are
   * elsewhere). The default, for a queue owned by one process, is false.
   */
  default boolean isShared() {
    return false;
  }

  /**
   * The group of processes sharing this queue, as the cluster reports it now: its members, the
   * partitions each owns and the lag per partition, for status displays. It may ask the cluster
   * (blocking up to the queue's own request timeout) and throws an unchecked exception saying why
   * when it cannot. Any thread. The default, for a queue that is not shared, is empty.
   */
  default java.util.Optional<QueueGroup> group() {
    return java.util.Optional.empty();
  }

  /** Whether tasks survive a restart of the process (opt-in restart semantics in the tck). */
  default boolean isPersistent() {
    return false;
  }

  /** Closes the queue. Closing twice is a no-op; any other call after close may throw. */
  @Override
  void close();
}
