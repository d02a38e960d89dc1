package dev.indexqueue.spi;

import java.util.Arrays;

/**
 * A checkpoint vector: for each (partition, band) log of a queue, the first position not yet
 * applied. A backend commits one atomically with its data, and replay starts each log there.
 * Immutable and thread-safe.
 *
 * <p>A checkpoint may be partial: a log it does not cover has position {@link #NOT_COVERED} (a node
 * of a cluster commits only the partitions it owns; {@link #mergedWith} combines). {@link #none()}
 * is the checkpoint of a backend that was never committed; it covers nothing and has 0 partitions.
 *
 * <p>Text form ({@link #encode()}, {@link #parse}): {@code <partitions>x<bands>:} then the
 * positions, partition-major, separated by commas, {@code -} for a log not covered; for example
 * {@code 2x2:120,3,98,-}. The text of {@link #none()} is the empty string.
 */
public final class Checkpoint {
  /** The position of a log a checkpoint does not cover. */
  public static final long NOT_COVERED = -1;

  private static final Checkpoint NONE = new Checkpoint(0, 1, new long[0]);

  private final int partitions;
  private final int bands;
  private final long[] positions;

  private Checkpoint(int partitions, int bands, long[] positions) {
    this.partitions = partitions;
    this.bands = bands;
    this.positions = positions;
  }

  /** The checkpoint of a backend that was never committed. */
  public static Checkpoint none() {
    return NONE;
  }

  /**
   * A checkpoint with the given positions.
   *
   * @param partitions the queue's partitions, 1 to {@value Partitioning#MAX_PARTITIONS}
   * @param bands the queue's bands, 1 or 2
   * @param positions {@code partitions × bands} positions, partition-major (the position of (p, b)
   *     at index {@code p × bands + b}); each at least 0, or {@link #NOT_COVERED}
   * @throws IllegalArgumentException naming the rule a value breaks
   */
  public static Checkpoint of(int partitions, int bands, long... positions) {
    Partitioning.checkPartitions(partitions);
    if (bands < 1 || bands > 2) {
      throw new IllegalArgumentException("bands: must be 1 or 2, was: " + bands);
    }
    if (positions.length != partitions * bands) {
      throw new IllegalArgumentException(
          "positions: must hold partitions × bands = "
              + partitions * bands
              + " values, had "
              + positions.length);
    }
    for (long p : positions) {
      if (p < NOT_COVERED) {
        throw new IllegalArgumentException(
            "positions: must be at least 0, or " + NOT_COVERED + " (not covered), was: " + p);
      }
    }
    return new Checkpoint(partitions, bands, positions.clone());
  }

  /** The number of partitions of the queue this checkpoint describes; 0 for {@link #none()}. */
  public int partitions() {
    return partitions;
  }

  /** The number of bands per partition of the queue this checkpoint describes. */
  public int bands() {
    return bands;
  }

  /** Whether this is {@link #none()}: nothing was ever committed. */
  public boolean isNone() {
    return partitions == 0;
  }

  /** Whether the checkpoint has a position for the log (partition, band). */
  public boolean covers(int partition, int band) {
    return partition >= 0
        && partition < partitions
        && band >= 0
        && band < bands
        && positions[partition * bands + band] != NOT_COVERED;
  }

  /**
   * The first position of the log (partition, band) not applied, or {@link #NOT_COVERED} when the
   * checkpoint does not cover that log.
   */
  public long position(int partition, int band) {
    return covers(partition, band) ? positions[partition * bands + band] : NOT_COVERED;
  }

  /** Whether the checkpoint covers every log of its layout. */
  public boolean isComplete() {
    for (long p : positions) {
      if (p == NOT_COVERED) {
        return false;
      }
    }
    return !isNone();
  }

  /** Whether this checkpoint describes a queue of {@code partitions} × {@code bands} logs. */
  public boolean hasLayout(int partitions, int bands) {
    return this.partitions == partitions && this.bands == bands;
  }

  /**
   * This checkpoint with the logs {@code newer} covers replaced by newer's positions.
   *
   * @param newer a checkpoint of the same layout, or of any layout when this one is {@link #none()}
   * @throws IllegalArgumentException when the layouts differ
   */
  public Checkpoint mergedWith(Checkpoint newer) {
    if (isNone()) {
      return newer;
    }
    if (newer.isNone()) {
      return this;
    }
    if (!newer.hasLayout(partitions, bands)) {
      throw new IllegalArgumentException(
          "checkpoint: cannot merge a "
              + newer.layout()
              + " checkpoint into a "
              + layout()
              + " one (the queue's partitions changed)");
    }
    long[] merged = positions.clone();
    for (int i = 0; i < merged.length; i++) {
      if (newer.positions[i] != NOT_COVERED) {
        merged[i] = newer.positions[i];
      }
    }
    return new Checkpoint(partitions, bands, merged);
  }

  /** {@code <partitions>x<bands>}, such as {@code 4x2}. */
  public String layout() {
    return partitions + "x" + bands;
  }

  /** The text form; see the class documentation. */
  public String encode() {
    if (isNone()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(layout()).append(':');
    for (int i = 0; i < positions.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      if (positions[i] == NOT_COVERED) {
        sb.append('-');
      } else {
        sb.append(positions[i]);
      }
    }
    return sb.toString();
  }

  /**
   * Parses the text form.
   *
   * @param text what {@link #encode()} returned
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  public static Checkpoint parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("checkpoint: is required, was: null");
    }
    if (text.isEmpty()) {
      return NONE;
    }
    int colon = text.indexOf(':');
    int x = text.indexOf('x');
    if (colon < 0 || x < 0 || x > colon) {
      throw new IllegalArgumentException(
          "checkpoint: must look like <partitions>x<bands>:<positions>, was: " + quote(text));
    }
    try {
      int partitions = Integer.parseInt(text.substring(0, x));
      int bands = Integer.parseInt(text.substring(x + 1, colon));
      String[] parts = text.substring(colon + 1).split(",", -1);
      long[] positions = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        positions[i] = parts[i].equals("-") ? NOT_COVERED : Long.parseLong(parts[i]);
        if (positions[i] < NOT_COVERED) {
          throw new NumberFormatException("negative position " + parts[i]);
        }
      }
      return of(partitions, bands, positions);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "checkpoint: not a valid checkpoint (" + e.getMessage() + "), was: " + quote(text), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "checkpoint: not a valid checkpoint (" + e.getMessage() + "), was: " + quote(text), e);
    }
  }

  private static String quote(String v) {
    return "\"" + (v.length() > 80 ? v.substring(0, 80) + "…" : v) + "\"";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.partitions == partitions
        && c.bands == bands
        && Arrays.equals(c.positions, positions);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * partitions + bands) + Arrays.hashCode(positions);
  }

  @Override
  public String toString() {
    return isNone() ? "Checkpoint[none]" : "Checkpoint[" + encode() + "]";
  }
}
