package dev.indexqueue.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The processes that share a cluster queue ({@link TaskQueue#group()}), as the cluster reported
 * them when asked: the group's members with the partitions each owns, and the lag of each partition
 * (tasks appended and not yet committed by the group). Immutable and thread-safe; a snapshot,
 * possibly a moment old.
 *
 * @param name the group's name (Kafka: the consumer group)
 * @param members the members, in the order the cluster listed them
 * @param lag partition → tasks appended to it (all bands) and not yet committed by its owner
 */
public record QueueGroup(String name, List<Member> members, Map<Integer, Long> lag) {
  /** Copies the lists. */
  public QueueGroup {
    Objects.requireNonNull(name, "name");
    members = List.copyOf(members);
    lag = Map.copyOf(lag);
  }

  /**
   * One member of the group. Immutable and thread-safe.
   *
   * @param id the member's id in the group
   * @param clientId the client id it connected with (names the node when set per node)
   * @param host where it connects from, as the cluster saw it
   * @param partitions the partitions it owns, ascending
   */
  public record Member(String id, String clientId, String host, List<Integer> partitions) {
    /** Copies the list. */
    public Member {
      partitions = List.copyOf(partitions);
    }
  }
}
