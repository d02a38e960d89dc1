package dev.indexqueue.index.solr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Turns a Lucene query, as the Lucene backend's parser builds it ({@code CodeSearch.parse}), into
 * Solr's JSON Query DSL with standard query parsers only, so that Solr matches exactly the
 * documents the Lucene backend would, without a plugin on the Solr nodes. Terms are passed as
 * parser arguments, never re-analysed: {@code term} and {@code prefix} for single terms, {@code
 * bool} for boolean structure, {@code xmlparser} span queries for phrases, {@code boost} for
 * boosts, and the standard {@code lucene} parser for wildcard, fuzzy, regular-expression and range
 * queries (their text escaped). Stateless and thread-safe.
 *
 * <p>Two approximations, both in what a phrase with slop matches: Lucene's sloppy phrase counts
 * moves, a span query counts the positions between the terms; a phrase without slop (the usual
 * case, and every identifier split into parts) matches exactly.
 */
final class QueryTranslator {
  private QueryTranslator() {}

  /** A query that matches nothing. */
  static Object nothing() {
    return Map.of("term", Map.of("f", SolrIndexBackend.F_KIND, "query", "~none"));
  }

  /**
   * Translates a query.
   *
   * @throws IllegalArgumentException naming {@code query} when it uses what Solr cannot express
   */
  static Object translate(Query q) {
    if (q instanceof TermQuery t) {
      return term(t.getTerm());
    }
    if (q instanceof BooleanQuery b) {
      return bool(b);
    }
    if (q instanceof BoostQuery b) {
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("b", Float.toString(b.getBoost()));
      args.put("query", translate(b.getQuery()));
      return Map.of("boost", args);
    }
    if (q instanceof PhraseQuery p) {
      return phrase(p);
    }
    if (q instanceof MultiPhraseQuery p) {
      return multiPhrase(p);
    }
    if (q instanceof SynonymQuery s) {
      List<Object> should = new ArrayList<>();
      for (Term t : s.getTerms()) {
        should.add(term(t));
      }
      return Map.of("bool", Map.of("should", should));
    }
    if (q instanceof PrefixQuery p) {
      Term t = p.getPrefix();
      return Map.of("prefix", Map.of("f", t.field(), "query", t.text()));
    }
    if (q instanceof WildcardQuery w) {
      Term t = w.getTerm();
      return lucene(t.field(), wildcard(t.text()));
    }
    if (q instanceof FuzzyQuery f) {
      Term t = f.getTerm();
      if (f.getPrefixLength() != 0 || !f.getTranspositions()) {
        throw unsupported(q);
      }
      return lucene(t.field(), escape(t.text()) + "~" + f.getMaxEdits());
    }
    if (q instanceof RegexpQuery r) {
      Term t = r.getRegexp();
      return lucene(t.field(), "/" + t.text().replace("/", "\\/") + "/");
    }
    if (q instanceof TermRangeQuery r) {
      String lower = r.getLowerTerm() == null ? "*" : quote(r.getLowerTerm());
      String upper = r.getUpperTerm() == null ? "*" : quote(r.getUpperTerm());
      return lucene(
          r.getField(),
          (r.includesLower() ? "[" : "{")
              + lower
              + " TO "
              + upper
              + (r.includesUpper() ? "]" : "}"));
    }
    if (q instanceof MatchAllDocsQuery) {
      return "*:*";
    }
    if (q instanceof MatchNoDocsQuery) {
      return nothing();
    }
    throw unsupported(q);
  }

  private static IllegalArgumentException unsupported(Query q) {
    return new IllegalArgumentException(
        "query: the Solr backend cannot run this kind of query ("
            + q.getClass().getSimpleName()
            + ")");
  }

  private static Object term(Term t) {
    return Map.of("term", Map.of("f", t.field(), "query", t.text()));
  }

