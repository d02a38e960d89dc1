package dev.indexqueue.index.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.index.lucene.PreAnalysisTest;
import dev.indexqueue.index.lucene.internal.CodeTokenizer.Kind;
import dev.indexqueue.index.lucene.internal.CodeTokenizer.Word;
import dev.indexqueue.tck.Budget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.junit.jupiter.api.Test;

/**
 * The code tokenizer: words, operators, annotations and parts with exact offsets and the positions
 * the query side relies on.
 */
class CodeTokenizerTest {
  private static final Analyzer ANALYZER = new CodeAnalyzer();

  private static List<PreAnalysisTest.Token> tokens(String text) {
    try {
      List<PreAnalysisTest.Token> t = PreAnalysisTest.tokens(ANALYZER.tokenStream("content", text));
      return t.subList(0, t.size() - 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> terms(String text) {
    return tokens(text).stream().map(PreAnalysisTest.Token::term).toList();
  }

  @Test
  void identifiersComeWithTheirPartsAtConsecutivePositions() {
    assertThat(tokens("getUserName x"))
        .containsExactly(
            new PreAnalysisTest.Token("getusername", 2, 0, 11),
            new PreAnalysisTest.Token("get", 0, 0, 3),
            new PreAnalysisTest.Token("user", 1, 3, 7),
            new PreAnalysisTest.Token("name", 1, 7, 11),
            new PreAnalysisTest.Token("x", 2, 12, 13));
    assertThat(terms("max_retry_count"))
        .containsExactly("max_retry_count", "max", "retry", "count");
    assertThat(terms("HTMLParser utf8Decoder XMLHttpRequest"))
        .containsExactly(
            "htmlparser",
            "html",
            "parser",
            "utf8decoder",
            "utf",
            "8",
            "decoder",
            "xmlhttprequest",
            "xml",
            "http",
            "request");
    assertThat(terms("_foo __init__ $scope _ Map"))
        .containsExactly("_foo", "foo", "__init__", "init", "$scope", "scope", "_", "map");
    assertThat(terms("ior.leftMap(f)")).containsExactly("ior", "leftmap", "left", "map", "f");
  }

  @Test
  void operatorsAreMaximalRunsAndAnnotationsKeepTheirAt() {
    assertThat(terms("a |+| b >>= c <*> d *> e === f :: g -> h"))
        .containsExactly(
            "a", "|+|", "b", ">>=", "c", "<*>", "d", "*>", "e", "===", "f", "::", "g", "->", "h");
    assertThat(terms("@tailrec def f")).containsExactly("@tailrec", "tailrec", "def", "f");
    assertThat(tokens("@tailRec"))
        .containsExactly(
            new PreAnalysisTest.Token("@tailrec", 2, 0, 8),
            new PreAnalysisTest.Token("tailrec", 0, 1, 8),
            new PreAnalysisTest.Token("tail", 0, 1, 5),
            new PreAnalysisTest.Token("rec", 1, 5, 8));
    // @ inside an operator run stays in the run; a lone @ before a space is an operator
    assertThat(terms("x:@unchecked y @ z")).containsExactly("x", ":@", "unchecked", "y", "@", "z");
    assertThat(terms("a ≤ b ∘ c")).containsExactly("a", "≤", "b", "∘", "c");
    assertThat(terms("f(x); a[i], {b} \"s\" 'c' `q`"))
        .containsExactly("f", "x", "a", "i", "b", "s", "c", "q");
  }

  @Test
  void cjkCharactersArePartsAndLongRunsAreCut() {
    assertThat(terms("中文abc")).containsExactly("中文abc", "中", "文", "abc");
    String longRun = "a".repeat(600);
    assertThat(tokens(longRun))
        .extracting(PreAnalysisTest.Token::end)
        .containsExactly(255, 510, 600);
  }

  /** words() gives exactly the words and parts of the stream, which the query side relies on. */
  @Test
  void wordsAgreeWithTheTokenStream() {
    qt().withExamples(Budget.examples(300))
        .forAll(PreAnalysisTest.codeText())
        .checkAssert(
            text -> {
              List<PreAnalysisTest.Token> tokens = tokens(text);
              List<Word> words = CodeTokenizer.words(text);
              List<PreAnalysisTest.Token> expected = new ArrayList<>();
              int lastStart = -1;
              for (Word w : words) {
                expected.add(new PreAnalysisTest.Token(w.text(), 2, w.start(), w.end()));
                if (w.kind() == Kind.ANNOTATION) {
                  expected.add(new PreAnalysisTest.Token(w.alias(), 0, w.start() + 1, w.end()));
                }
                for (int i = 0; i < w.parts().size(); i++) {
                  expected.add(new PreAnalysisTest.Token(w.parts().get(i), i == 0 ? 0 : 1, -1, -1));
                }
              }
              assertThat(tokens).as("tokens of %s", text).hasSameSizeAs(expected);
              for (int i = 0; i < tokens.size(); i++) {
                PreAnalysisTest.Token t = tokens.get(i);
                PreAnalysisTest.Token e = expected.get(i);
                assertThat(t.term()).as("term %d of %s", i, text).isEqualTo(e.term());
                assertThat(t.positionIncrement()).isEqualTo(e.positionIncrement());
                if (e.start() >= 0) {
                  assertThat(t.start()).isEqualTo(e.start());
                  assertThat(t.end()).isEqualTo(e.end());
                }
                // offsets never go backwards; a token's text lower-cased is its term
                assertThat(t.start()).isGreaterThanOrEqualTo(lastStart);
                lastStart = t.start();
                String original = text.substring(t.start(), t.end());
                assertThat(lower(original)).isEqualTo(t.term());
              }
            });
  }

  private static String lower(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> b.appendCodePoint(Character.toLowerCase(cp)));
    return b.toString();
  }
}
