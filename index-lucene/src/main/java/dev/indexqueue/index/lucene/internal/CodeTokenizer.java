package dev.indexqueue.index.lucene.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.util.AttributeFactory;

/**
 * Splits source code into the words a code search finds, lower-cased, each with exact offsets:
 *
 * <ul>
 *   <li><b>identifiers</b>: maximal runs of letters, marks, decimal digits, {@code _} and {@code $}
 *       ({@code getUserName}, {@code max_retry_count}, {@code utf8}, {@code $scope});
 *   <li><b>operators</b>: maximal runs of {@code ! # % & * + - / : < = > ? @ \ ^ | ~} and Unicode
 *       math and other symbols ({@code |+|}, {@code >>=}, {@code ::}, {@code ->}, {@code ===},
 *       {@code <*>}, {@code ≤}); this is how Scala, Haskell and C lexers read them (maximal munch);
 *   <li><b>annotations</b>: {@code @} directly followed by an identifier, where {@code @} starts an
 *       operator run (<code>&#64;tailrec</code>, <code>&#64;Override</code>).
 * </ul>
 *
 * Everything else ({@code . , ; ( ) [ ] { } " ' `} and white space) only separates words. A word
 * longer than {@link #MAX_WORD_CHARS} is cut into pieces of that length.
 *
 * <p>After an identifier come its <b>parts</b>, split at {@code _} and {@code $}, at lower→upper
 * case changes, before the last capital of a run of capitals followed by a lower-case letter
 * ({@code HTMLParser}: html, parser), at letter↔digit changes, and around every Han, Hiragana and
 * Katakana character (so a word of an unspaced CJK sentence is found). An annotation is followed by
 * its identifier and that identifier's parts. Parts are emitted only when they differ from the
 * word.
 *
 * <p>Positions: a word's first part shares the word's position and each further part takes the next
 * one, so the parts of {@code getUserName} sit at p, p+1, p+2 and a phrase of parts finds {@code
 * UserName} inside it; the next word starts {@link #WORD_GAP} positions after the word's last
 * position, so a phrase of parts never spans two words ({@code tailRec(m)} does not hold {@code
 * tailRecM}). {@link #words(String)} gives the same words with their parts, for building queries
 * whose positions line up with the index.
 *
 * <p>The input is read whole on {@link #reset()} (documents are bounded; the buffer shrinks back
 * after a large one). Not thread-safe, like every {@link Tokenizer}: one per thread (Lucene's
 * analyzer reuse does that).
 */
final class CodeTokenizer extends Tokenizer {
  /** The longest word; longer runs are cut into words of this length. */
  static final int MAX_WORD_CHARS = 255;

  /** Positions left free between two words. */
  static final int WORD_GAP = 1;

  /** What a word is. */
  enum Kind {
    IDENTIFIER,
    OPERATOR,
    ANNOTATION
  }

  /**
   * A word of a text, lower-cased.
   *
   * @param text the whole word
   * @param kind what it is
   * @param alias an annotation's identifier ({@code tailrec} of <code>&#64;tailrec</code>), else
   *     null
   * @param parts the parts after the word (or after the alias), empty when there are none
   * @param start offset of the word's first character
   * @param end offset after the word's last character
   */
  record Word(String text, Kind kind, String alias, List<String> parts, int start, int end) {
    /** How many positions the word occupies. */
    int span() {
      return Math.max(1, parts.size());
    }
  }

