package dev.indexqueue.index.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.WorkspaceSource;
import dev.indexqueue.tck.Budget;
import dev.indexqueue.tck.MapWorkspaceSource;
import dev.indexqueue.tck.Model;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The versions: a stale writer (a node that lost its partitions and still writes) never overwrites
 * newer data; a replay after lost work converges, across both bands; a queue whose positions start
 * again moves to a new generation; a collection that lost its contents is reported as lost state.
 * Two backends on one collection stand for two nodes.
 */
class SolrVersionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String COLLECTION = "versions";
  private static final AtomicInteger WORKSPACES = new AtomicInteger();

  static SolrTestCluster cluster;
  static IndexBackend backend;

  @BeforeAll
  static void open() {
    cluster = SolrTestCluster.shared();
    backend = SolrIndexBackendProvider.open(cluster.options(COLLECTION));
  }

  @AfterAll
  static void close() {
    backend.close();
  }

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

  private static QueuedTask at(long position, IndexTask t) {
    return new QueuedTask(0, 0, position, t);
  }

  private static void apply(IndexBackend b, WorkspaceSource source, QueuedTask... tasks) {
    b.apply(new Batch(0, List.of(tasks), source));
  }

  private static Map<String, String> visible(IndexBackend b, String ws) {
    b.makeVisible();
    Map<String, String> m = new TreeMap<>();
    for (IndexedDocument d : b.documents(ws)) {
      m.put(d.path(), d.contentHash());
    }
    return m;
  }

  private static Map<String, String> hashes(String... pathThenContent) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < pathThenContent.length; i += 2) {
      m.put(pathThenContent[i], ContentHash.of(pathThenContent[i + 1]));
    }
    return m;
  }

  private static Map<String, String> hashes(Map<String, String> contents) {
    Map<String, String> m = new TreeMap<>();
    contents.forEach((p, c) -> m.put(p, ContentHash.of(c)));
    return m;
  }

  /**
   * A stale writer replays an older batch after a newer one committed: the newer documents win,
   * removals stay removed (tombstones), files of a removed or reindexed workspace do not come back,
   * and an older checkpoint does not replace the newer one.
   */
  @Test
  void aStaleWriterNeverOverwritesNewerData() {
    String ws = "zombie-" + WORKSPACES.incrementAndGet();
    MapWorkspaceSource source = new MapWorkspaceSource().put(ws, "x.txt", "from the source");
    try (IndexBackend stale = SolrIndexBackendProvider.open(cluster.options(COLLECTION))) {
      // the new owner applies and commits positions 10..12
      apply(
          backend,
          source,
          at(10, index(ws, "a.txt", "new a")),
          at(11, remove(ws, "b.txt")),
          at(12, index(ws, "c.txt", "new c")));
      backend.commit(Checkpoint.of(1, 1, 13));
      // the old owner still had positions 5..7 in flight
      apply(
          stale,
          source,
          at(5, index(ws, "a.txt", "old a")),
          at(6, index(ws, "b.txt", "old b")),
          at(7, index(ws, "c.txt", "old c")));
      stale.commit(Checkpoint.of(1, 1, 8));
      assertThat(visible(backend, ws)).isEqualTo(hashes("a.txt", "new a", "c.txt", "new c"));
      assertThat(backend.committedCheckpoint()).isEqualTo(Checkpoint.of(1, 1, 13));

      // a workspace removal fences what was written before it, also files it never saw
      apply(backend, source, at(20, removeWorkspace(ws)), at(21, index(ws, "d.txt", "d")));
      apply(
          stale,
          source,
          at(15, index(ws, "e.txt", "old e")),
          at(16, index(ws, "a.txt", "old a again")));
      assertThat(visible(backend, ws)).isEqualTo(hashes("d.txt", "d"));

      // so does a reindex: the workspace equals its source, whatever older writes come later
      apply(backend, source, at(30, reindex(ws)));
      apply(stale, source, at(25, index(ws, "y.txt", "old y")), at(26, remove(ws, "x.txt")));
      assertThat(visible(backend, ws)).isEqualTo(hashes("x.txt", "from the source"));
      assertThat(backend.workspaces()).contains(ws);

      // and a stale removal of the whole workspace removes nothing newer
      apply(stale, source, at(29, removeWorkspace(ws)));
      assertThat(visible(backend, ws)).isEqualTo(hashes("x.txt", "from the source"));
    }
  }

  // ------------------------------------------------------------------------------ properties

  /** One workspace's accepted tasks with where the queue put them, and the commit points. */
  record History(List<QueuedTask> tasks, int committed, int applied) {
    @Override
    public String toString() {
      StringBuilder sb =
          new StringBuilder("committed before " + committed + ", applied " + applied);
      for (int i = 0; i < tasks.size(); i++) {
        QueuedTask q = tasks.get(i);
        sb.append("\n  ")
            .append(i)
            .append(": band ")
            .append(q.band())
            .append(" @")
            .append(q.position())
            .append(" pred ")
            .append(q.predecessor())
            .append(' ')
            .append(q.task().type())
            .append(' ')
            .append(q.task().path() == null ? "" : q.task().path())
            .append(q.task().content() == null ? "" : " = " + q.task().content());
      }
      return sb.toString();
    }
  }

  private static final List<String> PATHS = List.of("p0", "p1", "p2");

  /**
   * Histories as Admission builds them: each task goes to band 0 or (urgent) band 1 at the next
   * position of its band (with gaps: other workspaces share the logs), linked to the previous task
   * unless that one was committed when it was accepted; {@code committed} tasks are committed at
   * the end, {@code applied} (at least that many) were applied before the crash.
   */
  private static Gen<History> histories(int bands, String ws) {
    Gen<int[]> step = Generate.intArrays(Generate.constant(5), Generate.range(0, 99));
    return SourceDSL.lists()
        .of(step)
        .ofSizeBetween(1, 14)
        .zip(
            Generate.range(0, 1000),
            Generate.range(0, 1000),
            (steps, c, a) -> {
              List<QueuedTask> tasks = new ArrayList<>();
              long[] next = {0, 0};
              int commitLevel = 0;
              for (int i = 0; i < steps.size(); i++) {
                int[] s = steps.get(i);
                int band = bands == 2 && s[0] < 35 ? 1 : 0;
                long position = next[band] + s[1] % 3;
                next[band] = position + 1;
                // the commit level grows as the core commits (never past the task before this one)
                commitLevel = Math.max(commitLevel, Math.min(i, s[2] % (i + 1) + (s[2] % 2)));
                Predecessor pred = null;
                if (i > 0 && i - 1 >= commitLevel) {
                  QueuedTask prev = tasks.get(i - 1);
                  pred = new Predecessor(prev.band(), prev.position());
                }
                IndexTask t;
                int kind = s[3] % 20;
                String path = PATHS.get(s[4] % PATHS.size());
                if (kind < 11) {
                  t = index(ws, path, "v" + i);
                } else if (kind < 17) {
                  t = remove(ws, path);
                } else if (kind < 19) {
                  t = removeWorkspace(ws);
                } else {
                  t = reindex(ws);
                }
                tasks.add(new QueuedTask(0, band, position, t, pred));
              }
              int committed = Math.min(commitLevel, c % (tasks.size() + 1));
              int applied = committed + a % (tasks.size() - committed + 1);
              return new History(tasks, committed, applied);
            });
  }

  private static MapWorkspaceSource sourceOf(String ws) {
    return new MapWorkspaceSource().put(ws, "p0", "source p0").put(ws, "s.txt", "source s");
  }

  private static Map<String, String> model(History h, MapWorkspaceSource source, String ws) {
    Model m = new Model(source);
    for (QueuedTask q : h.tasks()) {
      m.apply(q.task());
    }
    return hashes(m.contents(ws));
  }

  /**
   * Lost work across both bands: the tasks up to some point were applied (their documents stay in
   * Solr), the backend lost track, and the core replays from the committed prefix to the end in
   * acceptance order: the documents equal the model, whatever the pre-crash writes' versions.
   */
  @Test
  void aReplayConvergesAcrossBothBands() {
    runHistories(
        2,
        (h, ws, source) -> {
          applyInBatches(h.tasks().subList(0, h.applied()), source);
          applyInBatches(h.tasks().subList(h.committed(), h.tasks().size()), source);
        });
  }

  /**
   * With one band (the cluster setting: one Kafka log per partition) the versions order every task
   * of a workspace: after everything was applied, a stale writer re-applying any run of older tasks
   * changes nothing.
   */
  @Test
  void withOneBandNoStaleRunChangesAnything() {
    runHistories(
        1,
        (h, ws, source) -> {
          applyInBatches(h.tasks(), source);
          int from = Math.min(h.committed(), h.tasks().size() - 1);
          applyInBatches(h.tasks().subList(from, h.applied()), source);
        });
  }

  private interface Run {
    void run(History h, String ws, MapWorkspaceSource source);
  }

  private static void runHistories(int bands, Run run) {
    int examples = Budget.of("indexq.solr.examples", 15);
    AtomicInteger runs = new AtomicInteger();
    qt().withExamples(examples)
        .forAll(histories(bands, "placeholder"))
        .checkAssert(
            h0 -> {
              String ws = "h-" + bands + "-" + WORKSPACES.incrementAndGet();
              History h = rename(h0, ws);
              MapWorkspaceSource source = sourceOf(ws);
              run.run(h, ws, source);
              assertThat(visible(backend, ws))
                  .as("documents of %s", h)
                  .isEqualTo(model(h, source, ws));
              runs.incrementAndGet();
            });
    assertThat(runs.get()).isPositive();
  }

  private static History rename(History h, String ws) {
    List<QueuedTask> out = new ArrayList<>();
    for (QueuedTask q : h.tasks()) {
      IndexTask t = q.task();
      out.add(
          new QueuedTask(
              q.partition(),
              q.band(),
              q.position(),
              new IndexTask(t.type(), ws, t.path(), t.content(), t.priority(), t.timestamp()),
              q.predecessor()));
    }
    return new History(out, h.committed(), h.applied());
  }

  /** Applies tasks in order, in batches of up to three. */
  private static void applyInBatches(List<QueuedTask> tasks, WorkspaceSource source) {
    for (int i = 0; i < tasks.size(); i += 3) {
      backend.apply(new Batch(0, tasks.subList(i, Math.min(tasks.size(), i + 3)), source));
    }
  }

  // ------------------------------------------------------------------------------ generations

  /**
   * A queue whose positions started again (a new memory queue over the same collection): its first
   * task lies below the committed checkpoint, the versions move to a new generation, and the new
   * tasks win over the old documents.
   */
  @Test
  void aQueueThatStartsAgainMovesToANewGeneration() {
    String collection = "generations";
    try (IndexBackend first = SolrIndexBackendProvider.open(cluster.options(collection))) {
      List<QueuedTask> tasks = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        tasks.add(at(i, index("gen", "a.txt", "old " + i)));
      }
      first.apply(new Batch(0, tasks, WorkspaceSource.none()));
      first.commit(Checkpoint.of(1, 1, 10));
    }
    try (SolrIndexBackend again = SolrIndexBackend.open(cluster.options(collection))) {
      long before = again.generation();
      apply(again, WorkspaceSource.none(), at(0, index("gen", "a.txt", "new")));
      assertThat(again.generation()).isEqualTo(before + 1);
      assertThat(visible(again, "gen")).isEqualTo(hashes("a.txt", "new"));
      again.commit(Checkpoint.of(1, 1, 1));
      assertThat(again.committedCheckpoint()).isEqualTo(Checkpoint.of(1, 1, 1));
      apply(again, WorkspaceSource.none(), at(1, index("gen", "a.txt", "newer")));
      assertThat(again.generation()).as("moves on once").isEqualTo(before + 1);
      assertThat(visible(again, "gen")).isEqualTo(hashes("a.txt", "newer"));
    }
  }

  /**
   * A collection emptied behind the backend's back lost what it held: the next commit says so with
   * BackendStateLostException, work is refused until the replay handshake, which returns what the
   * collection still has as committed.
   */
  @Test
  void aCollectionThatLostItsContentsIsLostState() {
    String collection = "lost";
    try (IndexBackend b = SolrIndexBackendProvider.open(cluster.options(collection))) {
      apply(b, WorkspaceSource.none(), at(0, index("lost", "a.txt", "a")));
      b.commit(Checkpoint.of(1, 1, 1));
      cluster.empty(collection);
      apply(b, WorkspaceSource.none(), at(1, index("lost", "b.txt", "b")));
      assertThatThrownBy(() -> b.commit(Checkpoint.of(1, 1, 2)))
          .isInstanceOf(BackendStateLostException.class)
          .hasMessageContaining("lost what it held");
      assertThatThrownBy(() -> apply(b, WorkspaceSource.none(), at(2, index("lost", "c", "c"))))
          .isInstanceOf(BackendStateLostException.class);
      assertThat(b.startReplay()).isEqualTo(Checkpoint.none());
      apply(
          b,
          WorkspaceSource.none(),
          at(0, index("lost", "a.txt", "a")),
          at(1, index("lost", "b.txt", "b")));
      b.commit(Checkpoint.of(1, 1, 2));
      assertThat(visible(b, "lost")).isEqualTo(hashes("a.txt", "a", "b.txt", "b"));
      assertThat(b.committedCheckpoint()).isEqualTo(Checkpoint.of(1, 1, 2));
    }
  }
}
