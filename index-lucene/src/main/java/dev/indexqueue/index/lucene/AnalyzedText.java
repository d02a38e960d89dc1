package dev.indexqueue.index.lucene;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * The tokens an analyzer produced for one text, captured on one thread so that another thread can
 * index them without analysing again: term text, position increment and offsets of every token, and
 * the final offset and position increment of {@code end()}. That is everything the indexing chain
 * reads from a field whose type indexes positions without payloads, so a {@link #replay()} stream
 * indexes exactly as the analyzer's own stream would. Immutable once captured; thread-safe; each
 * {@link #replay()} returns a new single-use stream.
 *
 * <p>Not for chains that set attributes the indexer also reads (payloads, term frequencies): {@link
 * CodeAnalyzer}, the only analyzer captured, sets neither.
 */
final class AnalyzedText {
  private final char[] chars;
  private final int[] termEnds;
  private final int[] positionIncrements;
  private final int[] startOffsets;
  private final int[] endOffsets;
  private final int count;
  private final int finalOffset;
  private final int finalPositionIncrement;

  private AnalyzedText(
      char[] chars,
      int[] termEnds,
      int[] positionIncrements,
      int[] startOffsets,
      int[] endOffsets,
      int count,
      int finalOffset,
      int finalPositionIncrement) {
    this.chars = chars;
    this.termEnds = termEnds;
    this.positionIncrements = positionIncrements;
    this.startOffsets = startOffsets;
    this.endOffsets = endOffsets;
    this.count = count;
    this.finalOffset = finalOffset;
    this.finalPositionIncrement = finalPositionIncrement;
  }

  /**
   * Runs {@code analyzer} over {@code text} as field {@code field} and keeps its tokens.
   *
   * @throws IOException when the analyzer does
   */
  static AnalyzedText capture(Analyzer analyzer, String field, String text) throws IOException {
    char[] chars = new char[Math.max(16, text.length() + text.length() / 2)];
    int tokens = Math.max(8, text.length() / 4);
    int[] ends = new int[tokens];
    int[] incs = new int[tokens];
    int[] starts = new int[tokens];
    int[] stops = new int[tokens];
    int n = 0;
    int used = 0;
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
      OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        int len = term.length();
        if (used + len > chars.length) {
          chars = Arrays.copyOf(chars, Math.max(used + len, chars.length * 2));
        }
        System.arraycopy(term.buffer(), 0, chars, used, len);
        used += len;
        if (n == ends.length) {
          int grown = ends.length * 2;
          ends = Arrays.copyOf(ends, grown);
          incs = Arrays.copyOf(incs, grown);
          starts = Arrays.copyOf(starts, grown);
          stops = Arrays.copyOf(stops, grown);
        }
        ends[n] = used;
        incs[n] = pos.getPositionIncrement();
        starts[n] = off.startOffset();
        stops[n] = off.endOffset();
        n++;
      }
      ts.end();
      return new AnalyzedText(
          chars, ends, incs, starts, stops, n, off.endOffset(), pos.getPositionIncrement());
    }
  }

  /** How many tokens were captured. */
  int tokenCount() {
    return count;
  }

  /** A new stream that plays the captured tokens back, then the captured {@code end()} state. */
  TokenStream replay() {
    return new Replay();
  }

  private final class Replay extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute pos = addAttribute(PositionIncrementAttribute.class);
    private final OffsetAttribute off = addAttribute(OffsetAttribute.class);
    private int next;

    @Override
    public boolean incrementToken() {
      if (next >= count) {
        return false;
      }
      clearAttributes();
      int start = next == 0 ? 0 : termEnds[next - 1];
      term.copyBuffer(chars, start, termEnds[next] - start);
      pos.setPositionIncrement(positionIncrements[next]);
      off.setOffset(startOffsets[next], endOffsets[next]);
      next++;
      return true;
    }

    @Override
    public void end() throws IOException {
      super.end();
      off.setOffset(finalOffset, finalOffset);
      pos.setPositionIncrement(finalPositionIncrement);
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      next = 0;
    }
  }
}
