package dev.indexqueue.index.lucene;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.PermanentBackendException;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.TransientBackendException;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NRTCachingDirectory;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene {@link IndexBackend}: one {@link IndexWriter} over one directory, with an NRT {@link
 * SearcherManager}. Thread-safe as {@link IndexBackend} requires: {@code apply} runs concurrently
 * from lanes, {@code commit} and {@code makeVisible} concurrently with it. This class owns the
 * writer, its searchers and their lifecycle; the read side (search, documents, workspaces, line
 * matching) lives in {@link LuceneReads}, which borrows searchers from it.
 *
 * <p>Each document holds: {@code id} (workspace + NUL + path, the update key), {@code workspace},
 * {@code path} (analyzed, for search by file name and extension), {@code path_key} (stored and
 * sorted doc values), {@code content} (analyzed and stored, for matching lines), {@code hash}
 * ({@link ContentHash}) and {@code length}.
 *
 * <p>Failure handling: when the writer suffers a tragic failure (it closes itself; a full disk or a
 * failing device, say), the backend rolls back, reopens a writer from the last commit and throws
 * {@link BackendStateLostException}. From then on it refuses {@code apply}, {@code commit} and
 * {@code makeVisible} with that exception until the core calls {@link #startReplay()} (the replay
 * handshake) to replay from the committed checkpoint, so that no commit can record a checkpoint
 * covering work the rollback lost. Other I/O failures are {@link TransientBackendException}s.
 *
 * <p>The checkpoint vector is stored in the commit user data under {@value
 * LuceneIndexBackendProvider#CHECKPOINT_KEY} in {@link Checkpoint}'s text form. An index written
 * before partitions existed holds a single number there; it reads as a checkpoint of one partition
 * with one band.
 */
final class LuceneIndexBackend implements IndexBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneIndexBackend.class);

  static final String F_ID = "id";
  static final String F_WORKSPACE = "workspace";
  static final String F_PATH = CodeSearch.PATH;
  static final String F_PATH_KEY = "path_key";
  static final String F_CONTENT = CodeSearch.CONTENT;
  static final String F_HASH = "hash";
  static final String F_LENGTH = "length";

  private static final FieldType CONTENT_TYPE = new FieldType(TextField.TYPE_STORED);

  static {
    CONTENT_TYPE.freeze();
  }

  private final Directory directory;
  private final String where;
  private final LuceneIndexOptions options;
  private final int maxBufferedDocs;

  /** The shards of the index this one is a shard of (stored with each commit), or 1. */
  private final int shardCount;

  /** The shards per partition of the index this one is a shard of (stored with each commit). */
  private final int perPartition;

  private final Analyzer indexAnalyzer = CodeSearch.analyzer();
  private final LuceneReads reads = new LuceneReads(this::withSearcher);
  private final PreAnalysis preAnalysis;

  /** How many lanes are inside {@link #apply} now. */
  private final java.util.concurrent.atomic.AtomicInteger applying =
      new java.util.concurrent.atomic.AtomicInteger();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** The open writer and its searchers; null after a failed reopen. Guarded by {@link #lock}. */
  private Writer current;

  private volatile Checkpoint committed = Checkpoint.none();

  /** The checkpoint of the last commit before the last refresh: what the searchers see. */
  private volatile Checkpoint visible = Checkpoint.none();

  private volatile boolean replayPending;
  private volatile boolean closed;

  /** Opened by {@link #openReadOnly}: no writer, searches see the last commit. */
  private final boolean readOnly;

  /** A writer and the NRT searchers over it. */
  private record Writer(IndexWriter writer, SearcherManager searchers) {}

  /**
   * Opens the backend over {@code directory}, which it owns and closes.
   *
   * @param directory the Lucene directory
   * @param where the directory's description for messages
   * @param options the settings
   * @param maxBufferedDocs flush after this many documents (tests), or 0 to flush by RAM only
   */
  LuceneIndexBackend(
      Directory directory, String where, LuceneIndexOptions options, int maxBufferedDocs) {
    this(directory, where, options, maxBufferedDocs, 1);
  }

  /** One shard of an index of {@code shardCount} shards, one per partition. */
  LuceneIndexBackend(
      Directory directory,
      String where,
      LuceneIndexOptions options,
      int maxBufferedDocs,
      int shardCount) {
    this(directory, where, options, maxBufferedDocs, shardCount, 1);
  }

  /**
   * Opens one shard of a {@link ShardedLuceneBackend} (or, with {@code shardCount} 1, a whole
   * index), as {@link #LuceneIndexBackend(Directory, String, LuceneIndexOptions, int)} does; every
   * commit also stores {@code shardCount} under {@value LuceneIndexBackendProvider#SHARDS_KEY} and,
   * when more than 1, {@code perPartition} under {@value
   * LuceneIndexBackendProvider#SHARDS_PER_PARTITION_KEY}.
   */
  LuceneIndexBackend(
      Directory directory,
      String where,
      LuceneIndexOptions options,
      int maxBufferedDocs,
      int shardCount,
      int perPartition) {
    this.directory = directory;
    this.where = where;
    this.options = options;
    this.maxBufferedDocs = maxBufferedDocs;
    this.shardCount = shardCount;
    this.perPartition = perPartition;
    this.readOnly = false;
    this.preAnalysis =
        new PreAnalysis(
            indexAnalyzer,
            F_CONTENT,
            options.analysisThreads(),
            "indexqueue-lucene-analysis",
            Runtime.getRuntime().availableProcessors());
    try {
      this.current = openWriter(true);
    } catch (IOException e) {
      preAnalysis.close();
      closeQuietly(directory);
      throw new UncheckedIOException("cannot open the Lucene index at " + where, e);
    } catch (RuntimeException e) {
      preAnalysis.close();
      closeQuietly(directory);
      throw e;
    }
  }

  /**
   * Opens the committed index read-only: no writer and no write lock, so it works while another
   * process writes; searches see the last commit, and {@link #makeVisible} moves to the newest
   * commit. {@code apply} and {@code commit} are refused.
   */
  private LuceneIndexBackend(Directory directory, String where, SearcherManager committed) {
    this.directory = directory;
    this.where = where;
    this.options = LuceneIndexOptions.of(Path.of(where)).withAnalysisThreads(0);
    this.maxBufferedDocs = 0;
    this.shardCount = 1;
    this.perPartition = 1;
    this.readOnly = true;
    this.preAnalysis = new PreAnalysis(indexAnalyzer, F_CONTENT, 0, "unused", 1);
    this.current = new Writer(null, committed);
  }

  /**
   * Opens an existing index read-only (see the private constructor): nothing is created or locked.
   *
   * @throws IllegalArgumentException naming {@code directory} when it holds no index
   * @throws IllegalStateException when the index is corrupt
   * @throws UncheckedIOException when it cannot be read
   */
  static LuceneIndexBackend openReadOnly(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("directory: holds no index (does not exist): " + dir);
    }
    Directory d = null;
    try {
      d = FSDirectory.open(dir);
      if (!DirectoryReader.indexExists(d)) {
        throw new IllegalArgumentException("directory: holds no index yet: " + dir);
      }
      DirectoryReader reader = DirectoryReader.open(d);
      try {
        checkAnalysis(
            dir.toString(), reader.getIndexCommit().getUserData().entrySet(), reader.numDocs());
      } catch (RuntimeException e) {
        reader.close();
        throw e;
      }
      return new LuceneIndexBackend(d, dir.toString(), new SearcherManager(reader, null));
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      closeQuietly(d);
      throw new IllegalStateException(
          "the Lucene index at " + dir + " is corrupt or unreadable (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      closeQuietly(d);
      throw new UncheckedIOException("cannot read the Lucene index at " + dir, e);
    } catch (RuntimeException e) {
      closeQuietly(d);
      throw e;
    }
  }

  static LuceneIndexBackend open(LuceneIndexOptions options) {
    Path dir = options.directory().toAbsolutePath().normalize();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("directory: must be a directory, was: " + dir);
    }
    return new LuceneIndexBackend(writerDirectory(dir), dir.toString(), options, 0);
  }

  /** Segments this small stay in memory until merged or committed ({@link #writerDirectory}). */
  private static final double CACHED_SEGMENT_MB = 2;

  /**
   * The most memory the newly flushed small segments of one writer take ({@link #writerDirectory}).
   */
  private static final double CACHED_MB = 16;

  /**
   * The directory a writer uses in {@code dir} (created when missing): Lucene's {@link
   * NRTCachingDirectory} over the file system, so the small segments a refresh flushes stay in
   * memory until merged or committed (a commit writes and syncs them). A refresh of a few documents
   * then costs no file creations: measured on 2 cores, 4 documents then a refresh, 2.6 ms instead
   * of 6.0 ms per round (one writer), 8.8 instead of 16.2 ms (four).
   */
  static Directory writerDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      return new NRTCachingDirectory(FSDirectory.open(dir), CACHED_SEGMENT_MB, CACHED_MB);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot create or open " + dir, e);
    }
  }

  // ------------------------------------------------------------------------------ open

  private Writer openWriter(boolean initial) throws IOException {
    boolean exists = DirectoryReader.indexExists(directory);
    if (!exists && initial) {
      for (String f : directory.listAll()) {
        if (isIndexFile(f)) {
          throw new IllegalStateException(
              "the Lucene index at "
                  + where
                  + " is corrupt: it holds index files (such as "
                  + f
                  + ") but no commit point; refusing to create a new index over it. Restore it"
                  + " or delete the directory to rebuild the index");
        }
      }
    }
    IndexWriterConfig cfg =
        new IndexWriterConfig(indexAnalyzer)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
            .setRAMBufferSizeMB(options.ramBufferMB())
            .setCommitOnClose(false);
    if (maxBufferedDocs > 0) {
      cfg.setMaxBufferedDocs(maxBufferedDocs);
    }
    IndexWriter w;
    try {
      w = new IndexWriter(directory, cfg);
    } catch (LockObtainFailedException e) {
      throw new IllegalStateException(
          "the Lucene index at "
              + where
              + " is locked by another writer (another backend in this or another process uses"
              + " it): "
              + e.getMessage(),
          e);
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      throw corrupt(e);
    }
    try {
      Checkpoint cp = Checkpoint.none();
      if (!exists) {
        // an empty first commit: from now on index files without a commit point mean corruption
        w.setLiveCommitData(commitData(cp));
        w.commit();
      } else {
        checkAnalysis(where, w.getLiveCommitData(), w.getDocStats().numDocs);
        cp = readCheckpoint(w);
      }
      SearcherManager sm = new SearcherManager(w, true, false, null);
      committed = cp;
      if (visible.isNone()) {
        visible = cp; // the first searcher shows the last commit
      }
      return new Writer(w, sm);
    } catch (CorruptIndexException e) {
      rollbackQuietly(w);
      throw corrupt(e);
    } catch (IOException | RuntimeException e) {
      rollbackQuietly(w);
      throw e;
    }
  }

  /** Whether {@code name} is a file Lucene writes for an index (a segment or a commit point). */
  static boolean isIndexFile(String name) {
    return name.startsWith("_")
        || name.startsWith("segments")
        || name.startsWith("pending_segments");
  }

  /**
   * What every commit stores besides the documents: the checkpoint, the analysis version and, for a
   * shard, the number of shards and (when more than 1) of shards per partition.
   */
  private Iterable<Map.Entry<String, String>> commitData(Checkpoint cp) {
    Map<String, String> data = new HashMap<>();
    data.put(LuceneIndexBackendProvider.CHECKPOINT_KEY, cp.encode());
    data.put(LuceneIndexBackendProvider.ANALYSIS_KEY, LuceneIndexBackendProvider.ANALYSIS_VERSION);
    if (shardCount > 1) {
      data.put(LuceneIndexBackendProvider.SHARDS_KEY, Integer.toString(shardCount));
    }
    if (perPartition > 1) {
      data.put(LuceneIndexBackendProvider.SHARDS_PER_PARTITION_KEY, Integer.toString(perPartition));
    }
    return data.entrySet();
  }

  /**
   * Refuses an index whose documents were analysed by another version of the code analysis:
   * searches would miss what they should find. An empty index takes the current version at its next
   * commit.
   */
  static void checkAnalysis(String where, Iterable<Map.Entry<String, String>> data, int docs) {
    String version = "1";
    if (data != null) {
      for (Map.Entry<String, String> e : data) {
        if (LuceneIndexBackendProvider.ANALYSIS_KEY.equals(e.getKey())) {
          version = e.getValue();
        }
      }
    }
    if (docs > 0 && !LuceneIndexBackendProvider.ANALYSIS_VERSION.equals(version)) {
      throw new IllegalStateException(
          "the Lucene index at "
              + where
              + " was built with code analysis version "
              + version
              + ", this version analyses code differently (version "
              + LuceneIndexBackendProvider.ANALYSIS_VERSION
              + ") and its searches would miss what they should find; rebuild the index: delete"
              + " the directory and index the workspaces again from their files (the indexq tool:"
              + " indexq repair)");
    }
  }

  private Checkpoint readCheckpoint(IndexWriter w) {
    Iterable<Map.Entry<String, String>> data = w.getLiveCommitData();
    if (data == null) {
      return Checkpoint.none();
    }
    for (Map.Entry<String, String> e : data) {
      if (LuceneIndexBackendProvider.CHECKPOINT_KEY.equals(e.getKey())) {
        return parseCheckpoint(e.getValue());
      }
    }
    return Checkpoint.none();
  }

  /** A checkpoint from commit user data ({@code null}: none). */
  private Checkpoint parseCheckpoint(String v) {
    if (v == null) {
      return Checkpoint.none();
    }
    try {
      if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
        // written before partitions existed: one log
        return Checkpoint.of(1, 1, Long.parseLong(v));
      }
      return Checkpoint.parse(v);
    } catch (IllegalArgumentException x) {
      throw new IllegalStateException(
          "the Lucene index at "
              + where
              + " has an invalid checkpoint in its commit data: \""
              + v
              + "\"",
          x);
    }
  }

  private IllegalStateException corrupt(IOException e) {
    return new IllegalStateException(
        "the Lucene index at "
            + where
            + " is corrupt or unreadable ("
            + e.getMessage()
            + "); refusing to recreate it. Restore it or delete the directory to rebuild the index",
        e);
  }

  // ------------------------------------------------------------------------------ writer access

  /** Returns the writer with the read lock held, reopening it first when a reopen failed. */
  private Writer enter() {
    if (readOnly) {
      throw new UnsupportedOperationException(
          "the Lucene index at " + where + " was opened read-only");
    }
    while (true) {
      lock.readLock().lock();
      boolean entered = false;
      try {
        ensureOpen();
        if (replayPending) {
          throw new BackendStateLostException(
              "the Lucene index at "
                  + where
                  + " lost uncommitted work and waits for a replay from checkpoint "
                  + committed,
              null);
        }
        if (current != null) {
          entered = true;
          return current;
        }
      } finally {
        if (!entered) {
          lock.readLock().unlock();
        }
      }
      reopen();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the Lucene backend at " + where + " is closed");
    }
  }

  /** Opens a writer when there is none; on failure asks for a replay. */
  private void reopen() {
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (current != null) {
        return;
      }
      try {
        current = openWriter(false);
        LOG.info("reopened the Lucene index at {} from checkpoint {}", where, committed);
      } catch (IOException | RuntimeException e) {
        replayPending = true;
        throw new BackendStateLostException(
            "the Lucene index at " + where + " cannot be reopened: " + e, e);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Classifies a failure of {@code w}: a tragic one resets the writer and throws {@link
   * BackendStateLostException}; other I/O failures are transient; anything else is rethrown.
   */
  private RuntimeException failure(Writer w, Throwable t, String operation) {
    if (closed) {
      return new IllegalStateException("the Lucene backend at " + where + " is closed", t);
    }
    Throwable tragedy = w.writer().getTragicException();
    if (tragedy != null || !w.writer().isOpen() || t instanceof AlreadyClosedException) {
      reset(w, tragedy != null ? tragedy : t);
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
      return new BackendStateLostException(
          "the Lucene index writer at "
              + where
              + " failed during "
              + operation
              + " ("
              + (tragedy != null ? tragedy : t)
              + "); rolled back to the last commit (checkpoint "
              + committed
              + "): the uncommitted work must be replayed",
          t);
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      return new TransientBackendException(
          "I/O failure during " + operation + " on the Lucene index at " + where + ": " + t, t);
    }
    return (RuntimeException) t;
  }

  /** Drops a failed writer and opens a new one from the last commit. */
  private void reset(Writer failed, Throwable cause) {
    lock.writeLock().lock();
    try {
      if (current != failed || closed) {
        return; // already reset by another thread
      }
      LOG.warn(
          "the Lucene index writer at {} failed ({}); rolling back to the last commit",
          where,
          cause.toString());
      current = null;
      replayPending = true;
      closeQuietly(failed.searchers());
      rollbackQuietly(failed.writer());
      try {
        current = openWriter(false);
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot reopen the Lucene index at {} yet: {}", where, e.toString());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------ apply

  /**
   * Applies task {@code i} of a batch that a {@link ShardedLuceneBackend} spreads over its shards;
   * fails as {@link #apply} does.
   */
  void applyTask(IndexTask task, WorkspaceSource source, PreAnalysis.Pending analysed, int i) {
    withWriter("apply", w -> applyOne(w, task, source, analysed, i));
  }

  /** What {@link #withWriter} runs with the writer. */
  @FunctionalInterface
  private interface WriterCall {
    void run(Writer w) throws IOException;
  }

  /**
   * Runs {@code call} with the writer and the read lock held; a failure is classified by {@link
   * #failure} (a tragic one resets the writer) once the lock is released.
   */
  private void withWriter(String operation, WriterCall call) {
    Writer w = enter();
    Throwable failure = null;
    try {
      call.run(w);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    } finally {
      lock.readLock().unlock();
    }
    if (failure != null) {
      throw failure(w, failure, operation);
    }
  }

  @Override
  public void apply(Batch batch) {
    withWriter(
        "apply",
        w -> {
          int lanes = applying.incrementAndGet();
          try {
            List<QueuedTask> tasks = batch.tasks();
            PreAnalysis.Pending analysed = preAnalysis.start(contents(tasks), lanes);
            for (int i = 0; i < tasks.size(); i++) {
              applyOne(w, tasks.get(i).task(), batch.source(), analysed, i);
            }
          } finally {
            applying.decrementAndGet();
          }
        });
  }

  /**
   * The contents to analyse ahead of indexing: one per task, null for tasks without content; null
   * altogether when fewer than two tasks have content (nothing to overlap).
   */
  static String[] contents(List<QueuedTask> tasks) {
    String[] texts = new String[tasks.size()];
    int n = 0;
    for (int i = 0; i < texts.length; i++) {
      IndexTask t = tasks.get(i).task();
      if (t.type() == IndexTaskType.INDEX_FILE) {
        texts[i] = t.content();
        n++;
      }
    }
    return n < 2 ? null : texts;
  }

  private void applyOne(
      Writer w, IndexTask task, WorkspaceSource source, PreAnalysis.Pending analysed, int i)
      throws IOException {
    switch (task.type()) {
      case INDEX_FILE -> {
        Document doc =
            document(task.workspace(), task.path(), task.content(), ContentHash.of(task.content()));
        AnalyzedText tokens = analysed == null ? null : analysed.take(i);
        if (tokens != null) {
          ((Field) doc.getField(F_CONTENT)).setTokenStream(tokens.replay());
        }
        w.writer().updateDocument(idTerm(task.workspace(), task.path()), doc);
      }
      case REMOVE_FILE -> w.writer().deleteDocuments(idTerm(task.workspace(), task.path()));
      case REMOVE_WORKSPACE -> w.writer().deleteDocuments(new Term(F_WORKSPACE, task.workspace()));
      case REINDEX_WORKSPACE -> reindex(w, task.workspace(), source);
    }
  }

  /**
   * Makes the workspace's documents equal the source: updates what changed (by content hash),
   * deletes what is gone, never deletes everything first.
   */
  private void reindex(Writer w, String workspace, WorkspaceSource source) throws IOException {
    if (source == WorkspaceSource.none()) {
      // without a source every document would look gone: refuse rather than empty the workspace
      throw new PermanentBackendException(
          "REINDEX_WORKSPACE of " + workspace + " needs a workspace source; the service has none",
          null);
    }
    // see every earlier change of this workspace (no other lane applies it meanwhile)
    w.searchers().maybeRefreshBlocking();
    Map<String, String> indexed = new HashMap<>();
    IndexSearcher s = w.searchers().acquire();
    try {
      for (IndexedDocument d : documents(s, workspace)) {
        indexed.put(d.path(), d.contentHash());
      }
    } finally {
      w.searchers().release(s);
    }
    List<SourceFile> files = source.list(workspace);
    Set<String> present = new HashSet<>();
    int updated = 0;
    for (SourceFile f : files) {
      Optional<String> text = source.read(workspace, f.path());
      if (text.isEmpty()) {
        continue; // gone meanwhile, or not indexable: deleted below when indexed
      }
      present.add(f.path());
      String hash = ContentHash.of(text.get());
      if (!hash.equals(indexed.get(f.path()))) {
        w.writer()
            .updateDocument(
                idTerm(workspace, f.path()), document(workspace, f.path(), text.get(), hash));
        updated++;
      }
    }
    int deleted = 0;
    for (String path : indexed.keySet()) {
      if (!present.contains(path)) {
        w.writer().deleteDocuments(idTerm(workspace, path));
        deleted++;
      }
    }
    LOG.debug(
        "reindexed workspace {}: {} files, {} updated, {} deleted",
        workspace,
        files.size(),
        updated,
        deleted);
  }

  static Term idTerm(String workspace, String path) {
    return new Term(F_ID, workspace + '\0' + path);
  }

  /**
   * The document stored for (workspace, path); package-private so benchmarks build the same one.
   */
  static Document document(String workspace, String path, String content, String hash) {
    Document doc = new Document();
    doc.add(new StringField(F_ID, workspace + '\0' + path, Field.Store.NO));
    doc.add(new StringField(F_WORKSPACE, workspace, Field.Store.NO));
    doc.add(new TextField(F_PATH, path, Field.Store.NO));
    doc.add(new SortedDocValuesField(F_PATH_KEY, new BytesRef(path)));
    doc.add(new StoredField(F_PATH_KEY, path));
    doc.add(new Field(F_CONTENT, content, CONTENT_TYPE));
    doc.add(new BinaryDocValuesField(F_HASH, new BytesRef(hash)));
    doc.add(new NumericDocValuesField(F_LENGTH, content.length()));
    return doc;
  }

  // ------------------------------------------------------------------------------ commit, refresh

  @Override
  public void commit(Checkpoint checkpoint) {
    commit(checkpoint, false);
  }

  /**
   * {@link #commit(Checkpoint)}, or, with {@code onlyIfChanged}, nothing when nothing was applied
   * since the last commit (a shard other than the first of a {@link ShardedLuceneBackend}: its
   * checkpoint counts for nothing). Refuses as {@code commit} does while a replay is pending.
   */
  void commit(Checkpoint checkpoint, boolean onlyIfChanged) {
    java.util.Objects.requireNonNull(checkpoint, "checkpoint");
    withWriter(
        "commit",
        w -> {
          if (onlyIfChanged && !w.writer().hasUncommittedChanges()) {
            // checked after: a writer that a failed merge closed (and rolled back) has no
            // uncommitted changes either, and must fail the commit as lost, not skip it
            if (w.writer().isOpen() && w.writer().getTragicException() == null) {
              return;
            }
            throw new AlreadyClosedException("the index writer at " + where + " closed itself");
          }
          Checkpoint before = committed;
          Checkpoint next =
              before.isNone() || !before.hasLayout(checkpoint.partitions(), checkpoint.bands())
                  ? checkpoint
                  : before.mergedWith(checkpoint);
          w.writer().setLiveCommitData(commitData(next));
          w.writer().commit();
          committed = next;
        });
  }

  /**
   * The checkpoint of the last commit. Opened read-only: the checkpoint of the newest commit in the
   * directory (another process writes it), read from its commit point on every call.
   */
  @Override
  public Checkpoint committedCheckpoint() {
    ensureOpen();
    if (!readOnly) {
      return committed;
    }
    try {
      return parseCheckpoint(
          SegmentInfos.readLatestCommit(directory)
              .getUserData()
              .get(LuceneIndexBackendProvider.CHECKPOINT_KEY));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the last commit of the Lucene index at " + where, e);
    }
  }

  /**
   * The replay handshake: the core stopped every lane after a {@link BackendStateLostException} and
   * replays from the returned checkpoint; {@code apply}, {@code commit} and {@code makeVisible} are
   * accepted again.
   */
  @Override
  public Checkpoint startReplay() {
    ensureOpen();
    replayPending = false;
    return committed;
  }

  /** {@value LuceneIndexOptions#BATCH_SIZE}: see {@link LuceneIndexOptions#BATCH_SIZE}. */
  @Override
  public int preferredBatchSize() {
    return LuceneIndexOptions.BATCH_SIZE;
  }

  @Override
  public void makeVisible() {
    if (readOnly) {
      refreshReadOnly();
      return;
    }
    withWriter(
        "refresh",
        w -> {
          // everything the last commit covers was applied before this refresh: it sees all of it
          Checkpoint before = committed;
          w.searchers().maybeRefreshBlocking();
          visible = before;
        });
  }

  /**
   * What the searchers see: the checkpoint of the last commit made before the last {@link
   * #makeVisible()} (the near-real-time searchers may also see later applies, which it does not
   * count). Opened read-only: first moves the searchers to the newest commit (as {@link
   * #makeVisible()} does; the core calls this at most once per refresh interval, and only while
   * someone waits for a task another process applies), then returns that commit's checkpoint.
   */
  /**
   * False: other processes open this directory read-only and see its commits, never this writer's
   * refreshes; so on a shared queue the core need not refresh for them (it refreshes while this
   * process searches, and for its own waiters).
   */
  @Override
  public boolean refreshesReachOtherProcesses() {
    return false;
  }

  @Override
  public Checkpoint visibleCheckpoint() {
    ensureOpen();
    if (!readOnly) {
      return visible;
    }
    refreshReadOnly();
    return withSearcher(
        s ->
            s.getIndexReader() instanceof DirectoryReader r
                ? parseCheckpoint(
                    r.getIndexCommit().getUserData().get(LuceneIndexBackendProvider.CHECKPOINT_KEY))
                : Checkpoint.none());
  }

  /** Read-only: moves the searchers to the newest commit. */
  private void refreshReadOnly() {
    try {
      current.searchers().maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot refresh the Lucene index at " + where, e);
    }
  }

  // ------------------------------------------------------------------------------ reading

  /** Runs {@code body} on the current searcher. */
  private <T> T withSearcher(LuceneReads.SearcherFunction<T> body) {
    SearcherManager sm;
    IndexSearcher s;
    lock.readLock().lock();
    try {
      ensureOpen();
      if (current == null) {
        throw new IllegalStateException(
            "the Lucene index at "
                + where
                + " is unavailable: its writer failed and is not reopened yet");
      }
      sm = current.searchers();
      s = sm.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search the Lucene index at " + where, e);
    } finally {
      lock.readLock().unlock();
    }
    try {
      return body.apply(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Lucene index at " + where, e);
    } finally {
      try {
        sm.release(s);
      } catch (IOException e) {
        LOG.debug("releasing a searcher failed: {}", e.toString());
      }
    }
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    return reads.documents(workspace);
  }

  /**
   * Whether the current searchers see a live document of {@code workspace}. For {@code writing}
   * (placing a workspace before an apply) it fails as an apply would: a failed writer is reopened
   * first, a lost one asks for the replay ({@link BackendStateLostException}), and a failed read is
   * transient; else as a search does.
   */
  boolean holds(String workspace, boolean writing) {
    TermQuery q = new TermQuery(new Term(F_WORKSPACE, workspace));
    if (!writing || readOnly) {
      return withSearcher(s -> s.count(q) > 0);
    }
    Writer w = enter();
    try {
      IndexSearcher s = w.searchers().acquire();
      try {
        return s.count(q) > 0;
      } finally {
        w.searchers().release(s);
      }
    } catch (IOException e) {
      throw new TransientBackendException("cannot read the Lucene index at " + where, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * How much the writer buffers now, flushing segments included (what a refresh or commit of this
   * index would wait for); {@link Long#MAX_VALUE} when it has no open writer.
   */
  long bufferedBytes() {
    lock.readLock().lock();
    try {
      Writer w = current;
      return w == null || w.writer() == null ? Long.MAX_VALUE : w.writer().ramBytesUsed();
    } catch (AlreadyClosedException e) {
      return Long.MAX_VALUE;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The documents of a workspace on {@code s}, sorted by path (the reindex compares with them). */
  private static List<IndexedDocument> documents(IndexSearcher s, String workspace)
      throws IOException {
    return LuceneReads.documents(s, workspace);
  }

  @Override
  public Set<String> workspaces() {
    return reads.workspaces();
  }

  @Override
  public SearchResults search(String workspace, String query, int limit) {
    return reads.search(workspace, query, limit);
  }

  // ------------------------------------------------------------------------------ close

  /** Closes without committing: uncommitted work is rolled back. Closing twice is a no-op. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      preAnalysis.close();
      if (current != null) {
        closeQuietly(current.searchers());
        if (current.writer() != null) {
          rollbackQuietly(current.writer());
        }
        current = null;
      }
      closeQuietly(directory);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static void rollbackQuietly(IndexWriter w) {
    try {
      w.rollback();
    } catch (IOException | RuntimeException e) {
      LOG.debug("rolling back the index writer failed: {}", e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {} failed: {}", c, e.toString());
    }
  }

  @Override
  public String toString() {
    return "LuceneIndexBackend[" + where + "]";
  }
}
