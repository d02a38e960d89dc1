package dev.indexqueue;

import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.SkippedFile;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.SourceListing;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How the index of one workspace compares with its source of truth. Immutable and thread-safe.
 *
 * <p>Every file of the source is in exactly one of {@code upToDate}, {@code staleFiles} and {@code
 * missingFiles}; every document of the index is either one of a file's ({@code upToDate} or {@code
 * staleFiles}) or {@code extraIndexed}. {@code isUpToDate} is true exactly when nothing is missing,
 * stale or extra. Skipped files (binary, too large, unreadable, an unsupported name, a link out of
 * the workspace) are not files of the source: they are counted apart, with their reason, so that a
 * status can be up to date and still say what it leaves out.
 *
 * @param workspace the workspace
 * @param filesystemFiles indexable files in the source
 * @param indexedFiles documents in the index
 * @param upToDate source files whose indexed document has the same content
 * @param missingFiles source files without a document
 * @param staleFiles source files whose document has other content
 * @param extraIndexed documents without a source file
 * @param skippedFiles files the source skips (see {@link #skipped})
 * @param isUpToDate whether nothing is missing, stale or extra
 * @param indexCoverage {@code upToDate} as a percentage of {@code filesystemFiles}, rounded down to
 *     99.9 unless every file is up to date; 100.0 when both the source and the index are empty, 0.0
 *     when the source is empty but the index is not
 * @param missingPaths the missing paths, sorted
 * @param stalePaths the stale paths, sorted
 * @param extraPaths the extra paths, sorted
 * @param skipped the skipped files with their reason, sorted by path
 */
public record IndexStatus(
    String workspace,
    int filesystemFiles,
    int indexedFiles,
    int upToDate,
    int missingFiles,
    int staleFiles,
    int extraIndexed,
    int skippedFiles,
    boolean isUpToDate,
    double indexCoverage,
    List<String> missingPaths,
    List<String> stalePaths,
    List<String> extraPaths,
    List<SkippedFile> skipped) {

  /** Copies the lists and checks that the counts agree with them. */
  public IndexStatus {
    missingPaths = List.copyOf(missingPaths);
    stalePaths = List.copyOf(stalePaths);
    extraPaths = List.copyOf(extraPaths);
    skipped = List.copyOf(skipped);
    if (missingPaths.size() != missingFiles
        || stalePaths.size() != staleFiles
        || extraPaths.size() != extraIndexed
        || skipped.size() != skippedFiles) {
      throw new IllegalArgumentException(
          "IndexStatus: the counts must equal the sizes of the path lists");
    }
    if (isUpToDate != (missingFiles == 0 && staleFiles == 0 && extraIndexed == 0)) {
      throw new IllegalArgumentException(
          "isUpToDate: must be true exactly when nothing is missing, stale or extra, was: "
              + isUpToDate);
    }
  }

  /** Same as {@link #isUpToDate()}; kept for earlier callers. */
  public boolean isComplete() {
    return isUpToDate;
  }

  /**
   * Compares the documents of a workspace with its source: one walk of the source ({@link
   * WorkspaceSource#listing}), every listed file read and hashed.
   *
   * @param workspace the workspace
   * @param source its source of truth
   * @param docs the workspace's documents in the index
   * @throws UncheckedIOException when a file cannot be read
   */
  public static IndexStatus compare(
      String workspace, WorkspaceSource source, List<IndexedDocument> docs) {
    Map<String, IndexedDocument> indexed = new HashMap<>();
    for (IndexedDocument d : docs) {
      indexed.put(d.path(), d);
    }
    SourceListing listing = source.listing(workspace);
    List<SourceFile> files = listing.files();
    int upToDate = 0;
    List<String> missing = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (SourceFile f : files) {
      IndexedDocument d = indexed.remove(f.path());
      if (d == null) {
        missing.add(f.path());
      } else if (sameContent(source, workspace, f, d)) {
        upToDate++;
      } else {
        stale.add(f.path());
      }
    }
    List<String> extra = new ArrayList<>(new TreeSet<>(indexed.keySet()));
    int fs = files.size();
    double coverage;
    if (fs == 0) {
      coverage = extra.isEmpty() ? 100.0 : 0.0;
    } else {
      coverage = Math.round(upToDate * 1000.0 / fs) / 10.0;
      if (coverage == 100.0 && upToDate < fs) {
        coverage = 99.9;
      }
    }
    missing.sort(null);
    stale.sort(null);
    return new IndexStatus(
        workspace,
        fs,
        docs.size(),
        upToDate,
        missing.size(),
        stale.size(),
        extra.size(),
        listing.skipped().size(),
        missing.isEmpty() && stale.isEmpty() && extra.isEmpty(),
        coverage,
        missing,
        stale,
        extra,
        listing.skipped());
  }

  private static boolean sameContent(
      WorkspaceSource source, String workspace, SourceFile f, IndexedDocument d) {
    try {
      Optional<String> text = source.read(workspace, f.path());
      return text.isPresent() && ContentHash.of(text.get()).equals(d.contentHash());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + workspace + "/" + f.path(), e);
    }
  }
}
