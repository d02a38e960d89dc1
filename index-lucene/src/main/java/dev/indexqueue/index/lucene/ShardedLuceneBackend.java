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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Lucene index split into shards by workspace: each shard is a whole {@link LuceneIndexBackend}
 * (its own directory {@code shard-k}, writer, near-real-time searchers and commits), and each
 * workspace lives in exactly one shard. Thread-safe as {@link IndexBackend} requires; every shard
 * is, and this class keeps no state of its own but the placement of workspaces and the checkpoint
 * its searchers see.
 *
 * <p>Why shards: a Lucene refresh flushes everything its writer buffers, and waits for a flush a
 * commit has in progress. With one writer, a VISIBLE wait behind another workspace's backlog waited
 * for that backlog's flush (about 200 ms on 2 cores, measured by {@code BacklogBenchmark}). Here a
 * VISIBLE wait refreshes only its workspace's shard ({@link #makeVisible(Set)}), so a backlog holds
 * up only the workspaces of its own shard. The price: a refresh costs a small segment per shard it
 * touches (about 2 ms each on 2 cores), so concurrent waiters spread over many shards pay more than
 * on one writer.
 *
 * <p>Placement: an index of {@code n} shards for {@code P} partitions has {@code k = n / P} shards
 * per partition; the shards of partition {@code p} ({@link Partitioning#partitionOf}) are {@code p,
 * p + P, …, p + (k−1)P}, so lanes that own different partitions never share a writer. With {@code k
 * = 1} a workspace's shard is its partition's. With more, a workspace stays where its documents
 * are; a workspace with none yet goes to the first of its partition's shards that is idle (buffers
 * less than {@link #BUSY_BYTES}), or else to the one that buffers least. So waiters spread over one
 * writer while it is idle (one small segment per refresh), and a new workspace (an urgent task's,
 * say) does not queue behind a backlog's flush. Where a workspace lives is found again after a
 * restart from the documents themselves: the shard whose searchers (at open: the last commit) see a
 * live one.
 *
 * <p>Commits: the shards that changed since their last commit commit first, shard 0 last; shard 0's
 * commit holds the index's checkpoint. So every shard's last commit holds every task below that
 * checkpoint, and a crash between the shards' commits leaves shards ahead of it, which the replay
 * from it brings to the same documents (applying is idempotent, and a workspace with a committed
 * document is replayed into that document's shard). A shard fails as a {@link LuceneIndexBackend}
 * does; the core replays from shard 0's checkpoint into every shard.
 *
 * <p>Layout: the shards are the subdirectories {@code shard-0} to {@code shard-(n-1)}; each commit
 * stores {@code n} under {@value LuceneIndexBackendProvider#SHARDS_KEY} and {@code k}, when more
 * than 1, under {@value LuceneIndexBackendProvider#SHARDS_PER_PARTITION_KEY}. Shard 0 is created
 * last, so an index whose shard 0 exists is complete. An index of one shard is a plain {@link
 * LuceneIndexBackend} in the directory itself (the layout before shards existed).
 */
final class ShardedLuceneBackend implements IndexBackend {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedLuceneBackend.class);

  private static final String SHARD_PREFIX = "shard-";

  /**
   * A shard that buffers at least this much is busy: a new workspace goes to another shard of its
   * partition if one buffers less. A refresh of a busy shard flushes, or waits for, that much (4
   * MB: about 60 ms on 2 cores while a lane applies). Measured, 1 KB documents: 4 producers' first
   * batches buffer 1–1.5 MB (they stay on one writer, so group commits flush one), a lane in a
   * backlog 10–12 MB between commits.
   */
  static final long BUSY_BYTES = 4L << 20;

  private final String where;
  private final LuceneIndexBackend[] shards;
  private final boolean readOnly;

  /** Shards per partition ({@code k} in the class comment). */
  private final int perPartition;

  /** Partitions the shards serve: {@code shards.length / perPartition}. */
  private final int partitions;

  /**
   * The shard of every workspace this backend placed or found (only with more than one shard per
   * partition): a workspace never moves while this backend is open.
   */
  private final ConcurrentHashMap<String, Integer> placement = new ConcurrentHashMap<>();

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
      String where,
      LuceneIndexBackend[] shards,
      int perPartition,
      boolean readOnly,
      int analysisThreads) {
    if (perPartition < 1 || shards.length % perPartition != 0) {
      throw new IllegalArgumentException(
          "perPartition: must divide the " + shards.length + " shards, was: " + perPartition);
    }
    this.where = where;
    this.shards = shards;
    this.perPartition = perPartition;
    this.partitions = shards.length / perPartition;
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
   * LuceneIndexBackend} when it has one), or a new one with {@code options.shards()} (one per
   * partition); with none configured, a {@link DeferredLuceneBackend} creates it when the service
   * tells it its partitions.
   *
   * @throws IllegalStateException when the index has another number of shards than configured, or
   *     is corrupt, or is locked by another writer
   */
  static IndexBackend openAny(LuceneIndexOptions options) {
    return openAny(options, 1);
  }

  /**
   * As {@link #openAny(LuceneIndexOptions)}; a new index of more than one shard gets {@code
   * perPartition} shards per partition (an existing one keeps its own).
   */
  static IndexBackend openAny(LuceneIndexOptions options, int perPartition) {
    Path dir = options.directory().toAbsolutePath().normalize();
    Layout layout = existingLayout(dir);
    int existing = layout.shards();
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
    if (existing != 0) {
      return existing == 1
          ? LuceneIndexBackend.open(options)
          : open(options, existing, layout.perPartition(), true, 0);
    }
    return configured == 1
        ? LuceneIndexBackend.open(options)
        : open(options, configured, perPartition, false, 0);
  }

  /**
   * Opens (or creates) an index of {@code n} shards in {@code options.directory()}.
   *
   * @param perPartition shards per partition (divides {@code n}); an existing index's own
   * @param exists whether the index exists: then every shard must
   * @param maxBufferedDocs flush after this many documents per shard (tests), or 0 by RAM only
   */
  static ShardedLuceneBackend open(
      LuceneIndexOptions options, int n, int perPartition, boolean exists, int maxBufferedDocs) {
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
                LuceneIndexBackend.writerDirectory(p),
                p.toString(),
                each,
                maxBufferedDocs,
                n,
                perPartition);
      }
    } catch (RuntimeException e) {
      closeAll(shards);
      throw e;
    }
    return new ShardedLuceneBackend(
        dir.toString(), shards, perPartition, false, options.analysisThreads());
  }

  /**
   * Opens an existing index read-only, as {@link LuceneIndexBackend#openReadOnly} does, with as
   * many shards as it has.
   */
  static IndexBackend openAnyReadOnly(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    Layout layout = existingLayout(dir);
    int n = layout.shards();
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
    return new ShardedLuceneBackend(dir.toString(), shards, layout.perPartition(), true, 0);
  }

  /**
   * The shards of an index and how many serve each partition.
   *
   * @param shards 0 (no index), 1 (index files in the directory itself), or 2–{@value
   *     LuceneIndexOptions#MAX_SHARDS}
   * @param perPartition at least 1, dividing {@code shards} when there are some
   */
  private record Layout(int shards, int perPartition) {
    static final Layout NONE = new Layout(0, 1);
    static final Layout FLAT = new Layout(1, 1);
  }

  /**
   * The layout of the index in {@code dir}: {@link Layout#NONE} when there is none, {@link
   * Layout#FLAT} for index files in the directory itself, else what shard 0's last commit says.
   */
  private static Layout existingLayout(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Layout.NONE;
    }
    boolean flat;
    try (Stream<Path> files = Files.list(dir)) {
      flat = files.map(f -> f.getFileName().toString()).anyMatch(LuceneIndexBackend::isIndexFile);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot list " + dir, e);
    }
    Path first = dir.resolve(SHARD_PREFIX + 0);
    Layout sharded = holdsIndex(first) ? shardLayout(dir, first) : Layout.NONE;
    if (flat && sharded.shards() > 0) {
      throw new IllegalStateException(
          "the Lucene index at "
              + dir
              + " is corrupt: it holds index files of one shard and the shard directories of "
              + sharded.shards()
              + ". Restore it or delete the directory to rebuild the index");
    }
    return flat ? Layout.FLAT : sharded;
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

  private static Layout shardLayout(Path dir, Path first) {
    Map<String, String> data;
    try (Directory d = FSDirectory.open(first)) {
      data = SegmentInfos.readLatestCommit(d).getUserData();
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      throw new IllegalStateException(
          "the Lucene index at " + first + " is corrupt or unreadable (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Lucene index at " + first, e);
    }
    String v = data.get(LuceneIndexBackendProvider.SHARDS_KEY);
    int n = smallNumber(v);
    if (n < 2 || n > LuceneIndexOptions.MAX_SHARDS) {
      throw corrupt(
          dir, LuceneIndexBackendProvider.SHARDS_KEY, "2–" + LuceneIndexOptions.MAX_SHARDS, v);
    }
    String w = data.get(LuceneIndexBackendProvider.SHARDS_PER_PARTITION_KEY);
    int k = w == null ? 1 : smallNumber(w);
    if (k < 1 || n % k != 0) {
      throw corrupt(
          dir, LuceneIndexBackendProvider.SHARDS_PER_PARTITION_KEY, "a divisor of " + n, w);
    }
    return new Layout(n, k);
  }

  /** {@code v} as a number of up to 3 digits, or -1. */
  private static int smallNumber(String v) {
    if (v != null && !v.isEmpty() && v.length() < 4 && v.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(v);
    }
    return -1;
  }

  private static IllegalStateException corrupt(Path dir, String key, String rule, String value) {
    return new IllegalStateException(
        "the Lucene index at "
            + dir
            + " is corrupt: its first shard's last commit has no valid "
            + key
            + " ("
            + rule
            + "), was: "
            + value
            + ". Restore it or delete the directory to rebuild the index");
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

  /** Shard {@code k} (tests). */
  LuceneIndexBackend shard(int k) {
    return shards[k];
  }

  /** How many shards per partition (see the class comment). */
  int perPartition() {
    return perPartition;
  }

  /**
   * The shard {@code workspace} lives in, for reading: where it was placed, else the shard of its
   * partition that holds a live document of it, else its partition's first (which then holds
   * nothing of it). Reads never place a workspace.
   */
  int shardIndexOf(String workspace) {
    int p = Partitioning.partitionOf(workspace, partitions);
    if (perPartition == 1) {
      return p;
    }
    Integer placed = placement.get(workspace);
    if (placed != null) {
      return placed;
    }
    int found = holding(workspace, p, false);
    return found >= 0 ? found : p;
  }

  private LuceneIndexBackend shardOf(String workspace) {
    return shards[shardIndexOf(workspace)];
  }

  /** The shard a task of {@code workspace} is applied to, placing the workspace if it is new. */
  private LuceneIndexBackend placeOf(String workspace) {
    if (perPartition == 1) {
      return shardOf(workspace);
    }
    Integer placed = placement.get(workspace);
    if (placed == null) {
      // outside the map's lock: placing reads the shards; one lane applies a workspace at a time,
      // and should two race, the first placement wins
      int k = place(workspace);
      placed = placement.putIfAbsent(workspace, k);
      if (placed == null) {
        placed = k;
      }
    }
    return shards[placed];
  }

  /** Shard {@code j} of partition {@code p}. */
  private int candidate(int p, int j) {
    return p + j * partitions;
  }

  /** Where a workspace this backend has not placed goes: see the class comment. */
  private int place(String workspace) {
    int p = Partitioning.partitionOf(workspace, partitions);
    int found = holding(workspace, p, true);
    if (found >= 0) {
      return found;
    }
    int best = p;
    long least = Long.MAX_VALUE;
    for (int j = 0; j < perPartition; j++) {
      int k = candidate(p, j);
      long bytes = shards[k].bufferedBytes();
      if (bytes < BUSY_BYTES) {
        return k;
      }
      if (bytes < least) {
        least = bytes;
        best = k;
      }
    }
    return best;
  }

  /**
   * The shard of partition {@code p} whose searchers see a live document of {@code workspace}, or
   * -1. Only one can (a workspace never moves); should more, the first is used and the others are
   * named in a warning.
   *
   * @param writing whether an apply asks (a shard that failed then fails as an apply would)
   */
  private int holding(String workspace, int p, boolean writing) {
    int found = -1;
    for (int j = 0; j < perPartition; j++) {
      int k = candidate(p, j);
      if (shards[k].holds(workspace, writing)) {
        if (found < 0) {
          found = k;
          if (!writing) {
            break;
          }
        } else {
          LOG.warn(
              "the Lucene index at {}: workspace {} has documents in shard {} and in shard {};"
                  + " its tasks go to shard {} (remove the workspace and index it again to mend"
                  + " this)",
              where,
              workspace,
              found,
              k,
              found);
        }
      }
    }
    return found;
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
        placeOf(t.workspace()).applyTask(t, batch.source(), analysed, i);
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
      due[shardIndexOf(ws)] = true;
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

  /** {@value LuceneIndexOptions#BATCH_SIZE}: see {@link LuceneIndexOptions#BATCH_SIZE}. */
  @Override
  public int preferredBatchSize() {
    return LuceneIndexOptions.BATCH_SIZE;
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
