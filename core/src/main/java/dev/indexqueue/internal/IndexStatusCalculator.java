package dev.indexqueue.internal;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Compares a workspace's documents with its source of truth. Stateless and thread-safe. */
final class IndexStatusCalculator {
  private IndexStatusCalculator() {}

  static IndexStatus compute(String workspace, WorkspaceSource source, List<IndexedDocument> docs) {
    Map<String, IndexedDocument> indexed = new HashMap<>();
    for (IndexedDocument d : docs) {
      indexed.put(d.path(), d);
    }
    List<SourceFile> files = source.list(workspace);
    int upToDate = 0;
    TreeSet<String> missing = new TreeSet<>();
    for (SourceFile f : files) {
      IndexedDocument d = indexed.remove(f.path());
      if (d != null && sameContent(source, workspace, f, d)) {
        upToDate++;
      } else {
        missing.add(f.path());
      }
    }
    TreeSet<String> extra = new TreeSet<>(indexed.keySet());
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
    return new IndexStatus(
        workspace,
        fs,
        docs.size(),
        upToDate,
        missing.size(),
        extra.size(),
        coverage,
        first(missing),
        first(extra));
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

  private static List<String> first(TreeSet<String> paths) {
    List<String> out = new ArrayList<>(Math.min(paths.size(), IndexStatus.PATH_LIST_LIMIT));
    for (String p : paths) {
      if (out.size() == IndexStatus.PATH_LIST_LIMIT) {
        break;
      }
      out.add(p);
    }
    return out;
  }
}
