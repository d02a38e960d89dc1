package dev.indexqueue.index.lucene.internal;

import dev.indexqueue.index.lucene.internal.CodeTokenizer.Kind;
import dev.indexqueue.index.lucene.internal.CodeTokenizer.Word;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The query syntax of code search: Lucene's classic syntax over {@code content} and {@code path},
 * with AND as the default operator, where code is literal.
 *
 * <ul>
 *   <li>A term made only of operator characters is searched as it is written: {@code |+|}, {@code
 *       >>=}, {@code ::}, {@code ->}, {@code ===}, {@code <*>}, {@code *>}, {@code &&}, {@code ||},
 *       {@code !}. Only the words {@code AND}, {@code OR} and {@code NOT} are boolean operators.
 *   <li>In a term with letters or digits, {@code *} and {@code ?} are wildcards ({@code *Decoder});
 *       {@code ~} at its end asks for a fuzzy match and {@code ^N} boosts; every other character is
 *       literal ({@code Map.empty}, {@code foo(bar)}, {@code List[Int]}, {@code Foo::bar}).
 *   <li>{@code (} at the start and {@code )} at the end of a term group; {@code +}/{@code -} before
 *       a word, quote or group require or exclude it; {@code name:} at the start of a term names a
 *       field ({@code path:}, {@code content:}; others are refused); {@code /re/} is a regular
 *       expression; quotes make a phrase.
 * </ul>
 *
 * <p>What a term matches: one identifier matches it whole or as a run of parts of a longer one
 * ({@code UserName} finds {@code getUserName} and {@code user_name}, never {@code user.name}); an
 * operator or annotation matches whole; a term of several words ({@code Map.empty}) and a quoted
 * phrase match those whole words in a row. A quoted single word is that word, without the runs of
 * parts ({@code "UserName"} finds {@code userName}, not {@code getUserName}). Phrase slop counts
 * positions; a word takes two (more for an identifier with parts).
 *
 * <p>Not thread-safe: one per query.
 */
final class CodeQueryParser extends MultiFieldQueryParser {
  private static final Set<String> FIELDS = Set.of(CodeSearch.CONTENT, CodeSearch.PATH);
  private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT");
  private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*:");
  private static final Pattern BOOST = Pattern.compile("\\^[0-9]+(\\.[0-9]+)?$");
  private static final Pattern FUZZY = Pattern.compile("~([0-9]+(\\.[0-9]+)?)?$");

  CodeQueryParser(Analyzer analyzer) {
    super(new String[] {CodeSearch.CONTENT, CodeSearch.PATH}, analyzer);
    setDefaultOperator(QueryParser.Operator.AND);
    setAllowLeadingWildcard(true);
    setSplitOnWhitespace(true);
  }

  /**
   * Parses a code-search query.
   *
   * @return the query, or null when it holds nothing searchable (punctuation only)
   * @throws ParseException when the syntax is wrong
   */
  Query parseCode(String query) throws ParseException {
    Query q = parse(literalize(query));
    if (q instanceof BooleanQuery bq && bq.clauses().isEmpty()) {
      return null;
    }
    return q;
  }

  // ------------------------------------------------------------------------------ the syntax

  /**
   * Escapes what the classic syntax would otherwise read as syntax but code search reads as code
   * (see the class comment); leaves the rest of the syntax as it is.
   */
  static String literalize(String q) {
    StringBuilder out = new StringBuilder(q.length() + 16);
    int depth = 0;
    int i = 0;
    int n = q.length();
    while (i < n) {
      char c = q.charAt(i);
      if (Character.isWhitespace(c)) {
        out.append(c);
        i++;
        continue;
      }
      int end = i;
      while (end < n && !Character.isWhitespace(q.charAt(end))) {
        if (q.charAt(end) == '"') {
          int close = closingQuote(q, end);
          if (close < 0) {
            break;
          }
          end = close + 1;
        } else {
          end++;
        }
      }
      if (end < n && q.charAt(end) == '"') {
        // an unterminated quote: the rest of the chunk is literal text
        int stop = end;
        while (stop < n && !Character.isWhitespace(q.charAt(stop))) {
          stop++;
        }
        out.append(QueryParser.escape(q.substring(i, stop)));
        i = stop;
        continue;
      }
      String chunk = q.substring(i, end);
      i = end;
      if (KEYWORDS.contains(chunk)) {
        out.append(chunk);
        continue;
      }
      depth = chunk(chunk, depth, out);
    }
    return out.toString();
  }

