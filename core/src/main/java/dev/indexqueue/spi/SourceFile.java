package dev.indexqueue.spi;

import java.util.Objects;

/**
 * A file of a workspace's source of truth, as listed by a {@link WorkspaceSource}. Immutable and
 * thread-safe.
 *
 * @param path the path relative to the workspace root, {@code /}-separated
 * @param size the size in bytes
 * @param lastModifiedMillis the modification time, in milliseconds since the epoch
 */
public record SourceFile(String path, long size, long lastModifiedMillis) {
  /** Validates the record. */
  public SourceFile {
    Objects.requireNonNull(path, "path");
  }
}
