package dev.indexqueue;

import java.util.List;
import java.util.Objects;

/**
 * What one search found: how many files match the query in all, and the best of them. Immutable and
 * thread-safe.
 *
 * <p>{@link #totalHits()} counts every matching file of the workspace, also those beyond the limit
 * the search was given, so a caller can say "N more files". Backends count exactly.
 *
 * <p>Queries are bounded: {@link #checkQuery(String)} is the one check of a query's length, used by
 * {@link IndexingService#search} before a backend sees the query.
 *
 * @param totalHits how many files match in all; at least {@code hits().size()}
 * @param hits the best hits, best first; at most the limit the search was given
 */
public record SearchResults(long totalHits, List<SearchHit> hits) {
  /**
   * The longest query accepted, in characters ({@link String#length()}): {@value}. Longer queries
   * are refused with an error that does not repeat them.
   */
  public static final int MAX_QUERY_LENGTH = 1024;

  /** Validates and copies. */
  public SearchResults {
    Objects.requireNonNull(hits, "hits");
    hits = List.copyOf(hits);
    if (totalHits < hits.size()) {
      throw new IllegalArgumentException(
          "totalHits: must be at least the number of hits ("
              + hits.size()
              + "), was: "
              + totalHits);
    }
  }

  /** Whether more files match than {@link #hits()} holds. */
  public boolean hasMore() {
    return totalHits > hits.size();
  }

  /**
   * Checks a query before it is searched: not null, at most {@value #MAX_QUERY_LENGTH} characters,
   * not blank. The messages name {@code query} and the rule but never repeat the query (it may be
   * long or hold what a log should not).
   *
   * @param query the query to check
   * @throws IllegalArgumentException when the query breaks a rule
   */
  public static void checkQuery(String query) {
    if (query == null) {
      throw new IllegalArgumentException("query: must not be null");
    }
    if (query.length() > MAX_QUERY_LENGTH) {
      throw new IllegalArgumentException(
          "query: must be at most "
              + MAX_QUERY_LENGTH
              + " characters, was "
              + query.length()
              + " characters");
    }
    if (query.isBlank()) {
      throw new IllegalArgumentException("query: must not be blank");
    }
  }
}
