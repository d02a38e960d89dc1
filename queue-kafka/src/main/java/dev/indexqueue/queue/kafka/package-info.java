/**
 * A {@link dev.indexqueue.spi.TaskQueue} on Apache Kafka, named {@code kafka}: {@link
 * dev.indexqueue.queue.kafka.KafkaTaskQueueProvider}. Everything public here is thread-safe.
 */
package dev.indexqueue.queue.kafka;
