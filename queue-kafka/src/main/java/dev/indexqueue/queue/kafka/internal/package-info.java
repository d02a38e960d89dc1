/** Not API: classes Kafka's clients instantiate by name, so they must be public. */
package dev.indexqueue.queue.kafka.internal;
