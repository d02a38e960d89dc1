package dev.indexqueue.cli;

/** Tells a damaged task queue from other failures at start. Stateless and thread-safe. */
final class QueueDamage {
  private QueueDamage() {}

  /**
   * What a failure to start the service means for the user: a busy directory stays a usage error, a
   * failure inside the queue's files becomes the one-line "damaged" message, anything else is
   * rethrown.
   */
  static RuntimeException classify(DataDirectory data, Throwable e) {
    UsageException usage = Errors.asUsage(e);
    if (usage != null) {
      return usage;
    }
    if (fromQueue(e)) {
      return damaged(data, e);
    }
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(e);
  }

  static CliException damaged(DataDirectory data, Throwable cause) {
    return new CliException(
        "the task queue in "
            + data.queue()
            + " is damaged ("
            + Errors.describe(cause)
            + "); run 'indexq repair' to set it aside and rebuild the index from the files",
        Indexq.EXIT_FAILURE,
        cause);
  }

  /** Whether the failure comes from the queue's code or files. */
  private static boolean fromQueue(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AssertionError || t instanceof InternalError) {
        return true;
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("queue") || m.contains(".cq4") || m.contains("chronicle")) {
        return true;
      }
      for (StackTraceElement s : t.getStackTrace()) {
        if (s.getClassName().startsWith("net.openhft.")
            || s.getClassName().startsWith("dev.indexqueue.queue.chronicle.")) {
          return true;
        }
      }
    }
    return false;
  }
}
