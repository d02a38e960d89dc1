package dev.indexqueue;

import java.time.Duration;

/**
 * What {@code shutdown} achieved. Immutable and thread-safe.
 *
 * @param applied tasks applied since the service started
 * @param remaining tasks left in the queue, not covered by the final commit; a persistent queue
 *     applies them on next start, a memory queue loses them
 * @param timedOut whether the timeout ended the drain before the queue was empty
 * @param took how long shutdown took
 */
public record ShutdownReport(long applied, long remaining, boolean timedOut, Duration took) {}
