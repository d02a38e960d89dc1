package dev.indexqueue.spi;

import java.util.Set;

/**
 * Told by a {@link TaskQueue} which of its partitions this process owns: the service reads only
 * those. Implemented by the core; thread-safe. A queue owned by one process assigns every partition
 * once, at start; a cluster queue (Kafka: its consumer group) assigns and revokes them as members
 * come and go.
 */
public interface PartitionListener {

  /**
   * This process now owns {@code partitions}. The core reads each of their logs from the backend's
   * committed checkpoint for it (a queue that must seek, such as Kafka, seeks on the first read at
   * another position than where it is). Returns quickly; the reading happens on the lanes.
   *
   * @param partitions the partitions gained
   */
  void assigned(Set<Integer> partitions);

  /**
   * This process is about to lose {@code partitions}. Returns once the core stopped reading them,
   * the batch in flight finished, and a backend commit covered everything applied of them; the
   * tasks read but not applied are left to the next owner, which reads them again from that
   * commit's checkpoint.
   *
   * @param partitions the partitions given up
   */
  void revoked(Set<Integer> partitions);

  /**
   * Tasks appended elsewhere (by another process) became readable in {@code partition}: wakes the
   * lane that owns it. A queue whose tasks are only appended through this process need not call it
   * (the core wakes its lanes after each append).
   *
   * @param partition the partition with new tasks
   */
  void arrived(int partition);

  /**
   * Tasks of one log can never be read, so they were not applied and never will be: the positions
   * {@code [from, to)} of (partition, band) were deleted by the queue's retention before a backend
   * commit covered them, or a record there cannot be decoded. The core logs an error naming the
   * partition, band and positions, and stores a {@code REINDEX_WORKSPACE} dead letter for {@code
   * workspace} when the queue knows it, else for each workspace of the partition the backend holds:
   * replaying the dead letters reindexes them from their files. Never blocks on the queue.
   *
   * @param partition the partition
   * @param band the band
   * @param from the first position lost
   * @param to the position after the last one lost
   * @param workspace the workspace of the lost tasks when the queue knows it (a corrupt record's
   *     key), else {@code null}
   * @param reason what happened, for the log and the dead letters
   */
  void lost(int partition, int band, long from, long to, String workspace, String reason);
}
