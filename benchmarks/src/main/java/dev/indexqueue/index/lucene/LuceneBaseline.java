package dev.indexqueue.index.lucene;

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
 * What a raw-Lucene baseline needs to do exactly what {@link LuceneIndexBackend} does per task: the
 * same index-time {@link CodeAnalyzer}, the same document fields (built by the backend's own code)
 * and update key, and the same writer settings (directory type, RAM buffer). Lives in the backend's
 * package, in the benchmarks jar only, so the comparison cannot drift from the backend.
 */
public final class LuceneBaseline {
  private LuceneBaseline() {}

  /** A new index-time analyzer, as the backend's writer uses. */
  public static Analyzer indexAnalyzer() {
    return new CodeAnalyzer();
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
