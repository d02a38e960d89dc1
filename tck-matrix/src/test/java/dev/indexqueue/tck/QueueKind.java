package dev.indexqueue.tck;

import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;

/**
 * The queues of the matrix, one constant each (Caffeine-style enum of factories). Thread-safe.
 *
 * <p>EXTENSION POINT: when a queue module joins the reactor, add it as a test dependency of {@code
 * tck-matrix/pom.xml} and one constant here, for example
 *
 * <pre>{@code
 * CHRONICLE {
 *   TaskQueue create(Path dir, int partitions, int capacity) {
 *     return new ChronicleTaskQueueProvider()
 *         .create(Map.of("directory", dir.toString(), "partitions", Integer.toString(partitions),
 *             "capacity", Integer.toString(capacity)));
 *   }
 * },
 * }</pre>
 *
 * Every matrix test then runs with it.
 *
 * <p>On this branch the matrix holds the memory queue only: the Chronicle queue is being rewritten
 * for the partitioned SPI on its own branch and does not compile against it here, so neither its
 * module nor its constant is part of the matrix until that rewrite is merged.
 */
enum QueueKind {
  MEMORY {
    @Override
    TaskQueue create(Path dir, int partitions, int capacity) {
      return MemoryTaskQueueProvider.newQueue(partitions, capacity);
    }
  };

  /**
   * Creates an empty queue with two bands (normal and urgent).
   *
   * @param dir an empty directory for a persistent queue's files
   * @param partitions the number of partitions
   * @param capacity the most unacknowledged tasks, over all partitions
   */
  abstract TaskQueue create(Path dir, int partitions, int capacity);

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
