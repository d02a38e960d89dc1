package dev.indexqueue.index.solr;

import dev.indexqueue.spi.PermanentBackendException;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;

/**
 * The versions Solr compares before it stores a document (README.md, "Versions"). Every document
 * carries two: {@code v_n} for the normal band and {@code v_u} for the urgent band; Solr's
 * DocBasedVersionConstraintsProcessor keeps the stored document unless the new one has at least one
 * of the two greater ("any greater wins"). Stateless and thread-safe.
 *
 * <p>A task's version in its own band is its position there; in the other band it is the position
 * of its predecessor when that lies in the other band (the core links a task to its workspace's
 * previous task while that one is not committed), else "none". Both are encoded with the generation
 * in the high bits: {@code generation << 40 | (position + 1)}, so that a new generation (a queue
 * whose positions started again) wins over everything older.
 */
final class Versions {
  /** Positions up to this (exclusive) fit below the generation bits. */
  static final long MAX_POSITION = (1L << 40) - 1;

  private Versions() {}

  /** Encodes a position ({@code -1} for none) of a generation. */
  static long encode(long generation, long position) {
    if (position < -1 || position >= MAX_POSITION) {
      throw new PermanentBackendException(
          "position " + position + " does not fit the Solr backend's versions (at most 2^40-2)",
          null);
    }
    return (generation << 40) | (position + 1);
  }

  /** The generation of an encoded version. */
  static long generation(long version) {
    return version >>> 40;
  }

  /**
   * The versions of a task: index 0 is {@code v_n}, 1 is {@code v_u}.
   *
   * @param generation the generation the backend writes in
   * @param q the task
   */
  static long[] of(long generation, QueuedTask q) {
    long[] v = new long[2];
    int band = q.band();
    Predecessor p = q.predecessor();
    v[band] = encode(generation, q.position());
    v[1 - band] = encode(generation, p != null && p.band() != band ? p.position() : -1);
    return v;
  }

  /** The field holding the version of a band. */
  static String field(int band) {
    return band == 0 ? SolrIndexBackend.F_V_NORMAL : SolrIndexBackend.F_V_URGENT;
  }
}
