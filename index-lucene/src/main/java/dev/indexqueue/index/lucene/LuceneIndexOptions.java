package dev.indexqueue.index.lucene;

import java.nio.file.Path;

/**
 * Settings of a Lucene index backend. Immutable and thread-safe; validates itself, each violation
 * throwing an {@link IllegalArgumentException} that names the field, the rule and the value.
 *
 * @param directory the index directory (created when missing); one backend at a time may use it
 * @param ramBufferMB how much the writer buffers before it flushes a segment, in MB (1–2047)
 */
public record LuceneIndexOptions(Path directory, double ramBufferMB) {
  /** The RAM buffer when none is configured, in MB. */
  public static final double DEFAULT_RAM_BUFFER_MB = 64;

  /** Validates the record. */
  public LuceneIndexOptions {
    if (directory == null) {
      throw new IllegalArgumentException("directory: is required, was: null");
    }
    if (!(ramBufferMB >= 1 && ramBufferMB <= 2047)) {
      throw new IllegalArgumentException(
          "ramBufferMB: must be between 1 and 2047, was: " + ramBufferMB);
    }
  }

  /**
   * The defaults for {@code directory}.
   *
   * @param directory the index directory
   */
  public static LuceneIndexOptions of(Path directory) {
    return new LuceneIndexOptions(directory, DEFAULT_RAM_BUFFER_MB);
  }

  /**
   * A copy with another RAM buffer.
   *
   * @param mb the RAM buffer in MB
   */
  public LuceneIndexOptions withRamBufferMB(double mb) {
    return new LuceneIndexOptions(directory, mb);
  }
}
