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
}
