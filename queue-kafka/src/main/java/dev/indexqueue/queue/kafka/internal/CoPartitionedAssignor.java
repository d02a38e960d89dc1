package dev.indexqueue.queue.kafka.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer group's assignor for an IndexQueue topic with an urgent band: Kafka's {@link
 * CooperativeStickyAssignor} assigns the partitions of the main topic, and partition {@code p} of
 * {@code <topic>-urgent} always goes with partition {@code p} of {@code <topic>}, so one member
 * owns both bands of a partition (its lanes order a workspace's tasks across them). Cooperative: a
 * partition being moved is first revoked from its owner, both bands at once, and assigned in the
 * follow-up rebalance. Not API (Kafka instantiates it by class name, so it must be public); a new
 * instance per consumer, used by the consumer's thread.
 */
public final class CoPartitionedAssignor implements ConsumerPartitionAssignor {
  /** The assignor's protocol name, the same in every member of an IndexQueue group. */
  public static final String NAME = "indexqueue-copartitioned";

  /** The suffix of a main topic's urgent band. */
  public static final String URGENT_SUFFIX = "-urgent";

  private final CooperativeStickyAssignor delegate = new CooperativeStickyAssignor();

  /** For Kafka's reflection. */
  public CoPartitionedAssignor() {}

  @Override
  public ByteBuffer subscriptionUserData(Set<String> topics) {
    return delegate.subscriptionUserData(mainTopics(topics));
  }

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
    Map<String, Subscription> mains = new HashMap<>();
    for (Map.Entry<String, Subscription> e : groupSubscription.groupSubscription().entrySet()) {
      Subscription s = e.getValue();
      Set<String> main = mainTopics(new HashSet<>(s.topics()));
      List<TopicPartition> owned = new ArrayList<>();
      for (TopicPartition tp : s.ownedPartitions()) {
        if (main.contains(tp.topic())) {
          owned.add(tp);
        }
      }
      mains.put(
          e.getKey(),
          new Subscription(
              new ArrayList<>(main), s.userData(), owned, s.generationId().orElse(-1), s.rackId()));
    }
    GroupAssignment inner = delegate.assign(metadata, new GroupSubscription(mains));
    Map<String, Assignment> out = new HashMap<>();
    for (Map.Entry<String, Assignment> e : inner.groupAssignment().entrySet()) {
      Set<String> subscribed =
          new HashSet<>(groupSubscription.groupSubscription().get(e.getKey()).topics());
      List<TopicPartition> parts = new ArrayList<>(e.getValue().partitions());
      for (TopicPartition tp : e.getValue().partitions()) {
        String urgent = tp.topic() + URGENT_SUFFIX;
        if (subscribed.contains(urgent)) {
          parts.add(new TopicPartition(urgent, tp.partition()));
        }
      }
      out.put(e.getKey(), new Assignment(parts, e.getValue().userData()));
    }
    return new GroupAssignment(out);
  }

  /** The topics that are not the urgent band of another topic in the set. */
  private static Set<String> mainTopics(Set<String> topics) {
    Set<String> main = new HashSet<>();
    for (String t : topics) {
      if (!(t.endsWith(URGENT_SUFFIX)
          && topics.contains(t.substring(0, t.length() - URGENT_SUFFIX.length())))) {
        main.add(t);
      }
    }
    return main;
  }

  @Override
  public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    delegate.onAssignment(assignment, metadata);
  }

  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.COOPERATIVE);
  }

  @Override
  public short version() {
    return delegate.version();
  }

  @Override
  public String name() {
    return NAME;
  }
}
