package dev.indexqueue.spi;

/**
 * The backend lost work it had applied but not committed (a Lucene writer's tragic failure, say)
 * and is ready again from its last commit. The core stops the lanes, rereads the queue from the
 * backend's committed checkpoint and applies again: nothing is lost. Immutable once thrown.
 */
public class BackendStateLostException extends TransientBackendException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure, may be {@code null}
   */
  public BackendStateLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
