package dev.indexqueue.index.lucene;

import dev.indexqueue.SearchHit.MatchLine;
import dev.indexqueue.SearchHit.Range;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

/**
 * Finds the lines of a document that match a query: the content is analyzed as it was indexed and
 * every token equal to a (non-negated) query term of the field, or accepted by a wildcard, prefix,
 * fuzzy or regexp query of the field, marks its character range. Immutable and thread-safe.
 */
final class LineMatcher {
  /** The longest line text returned; longer lines are cut (minified files). */
  static final int MAX_LINE_CHARS = 1000;

  private final Set<BytesRef> terms;
  private final List<ByteRunAutomaton> automata;
  private final String field;
  private final Analyzer analyzer;

  private LineMatcher(
      Set<BytesRef> terms, List<ByteRunAutomaton> automata, String field, Analyzer analyzer) {
    this.terms = terms;
    this.automata = automata;
    this.field = field;
    this.analyzer = analyzer;
  }

  static LineMatcher forQuery(Query query, String field, Analyzer analyzer) {
    Set<BytesRef> terms = new HashSet<>();
    List<ByteRunAutomaton> automata = new ArrayList<>();
    query.visit(
        new QueryVisitor() {
          @Override
          public boolean acceptField(String f) {
            return field.equals(f);
          }

          @Override
          public void consumeTerms(Query q, Term... ts) {
            for (Term t : ts) {
              if (field.equals(t.field())) {
                terms.add(BytesRef.deepCopyOf(t.bytes()));
              }
            }
          }

          @Override
          public void consumeTermsMatching(
              Query q, String f, Supplier<ByteRunAutomaton> automaton) {
            if (field.equals(f)) {
              automata.add(automaton.get());
            }
          }

          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return occur == BooleanClause.Occur.MUST_NOT ? QueryVisitor.EMPTY_VISITOR : this;
          }
        });
    return new LineMatcher(terms, automata, field, analyzer);
  }

  /**
   * Up to {@code max} matching lines of {@code content}, in line order. When more lines match, the
   * most specific win: a line scores the summed length of the distinct query terms it holds, so a
   * line with {@code ReentrantReadWriteLock} beats a licence line that only holds "write"; ties go
   * to the earlier line.
   */
  List<MatchLine> matchingLines(String content, int max) {
    if (content == null || max < 1 || (terms.isEmpty() && automata.isEmpty())) {
      return List.of();
    }
    int[] lineStarts = lineStarts(content);
    TreeMap<Integer, LineHits> byLine = new TreeMap<>();
    try (TokenStream ts = analyzer.tokenStream(field, content)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        BytesRef bytes = new BytesRef(term);
        if (!matches(bytes)) {
          continue;
        }
        int start = offset.startOffset();
        LineHits hits = byLine.computeIfAbsent(lineOf(lineStarts, start), k -> new LineHits());
        hits.spans.add(new int[] {start, offset.endOffset()});
        if (hits.terms.add(term.toString())) {
          hits.score += term.length();
        }
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Map.Entry<Integer, LineHits>> best = new ArrayList<>(byLine.entrySet());
    best.sort(
        (a, b) ->
            a.getValue().score != b.getValue().score
                ? Integer.compare(b.getValue().score, a.getValue().score)
                : Integer.compare(a.getKey(), b.getKey()));
    TreeMap<Integer, LineHits> chosen = new TreeMap<>();
    for (Map.Entry<Integer, LineHits> e : best.subList(0, Math.min(max, best.size()))) {
      chosen.put(e.getKey(), e.getValue());
    }
    List<MatchLine> out = new ArrayList<>(chosen.size());
    for (var e : chosen.entrySet()) {
      int line = e.getKey();
      int from = lineStarts[line];
      int to = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : content.length();
      if (to > from && content.charAt(to - 1) == '\r') {
        to--;
      }
      to = Math.min(to, from + MAX_LINE_CHARS);
      String text = content.substring(from, to);
      out.add(new MatchLine(line + 1, text, merge(e.getValue().spans, from, text.length())));
    }
    return out;
  }

  /** The matches of one line. */
  private static final class LineHits {
    final List<int[]> spans = new ArrayList<>();
    final Set<String> terms = new HashSet<>();
    int score;
  }

  private boolean matches(BytesRef bytes) {
    if (terms.contains(bytes)) {
      return true;
    }
    for (ByteRunAutomaton a : automata) {
      if (a.run(bytes.bytes, bytes.offset, bytes.length)) {
        return true;
      }
    }
    return false;
  }

  /** Sorted, non-overlapping ranges relative to the line, clipped to its text. */
  private static List<Range> merge(List<int[]> spans, int lineStart, int textLength) {
    spans.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
    List<Range> out = new ArrayList<>();
    int curStart = -1;
    int curEnd = -1;
    for (int[] s : spans) {
      int a = Math.max(0, s[0] - lineStart);
      int b = Math.min(textLength, s[1] - lineStart);
      if (a >= b) {
        continue;
      }
      if (curStart >= 0 && a <= curEnd) {
        curEnd = Math.max(curEnd, b);
      } else {
        if (curStart >= 0) {
          out.add(new Range(curStart, curEnd));
        }
        curStart = a;
        curEnd = b;
      }
    }
    if (curStart >= 0) {
      out.add(new Range(curStart, curEnd));
    }
    return out;
  }

  private static int[] lineStarts(String s) {
    int n = 1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        n++;
      }
    }
    int[] starts = new int[n];
    int k = 1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        starts[k++] = i + 1;
      }
    }
    return starts;
  }

  private static int lineOf(int[] starts, int offset) {
    int lo = 0;
    int hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
