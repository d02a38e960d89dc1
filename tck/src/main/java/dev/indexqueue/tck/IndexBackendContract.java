package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link IndexBackend} keeps (docs/DESIGN.md §1, §5 and §7 and the {@code
 * IndexBackend} javadoc), as an abstract JUnit 5 test class: extend it, implement {@link
 * #open(Path)}, and the whole suite runs against your backend. Each test method runs on a fresh
 * instance with its own temporary directory; some tests call the backend from several threads, as
 * the core does.
 *
 * <p>Guarantees checked: idempotent apply of each task type, and convergence when a suffix of the
 * tasks is applied again; {@code REINDEX_WORKSPACE} makes a workspace equal to its source; tasks of
 * a batch apply in order; the checkpoint round-trip (commit, close, reopen: {@link
 * IndexBackend#committedCheckpoint()} is the committed checkpoint and the committed documents are
 * there); visibility after {@link IndexBackend#makeVisible()}; {@link IndexBackend#documents}
 * sorted by path ({@link String#compareTo}) with {@link ContentHash} and length; {@link
 * IndexBackend#workspaces()} lists exactly the workspaces with documents; concurrent applies of
 * disjoint workspaces with commits and refreshes; close twice is a no-op; search: operators and
 * annotations searched as written, lines that hold the whole identifier (best first), the phrase or
 * an OR alternative, exact totals, path-only hits marked. A backend that cannot reopen what it
 * committed opts out of the round-trip by overriding {@link #persistent()}, one that cannot search
 * out of the search tests by overriding {@link #searchable()} (reported as skipped).
 *
 * <p>The search tests use only this much query syntax, which every searching backend supports:
 * words that must all occur, {@code "quoted phrases"}, {@code OR} between words, and operators
 * written as they are ({@code |+|}, {@code >>=}, {@code ::}, {@code ->}, {@code ===}, <code>
 * &#64;tailrec</code>, {@code <*>}, {@code *>}); matching ignores case. A word also matches the
 * file's path.
 *
 * <pre>{@code
 * class MyBackendTest extends IndexBackendContract {
 *   protected IndexBackend open(Path dir) {
 *     return new MyBackend(dir); // a second open(dir) after close() reopens the same index
 *   }
 * }
 * }</pre>
 */
public abstract class IndexBackendContract {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A fresh directory per test, for backends that store files. */
  @TempDir protected Path dir;

  private final List<IndexBackend> opened = new ArrayList<>();
  private long nextPosition;

  /** Creates the suite; subclasses need a no-argument constructor (JUnit instantiates them). */
  protected IndexBackendContract() {}

  /**
   * Opens a backend on {@code dir}. The first call for a directory gets an empty index; a later
   * call after {@link IndexBackend#close()} reopens what was committed there (unless {@link
   * #persistent()} is false).
   *
   * @param dir a directory owned by the test
   */
  protected abstract IndexBackend open(Path dir);

  /**
   * Whether a backend reopened on the same directory has the committed checkpoint and documents.
   * When false the round-trip tests are skipped. Default true.
   */
  protected boolean persistent() {
    return true;
  }

  /**
   * Whether the backend searches ({@link IndexBackend#search}). When false the search tests are
   * skipped. Default true.
   */
  protected boolean searchable() {
    return true;
  }

  /** Closes what the test opened (closing twice is part of the contract). */
  @AfterEach
  public void closeOpened() {
    for (IndexBackend b : opened) {
      b.close();
    }
  }

  private IndexBackend backend() {
    IndexBackend b = open(dir);
    opened.add(b);
    return b;
  }

  // ------------------------------------------------------------------------------ helpers

  private static IndexTask index(String ws, String path, String content) {
    return new IndexTask(IndexTaskType.INDEX_FILE, ws, path, content, 0, T0);
  }

  private static IndexTask remove(String ws, String path) {
    return new IndexTask(IndexTaskType.REMOVE_FILE, ws, path, null, 0, T0);
  }

  private static IndexTask removeWorkspace(String ws) {
    return new IndexTask(IndexTaskType.REMOVE_WORKSPACE, ws, null, null, 0, T0);
  }

  private static IndexTask reindex(String ws) {
    return new IndexTask(IndexTaskType.REINDEX_WORKSPACE, ws, null, null, 0, T0);
  }

  /** Applies the tasks as one batch of lane 0, with fresh increasing positions. */
  private List<QueuedTask> apply(IndexBackend b, WorkspaceSource source, IndexTask... tasks) {
    return apply(b, 0, source, List.of(tasks));
  }

  private List<QueuedTask> apply(
      IndexBackend b, int lane, WorkspaceSource source, List<IndexTask> tasks) {
    List<QueuedTask> queued = new ArrayList<>();
    synchronized (this) {
      for (IndexTask t : tasks) {
        queued.add(new QueuedTask(0, 0, nextPosition++, t));
      }
    }
    b.apply(new Batch(lane, queued, source));
    return queued;
  }

  /** The visible documents of a workspace as path → content hash, after a makeVisible. */
  private static Map<String, String> visible(IndexBackend b, String ws) {
    b.makeVisible();
    return hashes(b.documents(ws));
  }

  private static Map<String, String> hashes(List<IndexedDocument> docs) {
    Map<String, String> m = new TreeMap<>();
    for (IndexedDocument d : docs) {
      m.put(d.path(), d.contentHash());
    }
    return m;
  }

  private static Map<String, String> expected(Map<String, String> contents) {
    Map<String, String> m = new TreeMap<>();
    contents.forEach((p, c) -> m.put(p, ContentHash.of(c)));
    return m;
  }

  private static Map<String, String> expected(String... pathThenContent) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < pathThenContent.length; i += 2) {
      m.put(pathThenContent[i], ContentHash.of(pathThenContent[i + 1]));
    }
    return m;
  }

  private static final WorkspaceSource NONE = WorkspaceSource.none();

  // ------------------------------------------------------------------------------ idempotence

  /** INDEX_FILE applied twice has the effect of once; a later one replaces the content. */
  @Test
  public void indexFileIsIdempotent() {
    IndexBackend b = backend();
    IndexTask t = index("ws", "a.txt", "alpha");
    apply(b, NONE, t);
    apply(b, NONE, t);
    assertThat(visible(b, "ws")).isEqualTo(expected("a.txt", "alpha"));
    apply(b, NONE, index("ws", "a.txt", "beta"));
    apply(b, NONE, index("ws", "a.txt", "beta"));
    assertThat(visible(b, "ws")).isEqualTo(expected("a.txt", "beta"));
  }

  /** REMOVE_FILE twice, or of an absent document, is fine and touches nothing else. */
  @Test
  public void removeFileIsIdempotent() {
    IndexBackend b = backend();
    apply(
        b,
        NONE,
        index("ws", "a.txt", "alpha"),
        index("ws", "b.txt", "beta"),
        index("other", "a.txt", "x"));
    IndexTask rm = remove("ws", "a.txt");
    apply(b, NONE, rm);
    apply(b, NONE, rm);
    apply(b, NONE, remove("ws", "never/there.txt"), remove("nobody", "x"));
    assertThat(visible(b, "ws")).isEqualTo(expected("b.txt", "beta"));
    assertThat(visible(b, "other")).isEqualTo(expected("a.txt", "x"));
  }

  /** REMOVE_WORKSPACE twice, or of an empty workspace, is fine and touches no other workspace. */
  @Test
  public void removeWorkspaceIsIdempotent() {
    IndexBackend b = backend();
    apply(
        b,
        NONE,
        index("ws", "a.txt", "alpha"),
        index("ws", "d/b.txt", "beta"),
        index("ws-2", "a.txt", "x"));
    IndexTask rm = removeWorkspace("ws");
    apply(b, NONE, rm);
    apply(b, NONE, rm);
    apply(b, NONE, removeWorkspace("never-seen"));
    assertThat(visible(b, "ws")).isEmpty();
    assertThat(visible(b, "ws-2")).isEqualTo(expected("a.txt", "x"));
    assertThat(b.workspaces()).containsExactly("ws-2");
    assertThat(b.documents("never-seen")).isEmpty();
  }

  /**
   * REINDEX_WORKSPACE makes the workspace equal to its source: stale documents go, contents come
   * from the source; applied twice it changes nothing; other workspaces are untouched.
   */
  @Test
  public void reindexEqualsTheSource() {
    IndexBackend b = backend();
    MapWorkspaceSource source =
        new MapWorkspaceSource()
            .put("ws", "a.txt", "from source")
            .put("ws", "src/Main.java", "class Main {}")
            .put("ws", "docs/ünïcödé ✓.md", "text ✓")
            .put("ws-2", "z.txt", "not reindexed");
    apply(
        b,
        source,
        index("ws", "a.txt", "stale"),
        index("ws", "gone.txt", "stale"),
        index("ws-2", "y.txt", "keep"));
    IndexTask r = reindex("ws");
    apply(b, source, r);
    assertThat(visible(b, "ws")).isEqualTo(expected(source.files("ws")));
    apply(b, source, r);
    assertThat(visible(b, "ws")).isEqualTo(expected(source.files("ws")));
    assertThat(visible(b, "ws-2")).isEqualTo(expected("y.txt", "keep"));

    source.remove("ws", "a.txt").remove("ws", "src/Main.java").remove("ws", "docs/ünïcödé ✓.md");
    apply(b, source, r);
    assertThat(visible(b, "ws")).as("reindex of a workspace with no files").isEmpty();
    assertThat(b.workspaces()).containsExactly("ws-2");
  }

  /**
   * Applying a suffix of the tasks again, in order (a replay after a crash), converges to the same
   * documents as applying everything once.
   */
  @Test
  public void replayingASuffixConverges() throws IOException {
    MapWorkspaceSource source = new MapWorkspaceSource().put("ws", "s.txt", "source");
    List<IndexTask> tasks =
        List.of(
            index("ws", "a.txt", "1"),
            index("ws", "b.txt", "2"),
            remove("ws", "a.txt"),
            reindex("ws"),
            index("ws", "a.txt", "3"),
            removeWorkspace("ws"),
            index("ws", "c.txt", "4"),
            index("ws", "a.txt", "5"),
            remove("ws", "c.txt"));
    Map<String, String> want = expected(new Model(source).applyAll(tasks).contents("ws"));
    for (int from = 0; from < tasks.size(); from++) {
      IndexBackend b = open(Files.createDirectories(dir.resolve("suffix-" + from)));
      opened.add(b);
      for (IndexTask t : tasks) {
        apply(b, source, t);
      }
      apply(b, 0, source, tasks.subList(from, tasks.size()));
      assertThat(visible(b, "ws")).as("replay from task %d", from).isEqualTo(want);
    }
  }

  /** The tasks of one batch apply in batch order: the last write to a path wins. */
  @Test
  public void batchAppliesInOrder() {
    IndexBackend b = backend();
    MapWorkspaceSource source = new MapWorkspaceSource().put("ws", "s.txt", "source");
    List<IndexTask> tasks =
        List.of(
            index("ws", "a.txt", "1"),
            index("ws", "a.txt", "2"),
            index("ws-2", "a.txt", "x"),
            remove("ws", "a.txt"),
            index("ws", "a.txt", "3"),
            reindex("ws"),
            index("ws", "b.txt", "4"),
            removeWorkspace("ws-2"),
            index("ws-2", "b.txt", "y"));
    apply(b, 0, source, tasks);
    Model model = new Model(source).applyAll(tasks);
    assertThat(visible(b, "ws")).isEqualTo(expected(model.contents("ws")));
    assertThat(visible(b, "ws-2")).isEqualTo(expected(model.contents("ws-2")));
  }

  // ------------------------------------------------------------------------------ checkpoint

  /**
   * A new index has no checkpoint ({@link Checkpoint#none()}); commit(cp) sets it; a later commit
   * replaces the logs it covers and keeps the others (a partial checkpoint, as a cluster node that
   * owns some partitions commits).
   */
  @Test
  public void commitSetsTheCheckpoint() {
    IndexBackend b = backend();
    assertThat(b.committedCheckpoint())
        .as("checkpoint of a new index")
        .isEqualTo(Checkpoint.none());
    apply(b, NONE, index("ws", "a.txt", "alpha"));
    b.commit(Checkpoint.of(2, 2, 7, 0, 3, 1));
    assertThat(b.committedCheckpoint()).isEqualTo(Checkpoint.of(2, 2, 7, 0, 3, 1));
    apply(b, NONE, index("ws", "b.txt", "beta"));
    b.commit(Checkpoint.of(2, 2, 42, 2, 3, 1));
    assertThat(b.committedCheckpoint()).isEqualTo(Checkpoint.of(2, 2, 42, 2, 3, 1));
    b.commit(Checkpoint.of(2, 2, 42, 2, 3, 1));
    assertThat(b.committedCheckpoint())
        .as("commit with nothing new")
        .isEqualTo(Checkpoint.of(2, 2, 42, 2, 3, 1));
    long nc = Checkpoint.NOT_COVERED;
    b.commit(Checkpoint.of(2, 2, nc, nc, 9, 4));
    assertThat(b.committedCheckpoint())
        .as("a partial commit keeps the logs it does not cover")
        .isEqualTo(Checkpoint.of(2, 2, 42, 2, 9, 4));
  }

  /**
   * The round-trip: commit(cp), close, reopen on the same directory: the checkpoint is cp and the
   * committed documents are there.
   */
  @Test
  public void checkpointRoundTrip() {
    assumeTrue(persistent(), "the backend does not claim to reopen what it committed");
    IndexBackend b = open(dir);
    apply(
        b,
        NONE,
        index("ws", "a.txt", "alpha"),
        index("ws", "d/b.txt", "beta"),
        index("ws-2", "c.txt", "gamma"));
    apply(b, NONE, remove("ws", "d/b.txt"));
    Checkpoint first = Checkpoint.of(3, 1, 1234, 17, 0);
    b.commit(first);
    b.close();

    IndexBackend r = open(dir);
    opened.add(r);
    assertThat(r.committedCheckpoint()).as("checkpoint after reopen").isEqualTo(first);
    assertThat(visible(r, "ws")).as("documents after reopen").isEqualTo(expected("a.txt", "alpha"));
    assertThat(visible(r, "ws-2")).isEqualTo(expected("c.txt", "gamma"));
    assertThat(r.workspaces()).containsExactlyInAnyOrder("ws", "ws-2");

    apply(r, NONE, removeWorkspace("ws"));
    r.commit(Checkpoint.of(3, 1, 2000, Checkpoint.NOT_COVERED, 5));
    r.close();
    IndexBackend again = open(dir);
    opened.add(again);
    assertThat(again.committedCheckpoint()).isEqualTo(Checkpoint.of(3, 1, 2000, 17, 5));
    assertThat(visible(again, "ws")).isEmpty();
    assertThat(again.workspaces()).containsExactly("ws-2");
  }

  /** The replay handshake returns the committed checkpoint. */
  @Test
  public void startReplayReturnsTheCommittedCheckpoint() {
    IndexBackend b = backend();
    apply(b, NONE, index("ws", "a.txt", "alpha"));
    b.commit(Checkpoint.of(1, 2, 5, 1));
    assertThat(b.startReplay()).isEqualTo(Checkpoint.of(1, 2, 5, 1));
    apply(b, NONE, index("ws", "b.txt", "beta"));
    b.commit(Checkpoint.of(1, 2, 6, 1));
    assertThat(b.committedCheckpoint()).isEqualTo(Checkpoint.of(1, 2, 6, 1));
  }

  // ------------------------------------------------------------------------------ visibility

  /** After makeVisible, documents() and workspaces() show everything applied before the call. */
  @Test
  public void visibleAfterMakeVisible() {
    IndexBackend b = backend();
    b.makeVisible();
    assertThat(b.documents("ws")).isEmpty();
    assertThat(b.workspaces()).isEmpty();
    apply(b, NONE, index("ws", "a.txt", "alpha"));
    b.makeVisible();
    assertThat(hashes(b.documents("ws"))).isEqualTo(expected("a.txt", "alpha"));
    assertThat(b.workspaces()).containsExactly("ws");
    apply(b, NONE, index("ws", "a.txt", "beta"), index("ws", "b.txt", "b"));
    b.makeVisible();
    b.makeVisible();
    assertThat(hashes(b.documents("ws"))).isEqualTo(expected("a.txt", "beta", "b.txt", "b"));
  }

  /**
   * The core's committer and maintainer threads may call {@code commit} and {@code makeVisible} at
   * the same time: both keep their guarantees. Each round applies a document, then commits and
   * refreshes from two threads released together; afterwards the refresh shows the document and the
   * checkpoint is the round's.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  public void commitAndMakeVisibleMayOverlap() throws Exception {
    IndexBackend b = backend();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= 5; round++) {
        apply(b, NONE, index("ws", "f" + round + ".txt", "v" + round));
        Checkpoint cp = Checkpoint.of(1, 1, round);
        CountDownLatch start = new CountDownLatch(1);
        Future<?> commit =
            pool.submit(
                () -> {
                  start.await();
                  b.commit(cp);
                  return null;
                });
        Future<?> refresh =
            pool.submit(
                () -> {
                  start.await();
                  b.makeVisible();
                  return null;
                });
        start.countDown();
        commit.get(1, TimeUnit.MINUTES);
        refresh.get(1, TimeUnit.MINUTES);
        assertThat(b.committedCheckpoint()).isEqualTo(cp);
        assertThat(b.documents("ws")).as("round %d", round).hasSize(round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** documents() is sorted by path and carries ContentHash and the content's length. */
  @Test
  public void documentsAreSortedWithContentHash() {
    IndexBackend b = backend();
    Map<String, String> contents = new TreeMap<>();
    contents.put("z.txt", "last");
    contents.put("a/b/c.md", "");
    contents.put("A.txt", "upper case sorts first");
    contents.put("é/ü.txt", "unicode ✓ content with NUL \0 and\nnewlines");
    contents.put("a b.txt", "a space in the path");
    contents.put("a/big.txt", "x".repeat(100_000));
    List<IndexTask> tasks = new ArrayList<>();
    contents.forEach((p, c) -> tasks.add(0, index("ws", p, c)));
    apply(b, 0, NONE, tasks);
    b.makeVisible();
    List<IndexedDocument> docs = b.documents("ws");
    assertThat(docs)
        .extracting(IndexedDocument::path)
        .isEqualTo(new ArrayList<>(contents.keySet()));
    for (IndexedDocument d : docs) {
      String c = contents.get(d.path());
      assertThat(d.contentHash()).as("hash of %s", d.path()).isEqualTo(ContentHash.of(c));
      assertThat(d.contentLength()).as("length of %s", d.path()).isEqualTo(c.length());
    }
  }

  /** workspaces() lists exactly the workspaces with at least one document. */
  @Test
  public void workspacesListsThoseWithDocuments() {
    IndexBackend b = backend();
    apply(
        b,
        NONE,
        index("ws-a", "x", "1"),
        index("ws-b", "x", "2"),
        index("ws-c", "x", "3"),
        index("ws-c", "y", "4"));
    b.makeVisible();
    assertThat(b.workspaces()).containsExactlyInAnyOrder("ws-a", "ws-b", "ws-c");
    apply(b, NONE, remove("ws-b", "x"), removeWorkspace("ws-a"), remove("ws-c", "x"));
    b.makeVisible();
    assertThat(b.workspaces())
        .as("after removing every document of ws-a and ws-b")
        .containsExactly("ws-c");
  }

  // ------------------------------------------------------------------------------ concurrency

  /**
   * Four lanes apply batches of disjoint workspaces concurrently while commits and refreshes run
   * (never two commits or two refreshes at once, as the core guarantees): the result equals the
   * model.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  public void concurrentAppliesOfDisjointWorkspaces() throws Exception {
    IndexBackend b = backend();
    int lanes = 4;
    int batches = 50;
    ExecutorService pool = Executors.newFixedThreadPool(lanes + 1);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Model>> futures = new ArrayList<>();
    for (int lane = 0; lane < lanes; lane++) {
      int l = lane;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                Model model = new Model();
                String ws = "lane-" + l;
                for (int i = 0; i < batches; i++) {
                  List<IndexTask> batch = new ArrayList<>();
                  for (int k = 0; k < 5; k++) {
                    int n = i * 5 + k;
                    batch.add(
                        n % 7 == 6
                            ? remove(ws, "f" + (n % 11))
                            : index(ws, "f" + (n % 11), "v" + n));
                  }
                  apply(b, l, NONE, batch);
                  model.applyAll(batch);
                }
                return model;
              }));
    }
    Future<?> maintenance =
        pool.submit(
            () -> {
              start.await();
              for (int i = 0; i < 20; i++) {
                b.commit(Checkpoint.of(1, 1, i + 1));
                b.makeVisible();
              }
              return null;
            });
    start.countDown();
    maintenance.get(1, TimeUnit.MINUTES);
    for (int lane = 0; lane < lanes; lane++) {
      Model model = futures.get(lane).get(1, TimeUnit.MINUTES);
      assertThat(visible(b, "lane-" + lane))
          .as("lane %d", lane)
          .isEqualTo(expected(model.contents("lane-" + lane)));
    }
    pool.shutdown();
  }

  // ------------------------------------------------------------------------------ search

  /** Files of code a search must read as code (written for these tests). */
  private static final Map<String, String> CODE =
      Map.of(
          "src/Semigroup.scala",
          "trait Semigroup[A] {\n"
              + "  def combine(x: A, y: A): A\n"
              + "  def |+|(y: A): A = combine(this, y)\n"
              + "}\n",
          "src/FlatMap.scala",
          "import scala.annotation.tailrec\n"
              + "\n"
              + "trait FlatMap[F[_]] {\n"
              + "  def >>=[B](f: A => F[B]): F[B]\n"
              + "  def <*>[B](ff: F[A => B]): F[B]\n"
              + "  def *>[B](fb: F[B]): F[B]\n"
              + "  @tailrec\n"
              + "  final def loop(n: Int, acc: List[Int]): List[Int] =\n"
              + "    if (n == 0) acc else loop(n - 1, n :: acc)\n"
              + "}\n",
          "src/Ior.scala",
          "object Ior {\n"
              + "  val a = Map.empty\n"
              + "  val b = Map.empty\n"
              + "  val c = Map.empty\n"
              + "  def left(ior: Ior) = ior.leftMap(f)\n"
              + "  val pairs = List(\"a\" -> 1)\n"
              + "}\n",
          "src/Eq.scala",
          "trait Eq {\n"
              + "  def ===(y: A): Boolean\n"
              + "  val M = Alternative[List]\n"
              + "  def twice = M.tailRecM(0)\n"
              + "}\n",
          "src/Best.scala",
          "val leftMapK = 1\nval x = leftMap(y)\n",
          "docs/zebra-notes.md",
          "Nothing about the animal here.\n",
          "docs/phrase.md",
          "implicit values\nfinal words\nimplicit final class Foo\nclass final implicit\n");

  private IndexBackend searchableBackend() {
    assumeTrue(searchable(), "the backend does not search");
    IndexBackend b = backend();
    List<IndexTask> tasks = new ArrayList<>();
    new TreeMap<>(CODE).forEach((p, c) -> tasks.add(index("ws", p, c)));
    apply(b, 0, NONE, tasks);
    b.makeVisible();
    return b;
  }

  private static List<String> paths(SearchResults r) {
    return r.hits().stream().map(SearchHit::path).sorted().toList();
  }

  /** The highlighted texts of a hit's lines. */
  private static List<String> highlighted(SearchHit hit) {
    List<String> out = new ArrayList<>();
    for (SearchHit.MatchLine l : hit.lines()) {
      for (SearchHit.Range r : l.highlights()) {
        out.add(l.text().substring(r.start(), r.end()));
      }
    }
    return out;
  }

  /** The one hit for {@code path}. */
  private static SearchHit hit(SearchResults r, String path) {
    return r.hits().stream()
        .filter(h -> h.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no hit for " + path + " in " + r));
  }

  private static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Operators and annotations are searched as written ({@code |+|}, {@code >>=}, {@code ::}, {@code
   * ->}, {@code ===}, <code>&#64;tailrec</code>, {@code <*>}, {@code *>}): exactly the files that
   * hold them, lines that hold them, highlights that cover exactly them.
   */
  @Test
  public void operatorsAndAnnotationsAreSearchable() {
    IndexBackend b = searchableBackend();
    Map<String, List<String>> expected = new TreeMap<>();
    expected.put("|+|", List.of("src/Semigroup.scala"));
    expected.put(">>=", List.of("src/FlatMap.scala"));
    expected.put("::", List.of("src/FlatMap.scala"));
    expected.put("->", List.of("src/Ior.scala"));
    expected.put("===", List.of("src/Eq.scala"));
    expected.put("@tailrec", List.of("src/FlatMap.scala"));
    expected.put("<*>", List.of("src/FlatMap.scala"));
    expected.put("*>", List.of("src/FlatMap.scala"));
    expected.forEach(
        (op, files) -> {
          SearchResults r = b.search("ws", op, 10);
          assertThat(paths(r)).as("files holding %s", op).isEqualTo(files);
          for (SearchHit h : r.hits()) {
            assertThat(h.pathOnly()).as("%s in %s", op, h.path()).isFalse();
            assertThat(h.lines()).as("lines of %s in %s", op, h.path()).isNotEmpty();
            for (SearchHit.MatchLine l : h.lines()) {
              assertThat(l.text()).as("a line shown for %s", op).contains(op);
            }
            assertThat(highlighted(h)).as("highlights of %s", op).isNotEmpty().containsOnly(op);
          }
        });
    assertThat(hit(b.search("ws", "@tailrec", 10), "src/FlatMap.scala").lines())
        .as("the annotation's line, not the import of scala.annotation.tailrec")
        .extracting(SearchHit.MatchLine::lineNumber)
        .containsExactly(7);
  }

  /**
   * Every line shown holds the whole identifier searched, never only a fragment of it ({@code val M
   * = ...} for {@code tailRecM}, {@code Map.empty} for {@code leftMap}); a line holding it as a
   * whole word comes before a line holding it inside a longer one.
   */
  @Test
  public void linesHoldTheWholeIdentifierBestFirst() {
    IndexBackend b = searchableBackend();
    SearchHit eq = hit(b.search("ws", "tailRecM", 10), "src/Eq.scala");
    assertThat(eq.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(4);
    assertThat(highlighted(eq)).containsOnly("tailRecM");

    SearchHit ior = hit(b.search("ws", "leftMap", 10), "src/Ior.scala");
    assertThat(ior.lines())
        .as("the occurrence after three Map.empty lines")
        .extracting(SearchHit.MatchLine::lineNumber)
        .containsExactly(5);
    assertThat(highlighted(ior)).containsExactly("leftMap");

    SearchHit best = hit(b.search("ws", "leftMap", 10), "src/Best.scala");
    assertThat(best.lines()).as("leftMap(y) before leftMapK").isNotEmpty();
    assertThat(best.lines().get(0).lineNumber()).isEqualTo(2);
    for (SearchHit.MatchLine l : best.lines()) {
      assertThat(lower(l.text())).contains("leftmap");
    }
  }

  /** A phrase shows the lines that hold the phrase, not lines with its words apart. */
  @Test
  public void phraseQueriesShowLinesWithThePhrase() {
    IndexBackend b = searchableBackend();
    SearchResults r = b.search("ws", "\"implicit final class\"", 10);
    assertThat(paths(r)).containsExactly("docs/phrase.md");
    SearchHit h = r.hits().get(0);
    assertThat(h.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(3);
    assertThat(highlighted(h)).containsExactly("implicit final class");
  }

  /** An OR shows lines holding either alternative, and files holding either. */
  @Test
  public void orQueriesShowLinesWithAnAlternative() {
    IndexBackend b = searchableBackend();
    SearchResults r = b.search("ws", "combine OR tailRecM", 10);
    assertThat(paths(r)).containsExactly("src/Eq.scala", "src/Semigroup.scala");
    for (SearchHit h : r.hits()) {
      assertThat(h.lines()).isNotEmpty();
      for (SearchHit.MatchLine l : h.lines()) {
        assertThat(lower(l.text())).containsAnyOf("combine", "tailrecm");
      }
      for (String t : highlighted(h)) {
        assertThat(lower(t)).isIn("combine", "tailrecm");
      }
    }
    assertThat(hit(r, "src/Semigroup.scala").lines())
        .extracting(SearchHit.MatchLine::lineNumber)
        .contains(2, 3);
  }

  /** totalHits counts every matching file, also those beyond the limit. */
  @Test
  public void totalHitsCountEveryMatchingFile() {
    assumeTrue(searchable(), "the backend does not search");
    IndexBackend b = backend();
    List<IndexTask> tasks = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      tasks.add(index("ws", "f" + i + ".txt", "common word " + i));
    }
    tasks.add(index("ws-2", "other.txt", "common too"));
    apply(b, 0, NONE, tasks);
    b.makeVisible();
    SearchResults some = b.search("ws", "common", 10);
    assertThat(some.hits()).hasSize(10);
    assertThat(some.totalHits()).isEqualTo(25);
    assertThat(some.hasMore()).isTrue();
    SearchResults all = b.search("ws", "common", 100);
    assertThat(all.hits()).hasSize(25);
    assertThat(all.totalHits()).isEqualTo(25);
    assertThat(all.hasMore()).isFalse();
    assertThat(b.search("ws", "absent", 10).totalHits()).isZero();
  }

  /** A file found by its path only is marked path-only and has no lines. */
  @Test
  public void pathOnlyHitsAreMarked() {
    IndexBackend b = searchableBackend();
    SearchResults r = b.search("ws", "zebra", 10);
    assertThat(paths(r)).containsExactly("docs/zebra-notes.md");
    assertThat(r.hits().get(0).pathOnly()).isTrue();
    assertThat(r.hits().get(0).lines()).isEmpty();
    SearchHit content = hit(b.search("ws", "animal", 10), "docs/zebra-notes.md");
    assertThat(content.pathOnly()).isFalse();
    assertThat(content.lines()).extracting(SearchHit.MatchLine::lineNumber).containsExactly(1);
  }

  // ------------------------------------------------------------------------------ close

  /** Closing twice is a no-op. */
  @Test
  public void closeTwiceIsANoOp() {
    IndexBackend b = open(dir);
    apply(b, NONE, index("ws", "a.txt", "alpha"));
    b.commit(Checkpoint.of(1, 1, 1));
    b.close();
    b.close();
  }
}
