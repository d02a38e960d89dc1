package dev.indexqueue.index.lucene.internal;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;

/**
 * Analysis for source code: the {@link CodeTokenizer}'s words (identifiers, operators,
 * annotations), each followed by its camelCase / snake_case parts, lower-cased. {@code getUserName}
 * gives {@code getusername} then {@code get, user, name}; {@code |+|} gives {@code |+|}; <code>
 * &#64;tailrec</code> gives <code>&#64;tailrec, tailrec</code>. The same stream serves the index
 * and the queries (the parts are laid out flat, so no graph needs flattening). Thread-safe (Lucene
 * reuses components per thread).
 */
final class CodeAnalyzer extends Analyzer {

  /** Creates the analyzer. */
  CodeAnalyzer() {}

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    return new TokenStreamComponents(new CodeTokenizer());
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(in);
  }
}
