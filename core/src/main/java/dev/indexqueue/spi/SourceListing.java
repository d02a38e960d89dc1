package dev.indexqueue.spi;

import java.util.List;

/**
 * What one walk of a workspace found: the indexable files and the files skipped with their reason.
 * Immutable and thread-safe.
 *
 * @param files the indexable files, sorted by path (what {@link WorkspaceSource#list} returns)
 * @param skipped the skipped files, sorted by path
 */
public record SourceListing(List<SourceFile> files, List<SkippedFile> skipped) {
  /** Copies the lists. */
  public SourceListing {
    files = List.copyOf(files);
    skipped = List.copyOf(skipped);
  }
}
