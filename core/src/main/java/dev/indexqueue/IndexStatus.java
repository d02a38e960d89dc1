package dev.indexqueue;

import java.util.List;

/**
 * How the index of one workspace compares with its source of truth. Immutable and thread-safe.
 *
 * @param workspace the workspace
 * @param filesystemFiles files in the source
 * @param indexedFiles documents in the index
 * @param upToDate source files whose indexed document has the same content
 * @param missingFiles source files without a document, or whose document has other content
 * @param extraIndexed documents without a source file
 * @param indexCoverage {@code upToDate} as a percentage of {@code filesystemFiles}; 100.0 when both
 *     the source and the index are empty, 0.0 when the source is empty but the index is not
 * @param missingPaths some of the missing paths (at most {@link #PATH_LIST_LIMIT}), sorted
 * @param extraPaths some of the extra paths (at most {@link #PATH_LIST_LIMIT}), sorted
 */
public record IndexStatus(
    String workspace,
    int filesystemFiles,
    int indexedFiles,
    int upToDate,
    int missingFiles,
    int extraIndexed,
    double indexCoverage,
    List<String> missingPaths,
    List<String> extraPaths) {

  /** The most paths listed in {@code missingPaths} and {@code extraPaths}. */
  public static final int PATH_LIST_LIMIT = 100;

  /** Copies the lists. */
  public IndexStatus {
    missingPaths = List.copyOf(missingPaths);
    extraPaths = List.copyOf(extraPaths);
  }

  /** Whether the index equals the source: nothing missing, nothing extra, nothing stale. */
  public boolean isComplete() {
    return missingFiles == 0 && extraIndexed == 0 && upToDate == filesystemFiles;
  }
}
