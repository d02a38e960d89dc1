package dev.indexqueue.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The source of truth of workspaces: lists and reads their files. {@code REINDEX_WORKSPACE} and the
 * index status compare the index with it. Implementations must be thread-safe.
 */
public interface WorkspaceSource {

  /**
   * Lists the indexable files of a workspace, sorted by path. A workspace that does not exist has
   * no files.
   *
   * @param workspace a valid workspace name
   * @throws UncheckedIOException when the listing fails
   */
  List<SourceFile> list(String workspace);

  /**
   * Lists the indexable files of a workspace and the files skipped with their reason, in one walk.
   * The default lists the files and reports no skipped file; a source that can tell why it skips a
   * file overrides it.
   *
   * @param workspace a valid workspace name
   * @throws UncheckedIOException when the listing fails
   */
  default SourceListing listing(String workspace) {
    return new SourceListing(list(workspace), List.of());
  }

  /**
   * Reads one file as text.
   *
   * @param workspace a valid workspace name
   * @param path a valid path
   * @return the text, or empty when the file does not exist (any more) or is not indexable
   * @throws IOException when reading fails
   */
  Optional<String> read(String workspace, String path) throws IOException;

  /** A source with no workspaces; REINDEX_WORKSPACE is refused when the service has only this. */
  static WorkspaceSource none() {
    return NoSource.INSTANCE;
  }
}

/** The empty source. */
enum NoSource implements WorkspaceSource {
  INSTANCE;

  @Override
  public List<SourceFile> list(String workspace) {
    return List.of();
  }

  @Override
  public Optional<String> read(String workspace, String path) {
    return Optional.empty();
  }
}
