package dev.indexqueue.index.lucene;

import java.nio.file.Path;

/**
 * Settings of a Lucene index backend. Immutable and thread-safe; validates itself, each violation
 * throwing an {@link IllegalArgumentException} that names the field, the rule and the value.
 *
 * @param directory the index directory (created when missing); one backend at a time may use it
 * @param ramBufferMB how much each shard's writer buffers before it flushes a segment, in MB
 *     (1–2047); the shards together may buffer {@code shards} times as much
 * @param analysisThreads how many helper threads analyse the contents of a batch while the lane
 *     indexes it, in order (0–{@value #MAX_ANALYSIS_THREADS}; 0: the lane analyses as it indexes)
 * @param shards how many shards (each its own Lucene index and writer) hold the workspaces
 *     (0–{@value #MAX_SHARDS}); a new index given a count here places workspaces by their hash. 0:
 *     as many as the index in {@code directory} has, and for a new one two shards per partition of
 *     the service's queue (1 without a service), where a new workspace goes to an idle shard of its
 *     partition. A VISIBLE wait flushes only its workspace's shard, so one shard's backlog does not
 *     hold up the others' (docs/DESIGN.md §8). An existing index keeps its number of shards:
 *     opening it with another is refused
 */
public record LuceneIndexOptions(
    Path directory, double ramBufferMB, int analysisThreads, int shards) {
  /**
   * The service's batch size with a Lucene backend, unless its builder sets one ({@link
   * dev.indexqueue.spi.IndexBackend#preferredBatchSize()}): a batch costs Lucene nothing of its
   * own, and an urgent task waits for the batch in progress (measured by {@code BacklogBenchmark}
   * on 2 cores, urgent task behind a backlog p50: 256 → 34 ms, 64 → 21 ms; end-to-end throughput
   * the same within noise).
   */
  public static final int BATCH_SIZE = 64;

  /** The RAM buffer when none is configured, in MB. */
  public static final double DEFAULT_RAM_BUFFER_MB = 64;

  /** The most analysis helper threads. */
  public static final int MAX_ANALYSIS_THREADS = 64;

  /** The most shards. */
  public static final int MAX_SHARDS = 64;

  /** Validates the record. */
  public LuceneIndexOptions {
    if (directory == null) {
      throw new IllegalArgumentException("directory: is required, was: null");
    }
    if (!(ramBufferMB >= 1 && ramBufferMB <= 2047)) {
      throw new IllegalArgumentException(
          "ramBufferMB: must be between 1 and 2047, was: " + ramBufferMB);
    }
    if (analysisThreads < 0 || analysisThreads > MAX_ANALYSIS_THREADS) {
      throw new IllegalArgumentException(
          "analysisThreads: must be between 0 and "
              + MAX_ANALYSIS_THREADS
              + ", was: "
              + analysisThreads);
    }
    if (shards < 0 || shards > MAX_SHARDS) {
      throw new IllegalArgumentException(
          "shards: must be between 0 (as the index has) and " + MAX_SHARDS + ", was: " + shards);
    }
  }

  /**
   * Settings with {@code shards} 0: as many shards as the index has, two per partition for a new
   * one.
   *
   * @param directory the index directory
   * @param ramBufferMB the RAM buffer in MB
   * @param analysisThreads the analysis helper threads
   */
  public LuceneIndexOptions(Path directory, double ramBufferMB, int analysisThreads) {
    this(directory, ramBufferMB, analysisThreads, 0);
  }

  /**
   * The analysis helpers when none are configured: one fewer than the available processors (the
   * lane keeps one busy), at most 4; 0 on a single processor.
   */
  public static int defaultAnalysisThreads() {
    return Math.min(4, Math.max(0, Runtime.getRuntime().availableProcessors() - 1));
  }

  /**
   * The defaults for {@code directory}.
   *
   * @param directory the index directory
   */
  public static LuceneIndexOptions of(Path directory) {
    return new LuceneIndexOptions(directory, DEFAULT_RAM_BUFFER_MB, defaultAnalysisThreads());
  }

  /**
   * A copy with another RAM buffer.
   *
   * @param mb the RAM buffer in MB
   */
  public LuceneIndexOptions withRamBufferMB(double mb) {
    return new LuceneIndexOptions(directory, mb, analysisThreads, shards);
  }

  /**
   * A copy with another number of analysis helper threads.
   *
   * @param threads 0–{@value #MAX_ANALYSIS_THREADS}
   */
  public LuceneIndexOptions withAnalysisThreads(int threads) {
    return new LuceneIndexOptions(directory, ramBufferMB, threads, shards);
  }

  /**
   * A copy with another number of shards.
   *
   * @param count 0 (as the index has; two per partition for a new one) to {@value #MAX_SHARDS}
   */
  public LuceneIndexOptions withShards(int count) {
    return new LuceneIndexOptions(directory, ramBufferMB, analysisThreads, count);
  }
}
