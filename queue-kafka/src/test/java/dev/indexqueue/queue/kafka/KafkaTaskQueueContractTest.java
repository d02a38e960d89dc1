package dev.indexqueue.queue.kafka;

import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.tck.TaskQueueContract;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tck's queue contract, persistence and partitions included, against the in-process cluster.
 * Each test's directory names its own topic (and group), so a reopen (same directory) finds what
 * the closed queue left: the records on the brokers and the group's committed offsets.
 */
@ExtendWith(SharedCluster.class)
class KafkaTaskQueueContractTest extends TaskQueueContract {
  private static final Map<String, String> TOPICS = new ConcurrentHashMap<>();

  @Override
  protected TaskQueue create(Path dir, int partitions, int capacity) {
    String topic =
        TOPICS.computeIfAbsent(dir + "#" + partitions, k -> TestCluster.newTopic("contract"));
    Map<String, String> c = SharedCluster.get().queueConfig(topic, partitions);
    c.put("capacity", Integer.toString(capacity));
    return new KafkaTaskQueueProvider().create(c);
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  /** Each append waits for three replicas: fewer tasks keep the suite within seconds. */
  @Override
  protected int tasksPerProducer() {
    return 300;
  }

  /**
   * On a queue of capacity 2 each producer waits for the reader's acknowledge and then for the
   * replicas: 2,000 tasks each took minutes on a loaded 2-core machine; 150 still make the three
   * producers meet a full queue at every step.
   */
  @Override
  protected int tasksPerProducerOnATinyQueue() {
    return 150;
  }
}
