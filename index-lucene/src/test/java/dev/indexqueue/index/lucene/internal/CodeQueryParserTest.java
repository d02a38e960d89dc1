package dev.indexqueue.index.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.lucene.queryparser.classic.ParseException;
import org.junit.jupiter.api.Test;

/** The code-search syntax: operators literal, the rest of Lucene's syntax kept. */
class CodeQueryParserTest {

  private static String parsed(String q) throws ParseException {
    return String.valueOf(new CodeQueryParser(new CodeAnalyzer()).parseCode(q));
  }

  @Test
  void operatorRunsAreLiteral() {
    assertThat(CodeQueryParser.literalize("|+|")).isEqualTo("\\|\\+\\|");
    assertThat(CodeQueryParser.literalize("<*> *> :: -> && || ! ===  >>="))
        .isEqualTo("<\\*> \\*> \\:\\: \\-> \\&\\& \\|\\| \\! ===  >>=");
    assertThat(CodeQueryParser.literalize("^ ~> a^b /")).isEqualTo("\\^ \\~> a\\^b \\/");
    // a leading + or - before an operator is part of it (+/- is not "required /-")
    assertThat(CodeQueryParser.literalize("+/- -/ +-")).isEqualTo("\\+\\/\\- \\-\\/ \\+\\-");
    assertThat(CodeQueryParser.literalize("-/re[a-z]/")).isEqualTo("-/re[a-z]/");
  }

  @Test
  void theRestOfTheSyntaxIsKept() {
    assertThat(CodeQueryParser.literalize("path:java OR path:c")).isEqualTo("path:java OR path:c");
    assertThat(CodeQueryParser.literalize("getUserName -nothing +must"))
        .isEqualTo("getUserName -nothing +must");
    assertThat(CodeQueryParser.literalize("(a OR b) AND NOT c")).isEqualTo("(a OR b) AND NOT c");
    assertThat(CodeQueryParser.literalize("\"a b\"~2 \"x\"^3 foo~ bar^2 *Decoder get?ame"))
        .isEqualTo("\"a b\"~2 \"x\"^3 foo~ bar^2 *Decoder get?ame");
    assertThat(CodeQueryParser.literalize("/re[a-z]+/")).isEqualTo("/re[a-z]+/");
    assertThat(CodeQueryParser.literalize("-(a b) -\"c d\"")).isEqualTo("-(a b) -\"c d\"");
  }

  @Test
  void codeInsideWordsIsLiteral() {
    assertThat(CodeQueryParser.literalize("f(x) List[Int] Foo::bar a-b"))
        .isEqualTo("f\\(x\\) List\\[Int\\] Foo\\:\\:bar a\\-b");
    assertThat(CodeQueryParser.literalize("(f(x))")).isEqualTo("(f\\(x\\))");
    assertThat(CodeQueryParser.literalize("\"open")).isEqualTo("\\\"open");
  }

  @Test
  void termsBecomeWordQueriesAlignedWithTheIndex() throws ParseException {
    assertThat(parsed("|+|")).isEqualTo("content:|+| path:|+|");
    // the whole identifier or the run of its parts, in either field
    assertThat(parsed("UserName"))
        .isEqualTo("(content:username path:username) (content:\"user name\" path:\"user name\")");
    assertThat(parsed("\"UserName\"")).isEqualTo("content:username path:username");
    // words of a term or a phrase sit where the index puts them: two positions per word
    assertThat(parsed("Map.empty")).isEqualTo("content:\"map ? empty\" path:\"map ? empty\"");
    assertThat(parsed("\"get userName x\""))
        .isEqualTo("content:\"get ? username ? ? x\" path:\"get ? username ? ? x\"");
    assertThat(parsed(". ;")).isEqualTo("null");
  }
}
