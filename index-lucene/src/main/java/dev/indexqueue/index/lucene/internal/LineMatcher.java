package dev.indexqueue.index.lucene.internal;

import dev.indexqueue.SearchHit.MatchLine;
import dev.indexqueue.SearchHit.Range;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Matches;
import org.apache.lucene.search.MatchesIterator;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

/**
 * Finds the lines of a hit that hold what matched, from Lucene's own {@link Matches}: the index
 * says at which positions of the content the query matched (a term, a whole phrase, each
 * alternative of an OR that matched, never a negated term), and re-analysing the stored content
 * turns those positions into character ranges. So a line is shown only when it holds a real match
 * (an identifier, a run of its parts, an operator, a phrase), and highlights cover exactly the
 * matched text. A hit whose content did not match but whose path did is path-only. Not thread-safe:
 * created per search, used by the thread that runs it.
 *
 * <p>When more lines match than are shown, the best win and come first: a line scores, for each
 * distinct query part that matched in it, the length of its longest match there, doubled when the
 * match is a whole word (so {@code leftMap} in {@code ior.leftMap(f)} beats {@code leftMapK}), plus
 * one when a match is spelled exactly as in the query; ties go to the earlier line.
 *
 * <p>Created per search ({@link CodeSearch#lineMatcher}), on the searcher of that search.
 */
public final class LineMatcher {
  /** The longest line text returned; longer lines are cut (minified files). */
  static final int MAX_LINE_CHARS = 1000;

  private final Weight weight;
  private final String field;
  private final String pathField;
  private final Analyzer analyzer;
  private final Map<Query, ByteRunAutomaton> automata;
  private final Set<String> queryWords;

  private LineMatcher(
      Weight weight,
      String field,
      String pathField,
      Analyzer analyzer,
      Map<Query, ByteRunAutomaton> automata,
      Set<String> queryWords) {
    this.weight = weight;
    this.field = field;
    this.pathField = pathField;
    this.analyzer = analyzer;
    this.automata = automata;
    this.queryWords = queryWords;
  }

