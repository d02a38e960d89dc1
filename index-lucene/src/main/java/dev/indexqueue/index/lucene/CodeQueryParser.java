package dev.indexqueue.index.lucene;

import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.Query;

/**
 * The classic Lucene query syntax over {@code content} and {@code path}, with AND as the default
 * operator and leading wildcards allowed; any other field is refused. A code identifier the
 * analyzer splits ({@code getUserName}) matches the whole token or its parts as a phrase. Not
 * thread-safe: one per query.
 */
final class CodeQueryParser extends MultiFieldQueryParser {
  private static final Set<String> FIELDS =
      Set.of(LuceneIndexBackend.F_CONTENT, LuceneIndexBackend.F_PATH);

  CodeQueryParser(Analyzer analyzer) {
    super(new String[] {LuceneIndexBackend.F_CONTENT, LuceneIndexBackend.F_PATH}, analyzer);
    setDefaultOperator(QueryParser.Operator.AND);
    setAllowLeadingWildcard(true);
    setSplitOnWhitespace(true);
    // computeIfAbsent → computeifabsent OR "compute if absent", not compute AND if AND absent
    setAutoGenerateMultiTermSynonymsPhraseQuery(true);
  }

  private static void check(String field) throws ParseException {
    if (field != null && !FIELDS.contains(field)) {
      throw new ParseException("unknown field '" + field + "'; searchable fields: content, path");
    }
  }

  @Override
  protected Query getFieldQuery(String field, String queryText, boolean quoted)
      throws ParseException {
    check(field);
    return super.getFieldQuery(field, queryText, quoted);
  }

  @Override
  protected Query getFieldQuery(String field, String queryText, int slop) throws ParseException {
    check(field);
    return super.getFieldQuery(field, queryText, slop);
  }

  @Override
  protected Query getWildcardQuery(String field, String termStr) throws ParseException {
    check(field);
    return super.getWildcardQuery(field, termStr);
  }

  @Override
  protected Query getPrefixQuery(String field, String termStr) throws ParseException {
    check(field);
    return super.getPrefixQuery(field, termStr);
  }

  @Override
  protected Query getFuzzyQuery(String field, String termStr, float minSimilarity)
      throws ParseException {
    check(field);
    return super.getFuzzyQuery(field, termStr, minSimilarity);
  }

  @Override
  protected Query getRegexpQuery(String field, String termStr) throws ParseException {
    check(field);
    return super.getRegexpQuery(field, termStr);
  }

  @Override
  protected Query getRangeQuery(
      String field, String part1, String part2, boolean startInclusive, boolean endInclusive)
      throws ParseException {
    check(field);
    return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
  }
}
