package dev.indexqueue.tck;

/**
 * Reads test budgets from system properties so that CI and the {@code -Pstress} profile share one
 * code path. Stateless and thread-safe.
 */
public final class Budget {
  private Budget() {}

  /**
   * The number of generated examples per property: system property {@code indexq.examples}, else
   * {@code fallback}.
   */
  public static int examples(int fallback) {
    return Integer.getInteger("indexq.examples", fallback);
  }

  /** A budget read from system property {@code name}, else {@code fallback}. */
  public static int of(String name, int fallback) {
    return Integer.getInteger(name, fallback);
  }
}
