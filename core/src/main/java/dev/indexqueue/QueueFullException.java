package dev.indexqueue;

/**
 * Thrown by {@code submit} when the queue is full and the backpressure policy gives up. Nothing was
 * enqueued. Immutable once thrown.
 */
public class QueueFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was full and for how long the caller waited
   */
  public QueueFullException(String message) {
    super(message);
  }
}
