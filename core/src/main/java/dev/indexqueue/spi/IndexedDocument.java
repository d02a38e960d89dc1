package dev.indexqueue.spi;

import java.util.Objects;

/**
 * What a backend holds for one document, for status and contract checks. Immutable and thread-safe.
 *
 * @param path the document path
 * @param contentHash {@link ContentHash#of(String)} of the indexed content
 * @param contentLength the content's length in characters
 */
public record IndexedDocument(String path, String contentHash, long contentLength) {
  /** Validates the record. */
  public IndexedDocument {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(contentHash, "contentHash");
  }
}
