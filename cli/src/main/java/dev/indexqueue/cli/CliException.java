package dev.indexqueue.cli;

/**
 * A failure the CLI explains in one line, without a stack trace unless {@code --verbose}, and ends
 * with its own exit code. Immutable and thread-safe.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
