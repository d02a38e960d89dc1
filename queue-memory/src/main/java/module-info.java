/** The bounded in-memory task queue, registered as {@code memory}. */
module dev.indexqueue.queue.memory {
  requires transitive dev.indexqueue.core;

  exports dev.indexqueue.queue.memory;

  provides dev.indexqueue.spi.TaskQueueProvider with
      dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
}
