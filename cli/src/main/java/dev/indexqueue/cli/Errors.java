package dev.indexqueue.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;

/**
 * Turns exceptions into one-line messages, recognizing the ones the user can fix. Stateless and
 * thread-safe.
 */
final class Errors {
  private Errors() {}

  /**
   * The user-fixable problem behind {@code ex}, or null: a {@link UsageException}, a lock held by
   * another process (Lucene's write lock, the Chronicle queue's lock file), a permission problem,
   * or an invalid argument (a bad query or workspace name).
   */
  static UsageException asUsage(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof UsageException u) {
        return u;
      }
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof IllegalStateException
          && (m.contains("is locked by another writer")
              || m.contains("is held by another process")
              || m.contains("is already open in this process"))) {
        return new UsageException(
            "the data directory is in use by another process: " + firstLine(m), t);
      }
      if (t instanceof AccessDeniedException a) {
        return new UsageException("permission denied: " + a.getFile(), t);
      }
    }
    if (ex instanceof IllegalArgumentException) {
      return new UsageException(firstLine(ex.getMessage()), ex);
    }
    return null;
  }

  /** A one-line description of an unexpected failure. */
  static String describe(Throwable ex) {
    Throwable t = ex;
    if (t instanceof UncheckedIOException && t.getCause() != null) {
      return firstLine(t.getMessage())
          + ": "
          + firstLine(String.valueOf(t.getCause().getMessage()));
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getName() : firstLine(m);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