  private static Object bool(BooleanQuery b) {
    if (b.getMinimumNumberShouldMatch() > 0) {
      throw unsupported(b);
    }
    List<Object> must = new ArrayList<>();
    List<Object> should = new ArrayList<>();
    List<Object> mustNot = new ArrayList<>();
    List<Object> filter = new ArrayList<>();
    for (BooleanClause c : b.clauses()) {
      Object sub = translate(c.getQuery());
      switch (c.getOccur()) {
        case MUST -> must.add(sub);
        case SHOULD -> should.add(sub);
        case MUST_NOT -> mustNot.add(sub);
        case FILTER -> filter.add(sub);
      }
    }
    if (must.isEmpty() && should.isEmpty() && filter.isEmpty()) {
      // Lucene: a query of prohibited clauses only matches nothing
      return nothing();
    }
    Map<String, Object> args = new LinkedHashMap<>();
    if (!must.isEmpty()) {
      args.put("must", must);
    }
    if (!should.isEmpty()) {
      args.put("should", should);
    }
    if (!mustNot.isEmpty()) {
      args.put("must_not", mustNot);
    }
    if (!filter.isEmpty()) {
      args.put("filter", filter);
    }
    return Map.of("bool", args);
  }

  private static Object phrase(PhraseQuery p) {
    Term[] terms = p.getTerms();
    if (terms.length == 0) {
      return nothing();
    }
    if (terms.length == 1) {
      return term(terms[0]);
    }
    int[] positions = p.getPositions();
    StringBuilder xml = new StringBuilder();
    int gaps = gaps(positions);
    spanNear(xml, p.getField(), p.getSlop() + gaps, p.getSlop() == 0);
    for (Term t : terms) {
      spanTerm(xml, t.bytes());
    }
    xml.append("</SpanNear>");
    return Map.of("xmlparser", Map.of("query", xml.toString()));
  }

  private static Object multiPhrase(MultiPhraseQuery p) {
    Term[][] arrays = p.getTermArrays();
    if (arrays.length == 0) {
      return nothing();
    }
    String field = arrays[0][0].field();
    StringBuilder xml = new StringBuilder();
    spanNear(xml, field, p.getSlop() + gaps(p.getPositions()), p.getSlop() == 0);
    for (Term[] alternatives : arrays) {
      xml.append("<SpanOr>");
      for (Term t : alternatives) {
        spanTerm(xml, t.bytes());
      }
      xml.append("</SpanOr>");
    }
    xml.append("</SpanNear>");
    return Map.of("xmlparser", Map.of("query", xml.toString()));
  }

  /** Positions skipped between consecutive terms (none with the code analysis). */
  private static int gaps(int[] positions) {
    int gaps = 0;
    for (int i = 1; i < positions.length; i++) {
      gaps += Math.max(0, positions[i] - positions[i - 1] - 1);
    }
    return gaps;
  }

  private static void spanNear(StringBuilder xml, String field, int slop, boolean inOrder) {
    xml.append("<SpanNear fieldName=\"")
        .append(xmlEscape(field))
        .append("\" slop=\"")
        .append(slop)
        .append("\" inOrder=\"")
        .append(inOrder)
        .append("\">");
  }

  private static void spanTerm(StringBuilder xml, BytesRef bytes) {
    xml.append("<SpanTerm>").append(xmlEscape(bytes.utf8ToString())).append("</SpanTerm>");
  }

  private static Object lucene(String field, String query) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("df", field);
    args.put("query", query);
    return Map.of("lucene", args);
  }

  /** The classic syntax's special characters. */
  private static final String SPECIAL = "\\+-!():^[]\"{}~*?|&/ ";

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (SPECIAL.indexOf(c) >= 0 || Character.isWhitespace(c)) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** A wildcard term's text (where {@code \} escapes) in the classic syntax. */
  static String wildcard(String pattern) {
    StringBuilder sb = new StringBuilder(pattern.length() + 8);
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?') {
        sb.append(c);
      } else if (c == '\\' && i + 1 < pattern.length()) {
        sb.append(escape(String.valueOf(pattern.charAt(++i))));
      } else {
        sb.append(escape(String.valueOf(c)));
      }
    }
    return sb.toString();
  }

  private static String quote(BytesRef term) {
    return "\"" + term.utf8ToString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Escapes XML text; refuses characters XML 1.0 cannot carry. */
  static String xmlEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&apos;");
        default -> {
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            throw new IllegalArgumentException(
                "query: a phrase holds a control character the Solr backend cannot send");
          }
          sb.append(c);
        }
      }
    }
    return sb.toString();
  }
}
