package dev.indexqueue.cli;

/**
 * Bad input the user can fix: an unknown workspace, a missing directory, a data directory that
 * cannot be used or is held by another process. The CLI prints its message on one line and exits
 * with {@link Indexq#EXIT_USAGE}. Immutable and thread-safe.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line for the user
   */
  public UsageException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause (shown with {@code --verbose}).
   *
   * @param message one line for the user
   * @param cause what went wrong underneath
   */
  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
