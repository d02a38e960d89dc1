package dev.indexqueue.index.solr.plugin;

import dev.indexqueue.index.lucene.internal.CodeSearch;
import java.util.Map;
import org.apache.lucene.analysis.TokenizerFactory;
import org.apache.lucene.util.AttributeFactory;

/**
 * The code tokenizer of the Lucene backend as a Solr (Lucene) tokenizer factory: the configset's
 * field type {@code code} is this tokenizer alone, so Solr indexes {@code content} and {@code path}
 * token for token as the Lucene backend does (identifiers whole and by parts, operator runs,
 * annotations, lower-cased, with the backend's positions and offsets). It takes no arguments.
 * Thread-safe (a factory); the tokenizers it creates are not, as usual.
 *
 * <p>Loaded by the Solr nodes from this module's jar ({@code <tokenizer
 * class="dev.indexqueue.index.solr.plugin.CodeTokenizerFactory"/>}): see the module's README.md for
 * what a Solr deployment needs on its class path.
 */
public final class CodeTokenizerFactory extends TokenizerFactory {
  /** The SPI name. */
  public static final String NAME = "indexqueueCode";

  /**
   * Creates the factory.
   *
   * @param args the arguments from the schema: none is accepted
   * @throws IllegalArgumentException naming the arguments when there are any
   */
  public CodeTokenizerFactory(Map<String, String> args) {
    super(args);
    if (!args.isEmpty()) {
      throw new IllegalArgumentException(
          "the indexqueue code tokenizer takes no parameters, was given: " + args.keySet());
    }
  }

  /** For Lucene's SPI only: refuses. */
  public CodeTokenizerFactory() {
    throw defaultCtorException();
  }

  @Override
  public org.apache.lucene.analysis.Tokenizer create(AttributeFactory factory) {
    return CodeSearch.tokenizer(factory);
  }
}
