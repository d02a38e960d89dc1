package dev.indexqueue;

/**
 * What a service does with its queue. Immutable and thread-safe.
 *
 * <p>With a queue owned by one process, a service does both. With a queue shared by several
 * processes (Kafka), a front end may only submit and a worker node may only apply.
 */
public enum Role {
  /** Submits and applies (the default). */
  BOTH,
  /** Only submits: reads no partition, runs no lane; {@code search} reads the backend. */
  PRODUCER,
  /** Only applies what others submit: {@code submit} is refused. */
  WORKER;

  /** Whether this role submits tasks. */
  public boolean submits() {
    return this != WORKER;
  }

  /** Whether this role reads partitions and applies their tasks. */
  public boolean applies() {
    return this != PRODUCER;
  }
}
