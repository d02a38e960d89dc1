package dev.indexqueue;

import java.util.List;
import java.util.Objects;

/**
 * One document found by a search, with up to a few matching lines. Immutable and thread-safe.
 *
 * <p>A hit either matched in the content, and then {@link #lines()} holds the lines that contain
 * what matched (usually at least one), or it matched in the path only ({@link #pathOnly()}), and
 * then it has no lines. Code that shows a line checks first:
 *
 * <pre>{@code
 * if (hit.pathOnly() || hit.lines().isEmpty()) {
 *   System.out.println(hit.path());
 * } else {
 *   SearchHit.MatchLine best = hit.lines().get(0);
 *   System.out.println(hit.path() + ":" + best.lineNumber() + ": " + best.text());
 * }
 * }</pre>
 *
 * @param workspace the workspace of the document
 * @param path the document path
 * @param score the relevance score (higher is better)
 * @param pathOnly whether only the path matched the query, not the content; then {@code lines} is
 *     empty
 * @param lines the lines that contain what matched, best first (the most specific match; ties in
 *     line order)
 */
public record SearchHit(
    String workspace, String path, float score, boolean pathOnly, List<MatchLine> lines) {

  /** Validates and copies. */
  public SearchHit {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(path, "path");
    lines = List.copyOf(lines);
    if (pathOnly && !lines.isEmpty()) {
      throw new IllegalArgumentException(
          "lines: must be empty for a path-only hit, was: " + lines.size() + " lines");
    }
  }

  /**
   * A hit that matched in the content.
   *
   * @param workspace the workspace of the document
   * @param path the document path
   * @param score the relevance score (higher is better)
   * @param lines the lines that contain what matched, best first
   */
  public SearchHit(String workspace, String path, float score, List<MatchLine> lines) {
    this(workspace, path, score, false, lines);
  }

  /**
   * A matching line.
   *
   * @param lineNumber 1-based line number
   * @param text the line's text
   * @param highlights character ranges of {@code text} that matched, sorted, not overlapping
   */
  public record MatchLine(int lineNumber, String text, List<Range> highlights) {
    /** Validates and copies. */
    public MatchLine {
      if (lineNumber < 1) {
        throw new IllegalArgumentException("lineNumber: must be at least 1, was: " + lineNumber);
      }
      Objects.requireNonNull(text, "text");
      highlights = List.copyOf(highlights);
    }
  }

  /**
   * A half-open character range {@code [start, end)}.
   *
   * @param start first character
   * @param end one past the last character
   */
  public record Range(int start, int end) {
    /** Validates. */
    public Range {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException(
            "range: need 0 <= start <= end, was: " + start + ".." + end);
      }
    }
  }
}
