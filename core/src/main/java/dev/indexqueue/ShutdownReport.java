package dev.indexqueue;

import java.time.Duration;

/**
 * What {@code shutdown} achieved in this run of the service. Immutable and thread-safe.
 *
 * <p>The counts reconcile exactly: {@code accepted + replayed == applied + coalesced + deadLettered
 * + remaining}. Every task accepted in this run, and every task found in the queue at start beyond
 * the backend's checkpoint, ends in exactly one of the four; a task read again after the backend
 * lost uncommitted work counts once more in {@code replayed} and in the outcome of its second
 * application. (For queues whose positions are dense, which memory and Chronicle are and Kafka is
 * without transactions.)
 *
 * @param accepted tasks accepted by {@code submit} in this run
 * @param replayed tasks found in the queue at start beyond the checkpoint, plus re-reads after lost
 *     state
 * @param applied tasks the backend applied (dead-lettered ones excluded)
 * @param coalesced tasks dropped because a later task of their workspace superseded them
 * @param deadLettered tasks sent to the dead-letter store
 * @param remaining tasks not finished: left in the queue, not covered by the final commit; a
 *     persistent queue applies them on next start, a memory queue loses them
 * @param timedOut whether the timeout ended the drain before every task was finished
 * @param took how long shutdown took
 */
public record ShutdownReport(
    long accepted,
    long replayed,
    long applied,
    long coalesced,
    long deadLettered,
    long remaining,
    boolean timedOut,
    Duration took) {}