  /** Index of the quote closing the one at {@code open}, or -1. */
  private static int closingQuote(String q, int open) {
    for (int j = open + 1; j < q.length(); j++) {
      char c = q.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '"') {
        return j;
      }
    }
    return -1;
  }

  /** Appends one whitespace-free chunk; returns the group depth after it. */
  private static int chunk(String s, int depth, StringBuilder out) {
    int at = 0;
    // prefixes: groups, one modifier, a field name
    boolean progress = true;
    while (progress && at < s.length()) {
      progress = false;
      char c = s.charAt(at);
      if (c == '(' && at + 1 <= s.length()) {
        out.append('(');
        depth++;
        at++;
        progress = true;
      } else if ((c == '+' || c == '-') && at + 1 < s.length() && startsOperand(s, at + 1)) {
        out.append(c);
        at++;
        progress = true;
      } else {
        var m = FIELD.matcher(s).region(at, s.length());
        if (m.lookingAt() && m.end() < s.length() && s.charAt(m.end()) != ':') {
          out.append(s, at, m.end());
          at = m.end();
          progress = true;
        }
      }
    }
    String rest = s.substring(at);
    // suffixes: a boost, group closers
    String boost = "";
    var b = BOOST.matcher(rest);
    if (b.find() && b.start() > 0) {
      boost = rest.substring(b.start());
      rest = rest.substring(0, b.start());
    }
    int closers = 0;
    while (closers < depth && rest.endsWith(")")) {
      rest = rest.substring(0, rest.length() - 1);
      closers++;
    }
    if (!rest.isEmpty() && boost.length() > 0 && closers == 0 && !hasWordChar(rest)) {
      rest = rest + boost; // "^2" after an operator is code
      boost = "";
    }
    out.append(core(rest));
    out.append(")".repeat(closers));
    out.append(boost);
    return depth - closers;
  }

  /** Whether {@code s} from {@code at} starts a word, a phrase, a group or a regular expression. */
  private static boolean startsOperand(String s, int at) {
    char c = s.charAt(at);
    if (c == '/') {
      String rest = s.substring(at);
      return rest.length() >= 3 && rest.endsWith("/") && hasWordChar(rest);
    }
    return c == '"' || c == '(' || isWordChar(s.codePointAt(at));
  }

  /** The core of a term: a phrase, a regular expression, an operator run or a word. */
  private static String core(String t) {
    if (t.isEmpty()) {
      return t;
    }
    if (t.charAt(0) == '"') {
      return t; // a phrase, with its slop or boost
    }
    if (t.length() >= 3 && t.charAt(0) == '/' && t.endsWith("/") && hasWordChar(t)) {
      return t;
    }
    if (!hasWordChar(t)) {
      return QueryParser.escape(t);
    }
    String fuzzy = "";
    var f = FUZZY.matcher(t);
    if (f.find() && f.start() > 0) {
      fuzzy = t.substring(f.start());
      t = t.substring(0, f.start());
    }
    StringBuilder b = new StringBuilder(t.length() + 8);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '\\' && i + 1 < t.length()) {
        b.append(c).append(t.charAt(++i)); // the user's own escape
      } else if (c == '*' || c == '?') {
        b.append(c);
      } else if ("+-!():^[]\"{}~|&/".indexOf(c) >= 0) {
        b.append('\\').append(c);
      } else {
        b.append(c);
      }
    }
    return b.append(fuzzy).toString();
  }

  private static boolean hasWordChar(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (isWordChar(cp)) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }

  private static boolean isWordChar(int cp) {
    return CodeTokenizer.classOf(cp) == 1;
  }

  // ------------------------------------------------------------------------------ building

  private static void check(String field) throws ParseException {
    if (field != null && !FIELDS.contains(field)) {
      throw new ParseException(
          "unknown field '"
              + field
              + "'; searchable fields: content, path (quote a term to search for it as written)");
    }
  }

  /** Builds the query of one term or phrase from the tokenizer's words, as they were indexed. */
  @Override
  protected Query newFieldQuery(Analyzer analyzer, String field, String text, boolean quoted) {
    List<Word> words = CodeTokenizer.words(text);
    if (words.isEmpty()) {
      return null;
    }
    if (words.size() == 1) {
      Word w = words.get(0);
      Query whole = new TermQuery(new Term(field, w.text()));
      if (quoted || w.kind() != Kind.IDENTIFIER || w.parts().size() < 2) {
        return whole;
      }
      PhraseQuery.Builder parts = new PhraseQuery.Builder();
      for (int i = 0; i < w.parts().size(); i++) {
        parts.add(new Term(field, w.parts().get(i)), i);
      }
      return new BooleanQuery.Builder()
          .add(whole, BooleanClause.Occur.SHOULD)
          .add(parts.build(), BooleanClause.Occur.SHOULD)
          .build();
    }
    PhraseQuery.Builder phrase = new PhraseQuery.Builder();
    int pos = 0;
    for (Word w : words) {
      phrase.add(new Term(field, w.text()), pos);
      pos += w.span() + CodeTokenizer.WORD_GAP;
    }
    return phrase.build();
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
    return super.getFieldQuery(field, queryText, slop * (CodeTokenizer.WORD_GAP + 1));
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
