package dev.indexqueue.index.lucene.internal;

import java.io.IOException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.IndexSearcher.TooManyClauses;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.AttributeFactory;

/**
 * Code search as the Lucene backend does it, for the backends of this project that index the same
 * fields: the analysis ({@link #analyzer()}, {@link #tokenizer}), the query syntax ({@link #parse})
 * and the matching lines ({@link #lineMatcher}). Stateless and thread-safe; the analyzers are
 * thread-safe too (Lucene keeps their components per thread), a tokenizer and a line matcher are
 * not (one per thread, one per search).
 *
 * <p><b>Not an API.</b> This package is not exported by the module {@code
 * dev.indexqueue.index.lucene}: applications on the module path cannot see it, and it may change in
 * any release. It is public for {@code indexqueue-index-solr}, which uses it on the class path (its
 * client parses queries and finds lines with it; the Solr nodes analyse and parse with it). The
 * Lucene backend's own read side goes through it too, so the two cannot drift.
 */
public final class CodeSearch {
  /** The analysed and stored content field. */
  public static final String CONTENT = "content";

  /** The analysed path field. */
  public static final String PATH = "path";

  /** The most matching lines of a hit. */
  public static final int MAX_MATCH_LINES = 3;

  private static final Analyzer ANALYZER = new CodeAnalyzer();

  private CodeSearch() {}

  /** A new analyzer of the content and path fields: the same at index and at query time. */
  public static Analyzer analyzer() {
    return new CodeAnalyzer();
  }

  /**
   * A new tokenizer: the analyzer's whole chain (it lower-cases by itself), for analysis factories
   * such as a Solr field type's.
   *
   * @param factory the attribute factory
   */
  public static Tokenizer tokenizer(AttributeFactory factory) {
    return new CodeTokenizer(factory);
  }

  /**
   * Parses a query as the Lucene backend does ({@link CodeQueryParser}: the classic syntax over
   * {@link #CONTENT} and {@link #PATH}, AND by default, code literal).
   *
   * @param query a query already checked by {@link dev.indexqueue.SearchResults#checkQuery}
   * @return the query, never null
   * @throws IllegalArgumentException naming {@code query} when it cannot be parsed or holds nothing
   *     searchable
   */
  public static Query parse(String query) {
    Query parsed;
    try {
      parsed = new CodeQueryParser(ANALYZER).parseCode(query);
    } catch (ParseException | TooManyClauses | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "query: cannot parse \"" + query + "\": " + firstLine(e.getMessage()), e);
    }
    if (parsed == null) {
      throw new IllegalArgumentException(
          "query: holds nothing searchable (punctuation such as . , ; ( ) [ ] { } \" alone is not"
              + " indexed), was: \""
              + query
              + "\"");
    }
    return parsed;
  }

  /**
   * A matcher of the lines of the hits of {@code parsed} on {@code searcher}: the searcher of the
   * search, or one over a single document's {@link #CONTENT} and {@link #PATH} analysed with {@link
   * #analyzer()} (a memory index, when the documents are elsewhere).
   *
   * @param searcher the searcher the hits come from
   * @param parsed the query from {@link #parse}, without filters
   * @param query the query as typed
   * @throws TooManyClauses when rewriting the query expands too many terms
   */
  public static LineMatcher lineMatcher(IndexSearcher searcher, Query parsed, String query)
      throws IOException {
    return LineMatcher.forQuery(searcher, parsed, CONTENT, PATH, ANALYZER, query);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