  private static final byte OTHER = 0;
  private static final byte ID = 1;
  private static final byte OP = 2;
  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      ASCII[c] = ID;
      ASCII[c - 'a' + 'A'] = ID;
    }
    for (int c = '0'; c <= '9'; c++) {
      ASCII[c] = ID;
    }
    ASCII['_'] = ID;
    ASCII['$'] = ID;
    for (char c : "!#%&*+-/:<=>?@\\^|~".toCharArray()) {
      ASCII[c] = OP;
    }
  }

  private static final int SHRINK_ABOVE = 1 << 16;

  private final CharTermAttribute termAtt = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offsetAtt = addAttribute(OffsetAttribute.class);
  private final PositionIncrementAttribute posAtt = addAttribute(PositionIncrementAttribute.class);

  private char[] buf = new char[4096];
  private int len;
  private int cursor;
  private final Scanner scanner = new Scanner();

  /** The tokens after the current word: offsets and position increments. */
  private int[] subStart = new int[16];

  private int[] subEnd = new int[16];
  private int[] subInc = new int[16];
  private int subCount;
  private int subNext;

  /** A tokenizer with the default attribute factory. */
  CodeTokenizer() {}

  /** A tokenizer whose attributes {@code factory} makes. */
  CodeTokenizer(AttributeFactory factory) {
    super(factory);
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    len = 0;
    while (true) {
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = input.read(buf, len, buf.length - len);
      if (n < 0) {
        break;
      }
      len += n;
    }
    cursor = 0;
    subCount = 0;
    subNext = 0;
  }

  @Override
  public boolean incrementToken() {
    if (subNext < subCount) {
      clearAttributes();
      int s = subStart[subNext];
      int e = subEnd[subNext];
      lower(s, e);
      offsetAtt.setOffset(correctOffset(s), correctOffset(e));
      posAtt.setPositionIncrement(subInc[subNext]);
      subNext++;
      return true;
    }
    if (!scanner.next(buf, cursor, len)) {
      cursor = len;
      return false;
    }
    cursor = scanner.end;
    clearAttributes();
    lower(scanner.start, scanner.end);
    offsetAtt.setOffset(correctOffset(scanner.start), correctOffset(scanner.end));
    posAtt.setPositionIncrement(WORD_GAP + 1);
    subCount = 0;
    subNext = 0;
    if (scanner.kind == Kind.ANNOTATION) {
      addSub(scanner.start + 1, scanner.end, 0);
      addParts(scanner.start + 1, scanner.end);
    } else if (scanner.kind == Kind.IDENTIFIER) {
      addParts(scanner.start, scanner.end);
    }
    return true;
  }

  private void addParts(int start, int end) {
    int n = scanner.parts(buf, start, end);
    if (n == 1 && scanner.partStart[0] == start && scanner.partEnd[0] == end) {
      return; // the only part is the identifier itself
    }
    for (int i = 0; i < n; i++) {
      addSub(scanner.partStart[i], scanner.partEnd[i], i == 0 ? 0 : 1);
    }
  }

  private void addSub(int start, int end, int inc) {
    if (subCount == subStart.length) {
      subStart = Arrays.copyOf(subStart, subCount * 2);
      subEnd = Arrays.copyOf(subEnd, subCount * 2);
      subInc = Arrays.copyOf(subInc, subCount * 2);
    }
    subStart[subCount] = start;
    subEnd[subCount] = end;
    subInc[subCount] = inc;
    subCount++;
  }

  /** Sets the term to {@code buf[start, end)}, lower-cased code point by code point. */
  private void lower(int start, int end) {
    char[] t = termAtt.resizeBuffer(end - start);
    int n = 0;
    for (int i = start; i < end; ) {
      char c = buf[i];
      if (c < 128) {
        t[n++] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
        i++;
      } else {
        int cp = Character.codePointAt(buf, i, end);
        n += Character.toChars(Character.toLowerCase(cp), t, n);
        i += Character.charCount(cp);
      }
    }
    termAtt.setLength(n);
  }

  @Override
  public void end() throws IOException {
    super.end();
    int finalOffset = correctOffset(len);
    offsetAtt.setOffset(finalOffset, finalOffset);
  }

  @Override
  public void close() throws IOException {
    super.close();
    if (buf.length > SHRINK_ABOVE) {
      buf = new char[4096];
    }
    len = 0;
  }

  // ------------------------------------------------------------------------------ scanning

  /** The words of {@code text}, as the tokenizer reads them, with their parts. */
  static List<Word> words(String text) {
    char[] chars = text.toCharArray();
    Scanner s = new Scanner();
    List<Word> out = new ArrayList<>();
    int at = 0;
    while (s.next(chars, at, chars.length)) {
      at = s.end;
      String alias = null;
      int partsFrom = s.start;
      if (s.kind == Kind.ANNOTATION) {
        alias = lower(chars, s.start + 1, s.end);
        partsFrom = s.start + 1;
      }
      List<String> parts = new ArrayList<>();
      if (s.kind != Kind.OPERATOR) {
        int n = s.parts(chars, partsFrom, s.end);
        if (!(n == 1 && s.partStart[0] == partsFrom && s.partEnd[0] == s.end)) {
          for (int i = 0; i < n; i++) {
            parts.add(lower(chars, s.partStart[i], s.partEnd[i]));
          }
        }
      }
      out.add(
          new Word(
              lower(chars, s.start, s.end), s.kind, alias, List.copyOf(parts), s.start, s.end));
    }
    return out;
  }

  private static String lower(char[] chars, int start, int end) {
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; ) {
      int cp = Character.codePointAt(chars, i, end);
      b.appendCodePoint(Character.toLowerCase(cp));
      i += Character.charCount(cp);
    }
    return b.toString();
  }

  static byte classOf(int cp) {
    if (cp < 128) {
      return ASCII[cp];
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
      Character.LOWERCASE_LETTER,
      Character.TITLECASE_LETTER,
      Character.MODIFIER_LETTER,
      Character.OTHER_LETTER,
      Character.NON_SPACING_MARK,
      Character.ENCLOSING_MARK,
      Character.COMBINING_SPACING_MARK,
      Character.DECIMAL_DIGIT_NUMBER:
        return ID;
      case Character.MATH_SYMBOL, Character.OTHER_SYMBOL:
        return OP;
      default:
        return OTHER;
    }
  }

  /** Whether {@code cp} stands alone as a part (Han, Hiragana, Katakana). */
  static boolean isCjk(int cp) {
    if (cp < 0x2E80) {
      return false;
    }
    if (Character.isIdeographic(cp)) {
      return true;
    }
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA;
  }

  /** Finds words and parts in a char array; reused, not thread-safe. */
  static final class Scanner {
    int start;
    int end;
    Kind kind;
    int[] partStart = new int[16];
    int[] partEnd = new int[16];

    /** Finds the next word at or after {@code from}; false when there is none. */
    boolean next(char[] buf, int from, int len) {
      int i = from;
      while (i < len) {
        char c = buf[i];
        int cp;
        byte cls;
        if (c < 128) {
          cp = c;
          cls = ASCII[c];
        } else {
          cp = Character.codePointAt(buf, i, len);
          cls = classOf(cp);
        }
        if (cls == OTHER) {
          i += Character.charCount(cp);
          continue;
        }
        start = i;
        if (cls == ID) {
          kind = Kind.IDENTIFIER;
          end = run(buf, i, len, ID, MAX_WORD_CHARS);
        } else if (c == '@'
            && i + 1 < len
            && classOf(Character.codePointAt(buf, i + 1, len)) == ID) {
          kind = Kind.ANNOTATION;
          end = run(buf, i + 1, len, ID, MAX_WORD_CHARS - 1);
        } else {
          kind = Kind.OPERATOR;
          end = run(buf, i, len, OP, MAX_WORD_CHARS);
        }
        return true;
      }
      return false;
    }

    /** The end of the run of class {@code cls} from {@code i}, at most {@code max} chars long. */
    private static int run(char[] buf, int i, int len, byte cls, int max) {
      int limit = Math.min(len, i + max);
      while (i < limit) {
        char c = buf[i];
        if (c < 128) {
          if (ASCII[c] != cls) {
            return i;
          }
          i++;
        } else {
          int cp = Character.codePointAt(buf, i, len);
          int n = Character.charCount(cp);
          if (classOf(cp) != cls || i + n > limit) {
            return i;
          }
          i += n;
        }
      }
      return i;
    }

    /**
     * Splits the identifier {@code buf[start, end)} into parts; returns how many (0 for {@code _}
     * or {@code $} alone) and leaves their offsets in {@link #partStart} and {@link #partEnd}.
     */
    int parts(char[] buf, int start, int end) {
      int n = 0;
      int partFrom = -1;
      int prevType = -1; // Character type of the previous code point of this part
      int prevCp = -1;
      for (int i = start; i < end; ) {
        int cp = Character.codePointAt(buf, i, end);
        int size = Character.charCount(cp);
        if (cp == '_' || cp == '$') {
          if (partFrom >= 0) {
            n = add(n, partFrom, i);
            partFrom = -1;
          }
          i += size;
          continue;
        }
        int type = Character.getType(cp);
        if (partFrom < 0) {
          partFrom = i;
        } else if (boundary(prevCp, prevType, cp, type, buf, i + size, end)) {
          n = add(n, partFrom, i);
          partFrom = i;
        }
        prevType = type;
        prevCp = cp;
        i += size;
      }
      if (partFrom >= 0) {
        n = add(n, partFrom, end);
      }
      return n;
    }

    private static boolean boundary(
        int a, int aType, int b, int bType, char[] buf, int afterB, int end) {
      if (a >= 0x2E80 && isCjk(a) || b >= 0x2E80 && isCjk(b)) {
        return true;
      }
      boolean aLetter = isLetter(aType);
      boolean bLetter = isLetter(bType);
      if (aType == Character.LOWERCASE_LETTER && bType == Character.UPPERCASE_LETTER) {
        return true;
      }
      if (aType == Character.UPPERCASE_LETTER
          && bType == Character.UPPERCASE_LETTER
          && afterB < end) {
        int c = Character.codePointAt(buf, afterB, end);
        return Character.getType(c) == Character.LOWERCASE_LETTER;
      }
      return aLetter && bType == Character.DECIMAL_DIGIT_NUMBER
          || aType == Character.DECIMAL_DIGIT_NUMBER && bLetter;
    }

    private static boolean isLetter(int type) {
      return type == Character.UPPERCASE_LETTER
          || type == Character.LOWERCASE_LETTER
          || type == Character.TITLECASE_LETTER
          || type == Character.MODIFIER_LETTER
          || type == Character.OTHER_LETTER;
    }

    private int add(int n, int from, int to) {
      if (n == partStart.length) {
        partStart = Arrays.copyOf(partStart, n * 2);
        partEnd = Arrays.copyOf(partEnd, n * 2);
      }
      partStart[n] = from;
      partEnd[n] = to;
      return n + 1;
    }
  }
}
