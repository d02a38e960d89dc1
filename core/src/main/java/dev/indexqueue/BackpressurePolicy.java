package dev.indexqueue;

/** What {@code submit} does when the queue is full. Immutable and thread-safe. */
public enum BackpressurePolicy {
  /** Wait for space up to the configured timeout, then throw {@link QueueFullException}. */
  BLOCK,
  /** Throw {@link QueueFullException} at once. */
  REJECT
}
