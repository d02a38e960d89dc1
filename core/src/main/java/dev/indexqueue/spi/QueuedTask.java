package dev.indexqueue.spi;

import dev.indexqueue.IndexTask;
import dev.indexqueue.TaskId;
import java.util.Objects;

/**
 * A task as stored in a {@link TaskQueue}: where it is (partition, band, position), the task, and
 * its workspace's previous task when that one had not been committed when this one was appended.
 * Immutable and thread-safe.
 *
 * @param partition the task's partition
 * @param band the task's band in the partition
 * @param position the task's position in that band's log
 * @param task the task
 * @param predecessor the workspace's previous task, or {@code null} when it was committed (or none)
 */
public record QueuedTask(
    int partition, int band, long position, IndexTask task, Predecessor predecessor) {
  /** Validates the record. */
  public QueuedTask {
    if (partition < 0 || partition >= Partitioning.MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "partition: must be between 0 and "
              + (Partitioning.MAX_PARTITIONS - 1)
              + ", was: "
              + partition);
    }
    if (band < 0 || band > 1) {
      throw new IllegalArgumentException("band: must be 0 or 1, was: " + band);
    }
    if (position < 0) {
      throw new IllegalArgumentException("position: must not be negative, was: " + position);
    }
    Objects.requireNonNull(task, "task");
  }

  /** A task without predecessor. */
  public QueuedTask(int partition, int band, long position, IndexTask task) {
    this(partition, band, position, task, null);
  }

  /** The task's identity: partition, band and position. */
  public TaskId id() {
    return new TaskId(partition, band, position);
  }
}
