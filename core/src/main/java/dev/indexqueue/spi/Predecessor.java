package dev.indexqueue.spi;

/**
 * Where a workspace's previous task lies in the same partition: its band and its position there.
 * The core stores it with a task whose previous task may not be applied and committed yet, so that
 * the task is never applied before it, also across bands and after a restart. Immutable and
 * thread-safe.
 *
 * @param band the band of the previous task
 * @param position its position in that band's log
 */
public record Predecessor(int band, long position) {
  /** Validates the record. */
  public Predecessor {
    if (band < 0 || band > 1) {
      throw new IllegalArgumentException("band: must be 0 or 1, was: " + band);
    }
    if (position < 0) {
      throw new IllegalArgumentException("position: must not be negative, was: " + position);
    }
  }
}
