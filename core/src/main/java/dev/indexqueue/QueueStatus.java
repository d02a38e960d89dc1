package dev.indexqueue;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of the service's queue and workers (docs/DESIGN.md §3.9). Immutable and thread-safe;
 * the figures are read without stopping the workers, so they are consistent each on its own, not
 * with one another.
 *
 * @param state the service's lifecycle state
 * @param queueSize tasks in the queue not yet acknowledged (includes applied but uncommitted)
 * @param capacity the queue's capacity
 * @param pending tasks read ahead from the queue, waiting in lanes
 * @param inFlight tasks being applied right now
 * @param lanes per-lane depth and worker state
 * @param workerRunning whether at least one worker is running
 * @param shutdownRequested whether shutdown was requested
 * @param accepted tasks accepted since start
 * @param applied tasks applied since start (including replays after restart)
 * @param coalesced tasks dropped because a later task superseded them
 * @param retried retries after transient failures
 * @param deadLettered tasks sent to the dead-letter store
 * @param oldestPendingAge how long the oldest task read but not applied has waited since it was
 *     read, {@link Duration#ZERO} when none
 * @param lastCheckpoint the checkpoint of the last commit: every task below it is durable
 * @param failure the reason of the FAILED state, or {@code null}
 */
public record QueueStatus(
    LifecycleState state,
    long queueSize,
    long capacity,
    long pending,
    long inFlight,
    List<LaneStatus> lanes,
    boolean workerRunning,
    boolean shutdownRequested,
    long accepted,
    long applied,
    long coalesced,
    long retried,
    long deadLettered,
    Duration oldestPendingAge,
    long lastCheckpoint,
    String failure) {

  /** Copies the lane list. */
  public QueueStatus {
    lanes = List.copyOf(lanes);
  }
}
