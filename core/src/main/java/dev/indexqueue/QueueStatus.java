package dev.indexqueue;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of the service's queue, lanes and partitions. Immutable and thread-safe; the figures
 * are read without stopping the workers, so each is consistent on its own, not with the others.
 *
 * <p>Counters cover this run of the service (since {@code build()}); every task read from the queue
 * ends in exactly one of {@code applied}, {@code coalesced} and {@code deadLettered}, or is still
 * unfinished (see {@link ShutdownReport} for the exact identity at shutdown).
 *
 * @param state the service's lifecycle state
 * @param queueSize tasks in the queue not yet acknowledged (includes applied but uncommitted ones)
 * @param capacity the queue's capacity
 * @param pending tasks read from the queue into lanes and waiting there (0 once STOPPED)
 * @param inFlight tasks being applied right now
 * @param lanes per-lane state and depth
 * @param partitions per-partition depth, checkpoint and oldest pending age
 * @param workerRunning whether at least one lane worker is running
 * @param shutdownRequested whether shutdown was requested (or the service failed)
 * @param accepted tasks accepted by {@code submit} in this run
 * @param replayed tasks found in the queue at start beyond the backend's checkpoint, plus tasks
 *     read again after the backend lost uncommitted work
 * @param applied tasks the backend applied, dead-lettered ones excluded
 * @param coalesced tasks dropped because a later task of their workspace superseded them
 * @param retried retries after transient failures
 * @param deadLettered tasks sent to the dead-letter store
 * @param oldestPendingAge how long the oldest task read but not applied has waited since it was
 *     read, {@link Duration#ZERO} when none
 * @param failure the reason of the FAILED state, or {@code null}
 */
public record QueueStatus(
    LifecycleState state,
    long queueSize,
    long capacity,
    long pending,
    long inFlight,
    List<LaneStatus> lanes,
    List<PartitionStatus> partitions,
    boolean workerRunning,
    boolean shutdownRequested,
    long accepted,
    long replayed,
    long applied,
    long coalesced,
    long retried,
    long deadLettered,
    Duration oldestPendingAge,
    String failure) {

  /** Copies the lists. */
  public QueueStatus {
    Objects.requireNonNull(state, "state");
    lanes = List.copyOf(lanes);
    partitions = List.copyOf(partitions);
    Objects.requireNonNull(oldestPendingAge, "oldestPendingAge");
  }
}
