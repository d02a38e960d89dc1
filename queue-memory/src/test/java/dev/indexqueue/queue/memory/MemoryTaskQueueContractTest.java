package dev.indexqueue.queue.memory;

import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.tck.TaskQueueContract;
import java.nio.file.Path;

/** The memory queue keeps the {@link TaskQueueContract}; it is not persistent, and dense. */
class MemoryTaskQueueContractTest extends TaskQueueContract {

  @Override
  protected TaskQueue create(Path dir, int partitions, int capacity) {
    return MemoryTaskQueueProvider.newQueue(partitions, capacity);
  }

  @Override
  protected boolean densePositions() {
    return true;
  }
}
