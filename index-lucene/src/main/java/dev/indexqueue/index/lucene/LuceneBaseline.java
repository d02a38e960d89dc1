package dev.indexqueue.index.lucene;

import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.spi.ContentHash;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.FSDirectory;

/**
 * The backend's index format for code that writes the same index without the service: the
 * index-time analyzer, the document of an {@code INDEX_FILE} task, its update key and the writer
 * settings. Stateless and thread-safe; it guarantees the very code and settings the backend uses
 * (it calls the backend's own methods), so a raw-Lucene baseline built from it (the benchmarks'
 * comparisons) cannot drift from the backend. Not for applications: the service writes the index.
 */
public final class LuceneBaseline {
  private LuceneBaseline() {}

  /** A new index-time analyzer, as the backend's writer uses. */
  public static Analyzer indexAnalyzer() {
    return CodeSearch.analyzer();
  }

  /** The document the backend stores for an {@code INDEX_FILE} task (content hash included). */
  public static Document document(String workspace, String path, String content) {
    return LuceneIndexBackend.document(workspace, path, content, ContentHash.of(content));
  }

  /** The update key of (workspace, path). */
  public static Term idTerm(String workspace, String path) {
    return LuceneIndexBackend.idTerm(workspace, path);
  }

  /**
   * Opens a writer as the backend does: {@code FSDirectory.open}, the index analyzer, the default
   * RAM buffer ({@value LuceneIndexOptions#DEFAULT_RAM_BUFFER_MB} MB), no commit on close.
   */
  public static IndexWriter openWriter(Path dir) throws IOException {
    IndexWriterConfig cfg =
        new IndexWriterConfig(indexAnalyzer())
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
            .setRAMBufferSizeMB(LuceneIndexOptions.DEFAULT_RAM_BUFFER_MB)
            .setCommitOnClose(false);
    return new IndexWriter(FSDirectory.open(dir), cfg);
  }
}
