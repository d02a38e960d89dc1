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
 *   TaskQueue create(Path dir, int capacity) {
 *     return new ChronicleTaskQueueProvider()
 *         .create(Map.of("directory", dir.toString(), "capacity", Integer.toString(capacity)));
 *   }
 * },
 * }</pre>
 *
 * Every matrix test then runs with it.
 */
enum QueueKind {
  MEMORY {
    @Override
    TaskQueue create(Path dir, int capacity) {
      return MemoryTaskQueueProvider.newQueue(capacity);
    }
  },
  CHRONICLE {
    @Override
    TaskQueue create(Path dir, int capacity) {
      return new dev.indexqueue.queue.chronicle.ChronicleTaskQueueProvider()
          .create(
              java.util.Map.of(
                  "directory", dir.toString(), "capacity", Integer.toString(capacity)));
    }
  };

  /**
   * Creates an empty queue.
   *
   * @param dir an empty directory for a persistent queue's files
   * @param capacity the most unacknowledged tasks
   */
  abstract TaskQueue create(Path dir, int capacity);

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
