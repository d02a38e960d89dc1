/**
 * A persistent {@link dev.indexqueue.spi.TaskQueue} on Chronicle Queue, named {@code chronicle}:
 * {@link dev.indexqueue.queue.chronicle.ChronicleTaskQueueProvider} and its {@link
 * dev.indexqueue.queue.chronicle.SyncPolicy}. Everything public here is thread-safe.
 */
package dev.indexqueue.queue.chronicle;
