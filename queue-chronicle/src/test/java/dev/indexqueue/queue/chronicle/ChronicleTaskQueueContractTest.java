package dev.indexqueue.queue.chronicle;

import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.tck.TaskQueueContract;
import java.nio.file.Path;

/** The chronicle queue keeps the {@link TaskQueueContract}, partitions and restarts included. */
class ChronicleTaskQueueContractTest extends TaskQueueContract {

  @Override
  protected TaskQueue create(Path dir, int partitions, int capacity) {
    return ChronicleTaskQueueProvider.newQueue(dir, partitions, capacity, SyncPolicy.BATCH);
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  @Override
  protected boolean densePositions() {
    return true;
  }
}
