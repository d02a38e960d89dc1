package dev.indexqueue.index.lucene;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A Lucene index split into shards by workspace: shard {@code k} of {@code n} is a whole {@link
 * LuceneIndexBackend} (its own directory {@code shard-k}, writer, near-real-time searchers and
 * commits) holding the workspaces that {@link Partitioning#partitionOf} maps to {@code k}. Thread-
 * safe as {@link IndexBackend} requires; every shard is, and this class keeps no state of its own
 * but the checkpoint its searchers see.
 *
 * <p>Why shards: a Lucene refresh flushes everything its writer buffers. With one writer, a VISIBLE
 * wait behind another workspace's backlog waited for that backlog's flush (about 200 ms on 2 cores,
 * measured by {@code BacklogBenchmark}). Here a VISIBLE wait refreshes only its workspace's shard
 * ({@link #makeVisible(Set)}), so a backlog holds up only the workspaces of its own shard. A new
 * index gets a shard per partition of the service's queue: the shard of a workspace is then its
 * partition, and lanes never share a writer. The price: a refresh costs a small segment per shard
 * it touches (about 2 ms each on 2 cores), so concurrent waiters spread over many shards pay more
 * than on one writer.
 *
 * <p>Commits: the shards that changed since their last commit commit first, shard 0 last; shard 0's
 * commit holds the index's checkpoint. So every shard's last commit holds every task below that
 * checkpoint, and a crash between the shards' commits leaves shards ahead of it, which the replay
 * from it brings to the same documents (applying is idempotent). A shard fails as a {@link
 * LuceneIndexBackend} does; the core replays from shard 0's checkpoint into every shard.
 *
 * <p>Layout: the shards are the subdirectories {@code shard-0} to {@code shard-(n-1)}; each commit
 * stores {@code n} under {@value LuceneIndexBackendProvider#SHARDS_KEY}. Shard 0 is created last,
 * so an index whose shard 0 exists is complete. An index of one shard is a plain {@link
 * LuceneIndexBackend} in the directory itself (the layout before shards existed).
 */
final class ShardedLuceneBackend implements IndexBackend {
  private static final String SHARD_PREFIX = "shard-";

  private final String where;
  private final LuceneIndexBackend[] shards;
  private final boolean readOnly;

  /** Analyses ahead for every shard's writer; null when read-only. */
  private final PreAnalysis preAnalysis;

  /** How many lanes are inside {@link #apply} now. */
  private final AtomicInteger applying = new AtomicInteger();

  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Refreshes shards beside the calling thread, so that a refresh of several shards takes about as
   * long as its slowest shard's; null when read-only or on one processor.
   */
  private final ExecutorService refreshers;

  /** The checkpoint of shard 0's last commit before the last full refresh. */
  private volatile Checkpoint visible = Checkpoint.none();

  /** Over shards already open, shard 0 first (the factories below; tests inject failing ones). */
  ShardedLuceneBackend(
      String where, LuceneIndexBackend[] shards, boolean readOnly, int analysisThreads) {
    this.where = where;
    this.shards = shards;
    this.readOnly = readOnly;
    this.preAnalysis =
        readOnly
            ? null
            : new PreAnalysis(
                CodeSearch.analyzer(),
                LuceneIndexBackend.F_CONTENT,
                analysisThreads,
                "indexqueue-lucene-analysis",
                Runtime.getRuntime().availableProcessors());
    int helpers = Math.min(shards.length, Runtime.getRuntime().availableProcessors()) - 1;
    if (readOnly || helpers < 1) {
      this.refreshers = null;
    } else {
      this.refreshers =
          Executors.newFixedThreadPool(
              helpers, PreAnalysis.daemonThreads("indexqueue-lucene-refresh"));
    }
    this.visible = shards[0].committedCheckpoint(); // the first searchers show the last commit
  }

  // ------------------------------------------------------------------------------ open

  /**
   * Opens the index in {@code options.directory()} with as many shards as it has (a plain {@link
   * LuceneIndexBackend} when it has one), or a new one with {@code options.shards()}; with none
   * configured, a {@link DeferredLuceneBackend} creates it when the service tells it its
   * partitions.
   *
   * @throws IllegalStateException when the index has another number of shards than configured, or
   *     is corrupt, or is locked by another writer
   */
  static IndexBackend openAny(LuceneIndexOptions options) {
    Path dir = options.directory().toAbsolutePath().normalize();
    int existing = existingShards(dir);
    int configured = options.shards();
    if (configured != 0 && existing != 0 && configured != existing) {
      throw new IllegalStateException(
          "shards: the Lucene index at "
              + dir
              + " has "
              + existing
              + " shard(s), the configuration asks for "
              + configured
              + "; open it with shards="
              + existing
              + " (or 0: as many as the index has), or delete the directory and index the"
              + " workspaces again to rebuild it with "
              + configured);
    }
    if (existing == 0 && configured == 0) {
      return new DeferredLuceneBackend(options);
    }
    int n = existing != 0 ? existing : configured;
    return n == 1 ? LuceneIndexBackend.open(options) : open(options, n, existing != 0, 0);
  }

  /**
   * Opens (or creates) an index of {@code n} shards in {@code options.directory()}.
   *
   * @param exists whether the index exists: then every shard must
   * @param maxBufferedDocs flush after this many documents per shard (tests), or 0 by RAM only
   */
  static ShardedLuceneBackend open(
      LuceneIndexOptions options, int n, boolean exists, int maxBufferedDocs) {
    Path dir = options.directory().toAbsolutePath().normalize();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("directory: must be a directory, was: " + dir);
    }
    // each shard buffers as much as one writer would: a backlog in one shard flushes as seldom
    // as with one writer (split, the lane flushed its own segments and an urgent task waited)
    LuceneIndexOptions each = new LuceneIndexOptions(dir, options.ramBufferMB(), 0, n);
    LuceneIndexBackend[] shards = new LuceneIndexBackend[n];
    try {
      for (int k = n - 1; k >= 0; k--) { // shard 0 last: its index marks the layout complete
        Path p = dir.resolve(SHARD_PREFIX + k);
        if (!exists && holdsDocuments(p)) {
          throw new IllegalStateException(
              "the Lucene index at "
                  + dir
                  + " is incomplete: "
                  + dir.resolve(SHARD_PREFIX + 0)
                  + " holds no index but "
                  + p
                  + " holds documents. Restore it or delete the directory to rebuild the index");
        }
        if (exists && !holdsIndex(p)) {
          throw new IllegalStateException(
              "the Lucene index at "
                  + dir
                  + " is incomplete: it has "
                  + n
                  + " shards but "
                  + p
                  + " holds no index. Restore it or delete the directory to rebuild the index");
        }
        shards[k] =
            new LuceneIndexBackend(
                LuceneIndexBackend.writerDirectory(p), p.toString(), each, maxBufferedDocs, n);
      }
    } catch (RuntimeException e) {
      closeAll(shards);
      throw e;
    }
    return new ShardedLuceneBackend(dir.toString(), shards, false, options.analysisThreads());
  }

  /**
   * Opens an existing index read-only, as {@link LuceneIndexBackend#openReadOnly} does, with as
   * many shards as it has.
   */
  static IndexBackend openAnyReadOnly(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    int n = existingShards(dir);
    if (n <= 1) {
      return LuceneIndexBackend.openReadOnly(dir);
    }
    LuceneIndexBackend[] shards = new LuceneIndexBackend[n];
    try {
      for (int k = 0; k < n; k++) {
        shards[k] = LuceneIndexBackend.openReadOnly(dir.resolve(SHARD_PREFIX + k));
      }
    } catch (RuntimeException e) {
      closeAll(shards);
      throw e;
    }
    return new ShardedLuceneBackend(dir.toString(), shards, true, 0);
  }

  /**
   * How many shards the index in {@code dir} has: 0 when there is none, 1 for index files in the
   * directory itself, else what shard 0's last commit says.
   */
  static int existingShards(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    boolean flat;
    try (Stream<Path> files = Files.list(dir)) {
      flat = files.map(f -> f.getFileName().toString()).anyMatch(LuceneIndexBackend::isIndexFile);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot list " + dir, e);
    }
    Path first = dir.resolve(SHARD_PREFIX + 0);
    int sharded = holdsIndex(first) ? shardCount(dir, first) : 0;
    if (flat && sharded > 0) {
      throw new IllegalStateException(
          "the Lucene index at "
              + dir
              + " is corrupt: it holds index files of one shard and the shard directories of "
              + sharded
              + ". Restore it or delete the directory to rebuild the index");
    }
    return flat ? 1 : sharded;
  }

  private static boolean holdsIndex(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Directory d = FSDirectory.open(p)) {
      return DirectoryReader.indexExists(d);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Lucene index at " + p, e);
    }
  }

  /** Whether {@code p} holds an index with documents (a shard left without its shard 0). */
  private static boolean holdsDocuments(Path p) {
    if (!holdsIndex(p)) {
      return false;
    }
    try (Directory d = FSDirectory.open(p);
        DirectoryReader r = DirectoryReader.open(d)) {
      return r.numDocs() > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Lucene index at " + p, e);
    }
  }

  private static int shardCount(Path dir, Path first) {
    String v;
    try (Directory d = FSDirectory.open(first)) {
      v = SegmentInfos.readLatestCommit(d).getUserData().get(LuceneIndexBackendProvider.SHARDS_KEY);
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      throw new IllegalStateException(
          "the Lucene index at " + first + " is corrupt or unreadable (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Lucene index at " + first, e);
    }
    int n = -1;
    if (v != null && !v.isEmpty() && v.length() < 4 && v.chars().allMatch(Character::isDigit)) {
      n = Integer.parseInt(v);
    }
    if (n < 2 || n > LuceneIndexOptions.MAX_SHARDS) {
      throw new IllegalStateException(
          "the Lucene index at "
              + dir
              + " is corrupt: its first shard's last commit has no valid "
              + LuceneIndexBackendProvider.SHARDS_KEY
              + " (2–"
              + LuceneIndexOptions.MAX_SHARDS
              + "), was: "
              + v
              + ". Restore it or delete the directory to rebuild the index");
    }
    return n;
  }

  private static void closeAll(LuceneIndexBackend[] shards) {
    for (LuceneIndexBackend s : shards) {
      if (s != null) {
        s.close();
      }
    }
  }

  /** The number of shards. */
  int shards() {
    return shards.length;
  }

  private LuceneIndexBackend shardOf(String workspace) {
    return shards[Partitioning.partitionOf(workspace, shards.length)];
  }

  // ------------------------------------------------------------------------------ writing

  /** Applies the batch in order, each task in its workspace's shard. */
  @Override
  public void apply(Batch batch) {
    if (readOnly) {
      throw new UnsupportedOperationException(
          "the Lucene index at " + where + " was opened read-only");
    }
    int lanes = applying.incrementAndGet();
    try {
      List<QueuedTask> tasks = batch.tasks();
      PreAnalysis.Pending analysed = preAnalysis.start(LuceneIndexBackend.contents(tasks), lanes);
      for (int i = 0; i < tasks.size(); i++) {
        IndexTask t = tasks.get(i).task();
        shardOf(t.workspace()).applyTask(t, batch.source(), analysed, i);
      }
    } finally {
      applying.decrementAndGet();
    }
  }

  /** Commits the shards that changed, then shard 0 with the checkpoint (see the class comment). */
  @Override
  public void commit(Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    for (int k = shards.length - 1; k >= 1; k--) {
      shards[k].commit(checkpoint, true);
    }
    shards[0].commit(checkpoint, false);
  }

  /** Shard 0's: every shard's last commit holds every task below it. */
  @Override
  public Checkpoint committedCheckpoint() {
    return shards[0].committedCheckpoint();
  }

  @Override
  public Checkpoint startReplay() {
    for (int k = shards.length - 1; k >= 1; k--) {
      shards[k].startReplay();
    }
    return shards[0].startReplay();
  }

  // ------------------------------------------------------------------------------ refresh

  /** Refreshes every shard. */
  @Override
  public void makeVisible() {
    // read before the refreshes: everything below it was applied before each of them
    Checkpoint before = readOnly ? null : shards[0].committedCheckpoint();
    boolean[] due = new boolean[shards.length];
    java.util.Arrays.fill(due, true);
    refresh(due);
    if (!readOnly) {
      visible = before;
    }
  }

  /** Refreshes the shards of {@code workspaces} only. */
  @Override
  public void makeVisible(Set<String> workspaces) {
    boolean[] due = new boolean[shards.length];
    for (String ws : workspaces) {
      due[Partitioning.partitionOf(ws, shards.length)] = true;
    }
    refresh(due);
  }

  /**
   * Refreshes the shards that are {@code due}, the first on this thread and the others on the
   * refreshers beside it; waits for all of them, then throws the first failure (a {@link
   * BackendStateLostException} before any other).
   */
  private void refresh(boolean[] due) {
    List<Future<?>> others = new ArrayList<>();
    int mine = -1;
    for (int k = 0; k < due.length; k++) {
      if (!due[k]) {
        continue;
      }
      if (mine < 0) {
        mine = k;
      } else {
        others.add(beside(shards[k]::makeVisible));
      }
    }
    Throwable failure = null;
    if (mine >= 0) {
      try {
        shards[mine].makeVisible();
      } catch (RuntimeException | Error e) {
        failure = e;
      }
    }
    boolean interrupted = false;
    for (Future<?> f : others) {
      while (true) {
        try {
          f.get();
          break;
        } catch (ExecutionException e) {
          failure = first(failure, e.getCause());
          break;
        } catch (InterruptedException e) {
          interrupted = true; // a refresh in progress is not abandoned: it finishes first
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure != null) {
      throw (Error) failure; // a shard's refresh throws nothing checked
    }
  }

  /** Runs {@code refresh} on a refresher, or on this thread when there is none (or closing). */
  private Future<?> beside(Runnable refresh) {
    if (refreshers != null) {
      try {
        return refreshers.submit(refresh);
      } catch (RejectedExecutionException e) {
        // closing: runs here, where the shard refuses as closed
      }
    }
    return CompletableFuture.runAsync(refresh, Runnable::run);
  }

  private static Throwable first(Throwable sofar, Throwable next) {
    if (sofar == null
        || (next instanceof BackendStateLostException
            && !(sofar instanceof BackendStateLostException))
        || (next instanceof Error && !(sofar instanceof Error))) {
      return next;
    }
    return sofar;
  }

  /** True: {@link #makeVisible(Set)} refreshes only the shards of the workspaces. */
  @Override
  public boolean refreshesByWorkspace() {
    return true;
  }

  /** False, as for {@link LuceneIndexBackend#refreshesReachOtherProcesses()}. */
  @Override
  public boolean refreshesReachOtherProcesses() {
    return false;
  }

  /**
   * The checkpoint of shard 0's last commit before the last {@link #makeVisible()}. Opened
   * read-only: moves shard 0 to its newest commit, then every other shard to theirs (which hold at
   * least as much: they commit before shard 0), and returns shard 0's checkpoint.
   */
  @Override
  public Checkpoint visibleCheckpoint() {
    if (!readOnly) {
      return visible;
    }
    Checkpoint cp = shards[0].visibleCheckpoint();
    for (int k = 1; k < shards.length; k++) {
      shards[k].makeVisible();
    }
    return cp;
  }

  // ------------------------------------------------------------------------------ reading

  @Override
  public List<IndexedDocument> documents(String workspace) {
    IndexTask.checkWorkspace(workspace);
    return shardOf(workspace).documents(workspace);
  }

  @Override
  public Set<String> workspaces() {
    Set<String> out = new TreeSet<>();
    for (LuceneIndexBackend s : shards) {
      out.addAll(s.workspaces());
    }
    return out;
  }

  @Override
  public SearchResults search(String workspace, String query, int limit) {
    IndexTask.checkWorkspace(workspace);
    return shardOf(workspace).search(workspace, query, limit);
  }

  /** Closes every shard without committing. Closing twice is a no-op. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (preAnalysis != null) {
      preAnalysis.close();
    }
    if (refreshers != null) {
      refreshers.shutdown();
    }
    closeAll(shards);
  }

  @Override
  public String toString() {
    return "ShardedLuceneBackend[" + where + ", " + shards.length + " shards]";
  }
}
