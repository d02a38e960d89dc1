package dev.indexqueue.index.lucene;

import dev.indexqueue.SearchHit;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.IndexSearcher.TooManyClauses;
import org.apache.lucene.search.Query;

/**
 * The Lucene backend's search behaviour, for other backends that index the same fields: the
 * code-aware analysis, the query syntax and the matching lines. A backend that indexes {@link
 * #CONTENT} and {@link #PATH} with {@link #indexAnalyzer()} (or an equivalent chain), parses
 * queries with {@link #parse} and finds lines with {@link #matchingLines} searches exactly as the
 * Lucene backend does. Stateless and thread-safe; the analyzers returned are thread-safe too.
 */
public final class CodeSearch {
  /** The analyzed and stored content field. */
  public static final String CONTENT = LuceneIndexBackend.F_CONTENT;

  /** The analyzed path field. */
  public static final String PATH = LuceneIndexBackend.F_PATH;

  /** The most matching lines of a hit. */
  public static final int MAX_MATCH_LINES = LuceneIndexBackend.MAX_MATCH_LINES;

  private static final Analyzer QUERY_ANALYZER = new CodeAnalyzer(false);

  private CodeSearch() {}

  /** A new index-time analyzer of the content and path fields (flattens the token graph). */
  public static Analyzer indexAnalyzer() {
    return new CodeAnalyzer(true);
  }

  /** A new query-time analyzer of the content and path fields (keeps the token graph). */
  public static Analyzer queryAnalyzer() {
    return new CodeAnalyzer(false);
  }

  /**
   * Parses a query as the Lucene backend does: the classic syntax over {@link #CONTENT} and {@link
   * #PATH}, AND by default, leading wildcards allowed, no other field.
   *
   * @param query a query already checked by {@link dev.indexqueue.SearchResults#checkQuery}
   * @throws IllegalArgumentException naming {@code query} when it cannot be parsed
   */
  public static Query parse(String query) {
    try {
      return new CodeQueryParser(QUERY_ANALYZER).parse(query);
    } catch (ParseException | TooManyClauses | IllegalArgumentException e) {
      String m = e.getMessage() == null ? "" : e.getMessage();
      int nl = m.indexOf('\n');
      throw new IllegalArgumentException(
          "query: cannot parse \"" + query + "\": " + (nl < 0 ? m : m.substring(0, nl)), e);
    }
  }

  /**
   * The lines of {@code content} that match {@code parsed} (a query from {@link #parse}), best
   * first as the Lucene backend returns them; empty when only the path matched.
   *
   * @param parsed the parsed query
   * @param content the document's content
   * @param max the most lines
   */
  public static List<SearchHit.MatchLine> matchingLines(Query parsed, String content, int max) {
    return LineMatcher.forQuery(parsed, CONTENT, QUERY_ANALYZER).matchingLines(content, max);
  }
}
