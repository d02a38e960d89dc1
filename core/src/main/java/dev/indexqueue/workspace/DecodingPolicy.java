package dev.indexqueue.workspace;

/**
 * What {@link FileSystemWorkspaceSource} does with bytes that are not valid UTF-8. Immutable and
 * thread-safe.
 */
public enum DecodingPolicy {
  /**
   * A file with undecodable bytes is not indexable: it is treated like a binary file and skipped.
   */
  REJECT,
  /** Undecodable bytes are replaced by U+FFFD and the file is indexed. */
  REPLACE
}
