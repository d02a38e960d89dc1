package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An in-memory {@link IndexBackend} that records every apply and checks the core's guarantees as it
 * goes: it records a violation when two applies overlap in one lane, when one workspace is applied
 * by two lanes at once, or when a workspace's tasks arrive out of acceptance order. Thread-safe.
 *
 * <p>For tests it can also block applies until released ({@link #gate()}), fail chosen tasks
 * ({@link #failWhen}), and survive a simulated restart: committed documents and the checkpoint live
 * in a {@link Storage} that a new instance reopens, and what was not committed is lost, as with a
 * real index after a crash. Call {@link #assertNoViolations()} at the end of each test.
 */
public final class RecordingBackend implements IndexBackend {

  /** What a commit made durable; share it between instances to simulate a restart. */
  public static final class Storage {
    private final Map<String, TreeMap<String, String>> documents = new HashMap<>();
    private Checkpoint checkpoint = Checkpoint.none();
    private Checkpoint visible = Checkpoint.none();
    private int commits;

    /** Creates empty storage. */
    public Storage() {}

    /** The last committed checkpoint (every commit merged). */
    public synchronized Checkpoint checkpoint() {
      return checkpoint;
    }

    /**
     * The committed checkpoint as of the last {@link RecordingBackend#makeVisible()} of any backend
     * on this storage: storage shared by several backends models one index that they all write and
     * that a refresh makes visible as a whole (as a Solr soft commit does).
     */
    public synchronized Checkpoint visibleCheckpoint() {
      return visible;
    }

    synchronized void markVisible(Checkpoint before) {
      visible =
          visible.isNone() || !visible.hasLayout(before.partitions(), before.bands())
              ? before
              : visible.mergedWith(before);
    }

    /** How many commits were made. */
    public synchronized int commits() {
      return commits;
    }

    synchronized Map<String, TreeMap<String, String>> copy() {
      return deepCopy(documents);
    }

    synchronized void store(Map<String, TreeMap<String, String>> docs, Checkpoint cp) {
      documents.clear();
      documents.putAll(deepCopy(docs));
      checkpoint =
          checkpoint.isNone() || !checkpoint.hasLayout(cp.partitions(), cp.bands())
              ? cp
              : checkpoint.mergedWith(cp);
      commits++;
    }
  }

  private final Storage storage;
  private final Map<String, TreeMap<String, String>> live;
  private volatile Map<String, TreeMap<String, String>> visible;
  private final List<QueuedTask> log = Collections.synchronizedList(new ArrayList<>());
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final ExclusionCheck exclusion = new ExclusionCheck(violations);
  private final OrderCheck order = new OrderCheck(violations);
  private final List<Rule> rules = new ArrayList<>();
  private final AtomicInteger batches = new AtomicInteger();
  private final AtomicInteger refreshes = new AtomicInteger();
  private final List<Set<String>> targeted = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean byWorkspace;
  private volatile Gate gate;
  private volatile boolean closed;
  private volatile boolean crashed;

  private record Rule(
      Predicate<QueuedTask> when, Supplier<? extends Throwable> failure, int[] left) {}

  /** Creates a backend with fresh storage. */
  public RecordingBackend() {
    this(new Storage());
  }

  /**
   * Opens a backend on {@code storage}: it starts with the committed documents and checkpoint.
   *
   * @param storage what earlier instances committed
   */
  public RecordingBackend(Storage storage) {
    this.storage = storage;
    this.live = storage.copy();
    this.visible = deepCopy(live);
  }

  /** The storage this backend commits to. */
  public Storage storage() {
    return storage;
  }

  /**
   * Makes applies block until the test releases them: each apply takes one permit of the returned
   * gate. Call before the applies to block.
   */
  public Gate gate() {
    Gate g = new Gate();
    gate = g;
    return g;
  }

  /** A semaphore applies pass through, with a count of applies waiting at it. */
  public static final class Gate {
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean open;

    /** Lets {@code n} more applies through. */
    public void release(int n) {
      permits.release(n);
    }

    /** Lets every apply through from now on. */
    public void open() {
      open = true;
      permits.release(1_000_000);
    }

    /** How many applies wait at the gate now. */
    public int waiting() {
      return waiting.get();
    }

    void pass() {
      if (open) {
        return;
      }
      waiting.incrementAndGet();
      try {
        permits.acquireUninterruptibly();
      } finally {
        waiting.decrementAndGet();
      }
    }
  }

  /**
   * Makes applies of tasks matching {@code when} throw {@code failure}, {@code times} times (or
   * forever when negative). The backend applies nothing of a batch that fails.
   */
  public synchronized RecordingBackend failWhen(
      Predicate<QueuedTask> when, Supplier<? extends Throwable> failure, int times) {
    rules.add(new Rule(when, failure, new int[] {times}));
    return this;
  }

  /** Removes every failure rule: applies succeed again. */
  public synchronized RecordingBackend clearFailures() {
    rules.clear();
    return this;
  }

  @Override
  public void apply(Batch batch) {
    if (closed) {
      throw new IllegalStateException("RecordingBackend is closed");
    }
    Gate g = gate;
    if (g != null) {
      g.pass();
    }
    ExclusionCheck.Held held = exclusion.enter(batch);
    try {
      Throwable failure = failureFor(batch);
      if (failure != null) {
        // a failed batch may be retried: order restarts for its workspaces
        order.failed(batch);
        sneakyThrow(failure);
      }
      synchronized (live) {
        for (QueuedTask q : batch.tasks()) {
          order.applied(q);
          applyOne(q, batch);
          log.add(q);
        }
      }
      batches.incrementAndGet();
    } finally {
      exclusion.exit(held);
    }
  }

  private synchronized Throwable failureFor(Batch batch) {
    for (Rule r : rules) {
      if (r.left()[0] == 0) {
        continue;
      }
      for (QueuedTask q : batch.tasks()) {
        if (r.when().test(q)) {
          if (r.left()[0] > 0) {
            r.left()[0]--;
          }
          return r.failure().get();
        }
      }
    }
    return null;
  }

  private void applyOne(QueuedTask q, Batch batch) {
    IndexTask t = q.task();
    switch (t.type()) {
      case INDEX_FILE ->
          live.computeIfAbsent(t.workspace(), k -> new TreeMap<>()).put(t.path(), t.content());
      case REMOVE_FILE -> {
        TreeMap<String, String> docs = live.get(t.workspace());
        if (docs != null) {
          docs.remove(t.path());
          if (docs.isEmpty()) {
            live.remove(t.workspace()); // workspaces() lists only workspaces with documents
          }
        }
      }
      case REMOVE_WORKSPACE -> live.remove(t.workspace());
      case REINDEX_WORKSPACE -> {
        TreeMap<String, String> docs = new TreeMap<>();
        for (SourceFile f : batch.source().list(t.workspace())) {
          try {
            Optional<String> text = batch.source().read(t.workspace(), f.path());
            text.ifPresent(s -> docs.put(f.path(), s));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        if (docs.isEmpty()) {
          live.remove(t.workspace());
        } else {
          live.put(t.workspace(), docs);
        }
      }
    }
  }

  /**
   * Simulates a crash of the process: from now on commits are silently lost, so the storage keeps
   * what was committed before.
   */
  public void crash() {
    crashed = true;
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    if (crashed) {
      return;
    }
    synchronized (live) {
      storage.store(live, checkpoint);
    }
  }

  @Override
  public Checkpoint committedCheckpoint() {
    return storage.checkpoint();
  }

  @Override
  public Checkpoint startReplay() {
    order.replay();
    return storage.checkpoint();
  }

  @Override
  public void makeVisible() {
    Checkpoint before = storage.checkpoint(); // committed before this refresh: all of it is seen
    synchronized (live) {
      visible = deepCopy(live);
    }
    storage.markVisible(before);
    refreshes.incrementAndGet();
  }

  /**
   * Makes {@link #refreshesByWorkspace()} true: {@link #makeVisible(Set)} then shows only those
   * workspaces' applied documents, as an index sharded by workspace does. Call before the service
   * starts (it asks once).
   *
   * @return this backend
   */
  public RecordingBackend refreshingByWorkspace() {
    byWorkspace = true;
    return this;
  }

  @Override
  public boolean refreshesByWorkspace() {
    return byWorkspace;
  }

  /** Shows the applied documents of {@code workspaces} only; counts as a refresh. */
  @Override
  public void makeVisible(Set<String> workspaces) {
    if (!byWorkspace) {
      violations.add("makeVisible(" + workspaces + ") called, but refreshesByWorkspace() is false");
    }
    synchronized (live) {
      Map<String, TreeMap<String, String>> next = deepCopy(visible);
      for (String ws : workspaces) {
        TreeMap<String, String> docs = live.get(ws);
        if (docs == null) {
          next.remove(ws);
        } else {
          next.put(ws, new TreeMap<>(docs));
        }
      }
      visible = next;
    }
    targeted.add(Set.copyOf(workspaces));
    refreshes.incrementAndGet();
  }

  /** The workspace sets of every {@link #makeVisible(Set)}, in call order. */
  public List<Set<String>> targetedRefreshes() {
    synchronized (targeted) {
      return List.copyOf(targeted);
    }
  }

  /** {@link Storage#visibleCheckpoint()}. */
  @Override
  public Checkpoint visibleCheckpoint() {
    return storage.visibleCheckpoint();
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    TreeMap<String, String> docs = visible.get(workspace);
    if (docs == null) {
      return List.of();
    }
    List<IndexedDocument> out = new ArrayList<>(docs.size());
    docs.forEach((p, c) -> out.add(new IndexedDocument(p, ContentHash.of(c), c.length())));
    return out;
  }

  @Override
  public Set<String> workspaces() {
    return new TreeSet<>(visible.keySet());
  }

  /** The visible documents of a workspace: path to content, sorted by path. */
  public Map<String, String> contents(String workspace) {
    TreeMap<String, String> docs = visible.get(workspace);
    return docs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(docs));
  }

  /** Every task applied, in apply order (a retried or replayed task appears again). */
  public List<QueuedTask> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** How many batches were applied successfully. */
  public int batches() {
    return batches.get();
  }

  /** How many times {@link #makeVisible()} ran. */
  public int refreshes() {
    return refreshes.get();
  }

  /** The violations of the core's guarantees seen so far. */
  public List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  /** Throws an {@link AssertionError} listing the violations, if any. */
  public void assertNoViolations() {
    List<String> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(
          v.size()
              + " violation(s) of the core's guarantees: "
              + v.subList(0, Math.min(20, v.size())));
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private static Map<String, TreeMap<String, String>> deepCopy(
      Map<String, TreeMap<String, String>> m) {
    Map<String, TreeMap<String, String>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
