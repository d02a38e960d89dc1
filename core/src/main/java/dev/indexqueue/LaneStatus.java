package dev.indexqueue;

import java.util.List;

/**
 * A snapshot of one lane. Immutable and thread-safe.
 *
 * @param lane the lane number, from 0
 * @param state the state of the lane's worker
 * @param depth tasks read from the queue and waiting in this lane (not in flight)
 * @param inFlight tasks of the batch the lane's worker is applying now
 * @param workspaces how many workspaces have pending tasks in this lane
 * @param partitions the partitions this lane owns, ascending
 */
public record LaneStatus(
    int lane,
    LifecycleState state,
    int depth,
    int inFlight,
    int workspaces,
    List<Integer> partitions) {
  /** Copies the list. */
  public LaneStatus {
    partitions = List.copyOf(partitions);
  }
}
