package dev.indexqueue;

/**
 * Where an accepted task lives in the queue: its partition, its band in the partition and its
 * position in that band's log. Unique among the tasks of one queue; tasks of one workspace share
 * one partition, and within one band their positions increase in acceptance order. Immutable and
 * thread-safe.
 *
 * <p>On a Kafka queue the position is the record's offset in its topic partition.
 *
 * @param partition the partition, from 0
 * @param band 0 for the normal band, 1 for the urgent band (tasks with a priority below 0, on a
 *     queue with two bands)
 * @param position the position in that band's log
 */
public record TaskId(int partition, int band, long position) {
  /** Validates the record. */
  public TaskId {
    if (partition < 0) {
      throw new IllegalArgumentException("partition: must not be negative, was: " + partition);
    }
    if (band < 0 || band > 1) {
      throw new IllegalArgumentException("band: must be 0 or 1, was: " + band);
    }
    if (position < 0) {
      throw new IllegalArgumentException("position: must not be negative, was: " + position);
    }
  }

  /**
   * {@code p<partition>[u]#<position>}, such as {@code p3#1207} or {@code p0u#12} (urgent band).
   */
  @Override
  public String toString() {
    return "p" + partition + (band == 1 ? "u" : "") + "#" + position;
  }
}
