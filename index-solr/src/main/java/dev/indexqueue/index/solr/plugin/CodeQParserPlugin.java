package dev.indexqueue.index.solr.plugin;

import dev.indexqueue.index.lucene.internal.CodeSearch;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.solr.common.params.SolrParams;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.search.QParser;
import org.apache.solr.search.QParserPlugin;
import org.apache.solr.search.SyntaxError;

/**
 * The Lucene backend's query syntax as a Solr query parser ({@code {!indexqueue v=$qq}}): each
 * shard parses the query text with the Lucene backend's own parser ({@code CodeSearch.parse}), so
 * Solr runs exactly the query the Lucene backend runs, over the same terms (the configset's
 * analysis is the backend's, see {@link CodeTokenizerFactory}). Thread-safe (a plugin); a parser it
 * creates serves one request.
 *
 * <p>Registered by the configset's {@code solrconfig.xml} and loaded by the Solr nodes from this
 * module's jar: see the module's README.md for what a Solr deployment needs on its class path.
 */
public final class CodeQParserPlugin extends QParserPlugin {
  /** The name the configset registers it under. */
  public static final String NAME = "indexqueue";

  /** For Solr's plugin loader. */
  public CodeQParserPlugin() {}

  @Override
  public QParser createParser(
      String qstr, SolrParams localParams, SolrParams params, SolrQueryRequest req) {
    return new QParser(qstr, localParams, params, req) {
      @Override
      public Query parse() throws SyntaxError {
        String text = getString();
        if (text == null || text.isBlank()) {
          throw new SyntaxError("query: must not be blank");
        }
        Query parsed;
        try {
          parsed = CodeSearch.parse(text);
        } catch (IllegalArgumentException e) {
          throw new SyntaxError(e.getMessage(), e);
        }
        // Solr turns a top-level query of prohibited clauses only ("-write") into "everything
        // but"; in Lucene it matches nothing. As the only required clause of a query it is left
        // alone, and Lucene's rewrite unwraps it (same matches, same scores).
        return new BooleanQuery.Builder().add(parsed, BooleanClause.Occur.MUST).build();
      }
    };
  }

  @Override
  public String getDescription() {
    return "IndexQueue code search: the Lucene backend's query syntax";
  }
}
