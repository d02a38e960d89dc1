package dev.indexqueue.internal;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.WorkspaceSource;
import java.util.List;

/** Compares a workspace's documents with its source of truth. Stateless and thread-safe. */
final class IndexStatusCalculator {
  private IndexStatusCalculator() {}

  static IndexStatus compute(String workspace, WorkspaceSource source, List<IndexedDocument> docs) {
    return IndexStatus.compare(workspace, source, docs);
  }
}