  /**
   * A matcher for {@code query} (the parsed user query, without filters) on {@code searcher}.
   *
   * @param rawQuery the query as typed, to prefer lines that spell a word exactly so
   */
  static LineMatcher forQuery(
      IndexSearcher searcher,
      Query query,
      String field,
      String pathField,
      Analyzer analyzer,
      String rawQuery)
      throws IOException {
    Weight weight =
        searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
    Map<Query, ByteRunAutomaton> automata = new HashMap<>();
    query.visit(
        new QueryVisitor() {
          @Override
          public boolean acceptField(String f) {
            return field.equals(f);
          }

          @Override
          public void consumeTermsMatching(
              Query q, String f, Supplier<ByteRunAutomaton> automaton) {
            if (field.equals(f)) {
              automata.put(q, automaton.get());
            }
          }

          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return occur == BooleanClause.Occur.MUST_NOT ? QueryVisitor.EMPTY_VISITOR : this;
          }
        });
    Set<String> words = new HashSet<>();
    for (CodeTokenizer.Word w : CodeTokenizer.words(rawQuery)) {
      words.add(rawQuery.substring(w.start(), w.end()));
    }
    return new LineMatcher(weight, field, pathField, analyzer, automata, words);
  }

  /** The lines of one hit, and whether only its path matched. */
  public record Result(List<MatchLine> lines, boolean pathOnly) {}

  /**
   * The best {@code max} lines of document {@code doc} of {@code leaf} (a hit of the query), whose
   * stored content is {@code content}.
   */
  public Result match(LeafReaderContext leaf, int doc, String content, int max) throws IOException {
    Matches matches = weight.matches(leaf, doc);
    if (matches == null) {
      return new Result(List.of(), false);
    }
    MatchesIterator it = matches.getMatches(field);
    if (it == null) {
      return new Result(List.of(), matches.getMatches(pathField) != null);
    }
    List<Hit> hits = new ArrayList<>();
    int maxPosition = -1;
    while (it.next()) {
      Hit h = new Hit(it.getQuery(), it.startPosition(), it.endPosition());
      hits.add(h);
      maxPosition = Math.max(maxPosition, h.endPosition);
    }
    if (hits.isEmpty() || content == null || max < 1) {
      return new Result(List.of(), false);
    }
    BitSet needed = new BitSet(maxPosition + 1);
    for (Hit h : hits) {
      needed.set(h.startPosition);
      needed.set(h.endPosition);
    }
    Tokens tokens = tokens(content, needed, maxPosition);
    int[] lineStarts = lineStarts(content);
    TreeMap<Integer, LineHits> byLine = new TreeMap<>();
    for (Hit h : hits) {
      int first = tokens.first(h.startPosition, t -> accepts(h.query, t));
      int last = tokens.last(h.endPosition, t -> accepts(h.query, t));
      if (first < 0 || last < 0 || tokens.ends[last] <= tokens.starts[first]) {
        continue; // cannot place it (not expected: the content is analysed as it was indexed)
      }
      int start = tokens.starts[first];
      int end = tokens.ends[last];
      int line = lineOf(lineStarts, start);
      LineHits lh = byLine.computeIfAbsent(line, k -> new LineHits());
      lh.spans.add(new int[] {start, end});
      boolean whole = tokens.startsWord[first] && tokens.endsWord[last];
      lh.best.merge(h.query, (end - start) * (whole ? 2 : 1), Math::max);
      if (!lh.exact && queryWords.contains(content.substring(start, end))) {
        lh.exact = true;
      }
    }
    if (byLine.isEmpty()) {
      return new Result(List.of(), false);
    }
    List<Map.Entry<Integer, LineHits>> best = new ArrayList<>(byLine.entrySet());
    best.sort(
        (a, b) -> {
          int sa = a.getValue().score();
          int sb = b.getValue().score();
          return sa != sb ? Integer.compare(sb, sa) : Integer.compare(a.getKey(), b.getKey());
        });
    List<MatchLine> out = new ArrayList<>(Math.min(max, best.size()));
    for (Map.Entry<Integer, LineHits> e : best.subList(0, Math.min(max, best.size()))) {
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
    return new Result(out, false);
  }

  /** Whether a token's term can be what {@code q} matched. */
  private boolean accepts(Query q, BytesRef term) {
    if (q instanceof TermQuery tq) {
      return tq.getTerm().bytes().bytesEquals(term);
    }
    if (q instanceof PhraseQuery pq) {
      for (Term t : pq.getTerms()) {
        if (t.bytes().bytesEquals(term)) {
          return true;
        }
      }
      return false;
    }
    ByteRunAutomaton a = automata.get(q);
    return a == null || a.run(term.bytes, term.offset, term.length);
  }

  /** One match: the query part that matched and its positions. */
  private record Hit(Query query, int startPosition, int endPosition) {}

  /** The matches of one line. */
  private static final class LineHits {
    final List<int[]> spans = new ArrayList<>();
    final Map<Query, Integer> best = new HashMap<>();
    boolean exact;

    int score() {
      int s = exact ? 1 : 0;
      for (int v : best.values()) {
        s += v;
      }
      return s;
    }
  }

  // ------------------------------------------------------------------------------ positions

  /**
   * The content's tokens at some positions: position, term, offsets, and whether a token starts or
   * ends where its word does.
   */
  private static final class Tokens {
    int count;
    int[] positions = new int[64];
    int[] starts = new int[64];
    int[] ends = new int[64];
    boolean[] startsWord = new boolean[64];
    boolean[] endsWord = new boolean[64];
    BytesRef[] terms = new BytesRef[64];

    void add(int position, BytesRef term, int start, int end, int wordStart, int wordEnd) {
      if (count == positions.length) {
        int n = count * 2;
        positions = Arrays.copyOf(positions, n);
        starts = Arrays.copyOf(starts, n);
        ends = Arrays.copyOf(ends, n);
        startsWord = Arrays.copyOf(startsWord, n);
        endsWord = Arrays.copyOf(endsWord, n);
        terms = Arrays.copyOf(terms, n);
      }
      positions[count] = position;
      terms[count] = term;
      starts[count] = start;
      ends[count] = end;
      startsWord[count] = start == wordStart;
      endsWord[count] = end == wordEnd;
      count++;
    }

    /** The index of the first token at {@code position}, or -1. */
    private int at(int position) {
      int i = Arrays.binarySearch(positions, 0, count, position);
      if (i < 0) {
        return -1;
      }
      while (i > 0 && positions[i - 1] == position) {
        i--;
      }
      return i;
    }

    /** The token at {@code position} that {@code ok} accepts with the smallest start, or -1. */
    int first(int position, Predicate<BytesRef> ok) {
      int best = -1;
      for (int i = at(position); i >= 0 && i < count && positions[i] == position; i++) {
        if (ok.test(terms[i]) && (best < 0 || starts[i] < starts[best])) {
          best = i;
        }
      }
      return best;
    }

    /** The token at {@code position} that {@code ok} accepts with the largest end, or -1. */
    int last(int position, Predicate<BytesRef> ok) {
      int best = -1;
      for (int i = at(position); i >= 0 && i < count && positions[i] == position; i++) {
        if (ok.test(terms[i]) && (best < 0 || ends[i] > ends[best])) {
          best = i;
        }
      }
      return best;
    }
  }

  /** Analyses {@code content} as it was indexed, keeping the tokens at the needed positions. */
  private Tokens tokens(String content, BitSet needed, int lastPosition) throws IOException {
    Tokens out = new Tokens();
    try (TokenStream ts = analyzer.tokenStream(field, content)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      int position = -1;
      int wordStart = -1;
      int wordEnd = -1;
      while (ts.incrementToken()) {
        int pi = inc.getPositionIncrement();
        position += pi;
        if (position > lastPosition) {
          break;
        }
        if (pi == CodeTokenizer.WORD_GAP + 1) {
          wordStart = offset.startOffset();
          wordEnd = offset.endOffset();
        }
        if (needed.get(position)) {
          out.add(
              position,
              new BytesRef(term),
              offset.startOffset(),
              offset.endOffset(),
              wordStart,
              wordEnd);
        }
      }
      ts.end();
    }
    return out;
  }

  // ------------------------------------------------------------------------------ lines

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

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "LineMatcher[%s]", weight.getQuery());
  }
}
