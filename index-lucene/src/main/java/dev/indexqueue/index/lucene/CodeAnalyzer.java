package dev.indexqueue.index.lucene;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterIterator;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * Analysis for source code: Unicode word tokens, then split at case changes, underscores,
 * punctuation and letter/digit boundaries while keeping the original token, lowercased. {@code
 * getUserName} gives {@code getusername, get, user, name}. At index time the token graph is
 * flattened (the index cannot store graphs); at query time it is kept so the query parser builds
 * correct graph queries. Thread-safe (Lucene reuses components per thread).
 */
final class CodeAnalyzer extends Analyzer {
  static final int FLAGS =
      WordDelimiterGraphFilter.GENERATE_WORD_PARTS
          | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
          | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE
          | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS
          | WordDelimiterGraphFilter.PRESERVE_ORIGINAL;

  private final boolean indexTime;

  /**
   * Creates the analyzer.
   *
   * @param indexTime whether to flatten the token graph (for the index writer)
   */
  CodeAnalyzer(boolean indexTime) {
    this.indexTime = indexTime;
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer source = new StandardTokenizer();
    TokenStream ts =
        new WordDelimiterGraphFilter(
            source, true, WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE, FLAGS, null);
    ts = new LowerCaseFilter(ts);
    if (indexTime) {
      ts = new FlattenGraphFilter(ts);
    }
    return new TokenStreamComponents(source, ts);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(in);
  }
}
