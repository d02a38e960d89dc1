package dev.indexqueue;

import java.time.Duration;

/**
 * A snapshot of one partition of the queue, as the lane that owns it sees it. Immutable and
 * thread-safe.
 *
 * @param partition the partition, from 0
 * @param lane the lane that owns it
 * @param depth tasks of this partition accepted (or replayed) and not yet applied, coalesced or
 *     dead-lettered: unread, pending in the lane, or in flight
 * @param checkpoint the committed checkpoint of the partition's normal band: every task below this
 *     position is applied and committed
 * @param urgentCheckpoint the same for the urgent band, or -1 when the queue has one band
 * @param end where the normal band's next task will go (its log's end position)
 * @param urgentEnd the same for the urgent band, or -1 when the queue has one band
 * @param oldestPendingAge how long the oldest task of this partition read but not applied has
 *     waited since it was read, {@link Duration#ZERO} when none
 */
public record PartitionStatus(
    int partition,
    int lane,
    long depth,
    long checkpoint,
    long urgentCheckpoint,
    long end,
    long urgentEnd,
    Duration oldestPendingAge) {}
