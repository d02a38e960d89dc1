package dev.indexqueue.spi;

/**
 * A backend failure no retry can fix for this task (it is malformed for this backend, say). The
 * task goes to the dead-letter store at once. Any other {@link RuntimeException} is treated the
 * same. Immutable once thrown.
 */
public class PermanentBackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure, may be {@code null}
   */
  public PermanentBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
