package dev.indexqueue.spi;

/**
 * A backend failure that a retry may fix (a timeout, a busy resource). The core retries with
 * backoff per its {@code RetryPolicy}. Immutable once thrown.
 */
public class TransientBackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure, may be {@code null}
   */
  public TransientBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
