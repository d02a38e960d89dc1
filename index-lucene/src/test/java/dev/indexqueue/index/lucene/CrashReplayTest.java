package dev.indexqueue.index.lucene;

import static dev.indexqueue.index.lucene.TestSupport.expected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.SearchHit;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash loses the backend's uncommitted work; the core replays it from the checkpoint. */
class CrashReplayTest {
  @TempDir Path dir;

  private IndexingService service(TaskQueue queue, IndexBackend backend, Duration refresh) {
    return IndexingService.builder()
        .queue(queue)
        .backend(backend)
        .commitPolicy(CommitPolicy.of(1_000_000, Duration.ofDays(1))) // commit only when asked
        .refreshInterval(refresh)
        .shutdownTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5))
        .build();
  }

  @Test
  void uncommittedWorkIsReplayedAfterACrash() throws Exception {
    TaskQueue queue = new SurvivingQueue(MemoryTaskQueueProvider.newQueue(1024));
    Map<String, String> model = new TreeMap<>();
    CrashableBackend first =
        new CrashableBackend(LuceneIndexBackend.open(LuceneIndexOptions.of(dir)));
    IndexingService s1 = service(queue, first, Duration.ofMinutes(5));

    Ticket last = null;
    for (int i = 0; i < 10; i++) {
      last = s1.submit(IndexTask.indexFile("ws", "f" + i + ".txt", "committed " + i));
      model.put("f" + i + ".txt", "committed " + i);
    }
    assertThat(last.await(TaskStage.DURABLE, Duration.ofSeconds(30))).isTrue();
    long committed = s1.queueStatus().lastCheckpoint();
    assertThat(committed).isGreaterThan(last.sequence());
    Map<String, String> committedModel = new TreeMap<>(model);

    for (int i = 5; i < 15; i++) {
      s1.submit(IndexTask.indexFile("ws", "f" + i + ".txt", "uncommitted " + i));
      model.put("f" + i + ".txt", "uncommitted " + i);
    }
    s1.submit(IndexTask.removeFile("ws", "f0.txt"));
    model.remove("f0.txt");
    assertThat(s1.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    assertThat(first.documents("ws")).isEqualTo(expected(model));

    first.crash(); // the process dies: the index writer goes without a commit
    s1.shutdown(Duration.ofSeconds(5)); // its final commit fails: the backend is gone

    try (LuceneIndexBackend probe = LuceneIndexBackend.open(LuceneIndexOptions.of(dir))) {
      assertThat(probe.committedCheckpoint()).isEqualTo(committed);
      assertThat(probe.documents("ws")).isEqualTo(expected(committedModel));
    }

    // a new service on the same queue replays from the committed checkpoint
    LuceneIndexBackend second = LuceneIndexBackend.open(LuceneIndexOptions.of(dir));
    // (a short refresh interval: awaitIndexReady does not itself trigger the refresh that ends
    // a replay, see the report)
    try (IndexingService s2 = service(queue, second, Duration.ofMillis(100))) {
      assertThat(s2.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
      assertThat(second.documents("ws")).isEqualTo(expected(model));
      List<SearchHit> hits = s2.search("ws", "uncommitted", 100).hits();
      assertThat(hits).hasSize(10);
    }
    try (LuceneIndexBackend reopened = LuceneIndexBackend.open(LuceneIndexOptions.of(dir))) {
      assertThat(reopened.committedCheckpoint()).isGreaterThan(committed);
      assertThat(reopened.documents("ws")).isEqualTo(expected(model));
    }
    queue.close();
  }

  /** A queue that outlives the service that closes it, like a persistent one across a restart. */
  private static final class SurvivingQueue implements TaskQueue {
    private final TaskQueue q;

    SurvivingQueue(TaskQueue q) {
      this.q = q;
    }

    @Override
    public long append(IndexTask task) {
      return q.append(task);
    }

    @Override
    public List<QueuedTask> read(long fromPosition, int maxTasks) {
      return q.read(fromPosition, maxTasks);
    }

    @Override
    public void acknowledge(long position) {
      q.acknowledge(position);
    }

    @Override
    public long firstPosition() {
      return q.firstPosition();
    }

    @Override
    public long endPosition() {
      return q.endPosition();
    }

    @Override
    public long size() {
      return q.size();
    }

    @Override
    public long capacity() {
      return q.capacity();
    }

    @Override
    public void close() {
      // survives: the next service reads it again
    }
  }

  /** A backend that can die: after {@link #crash()} it is closed without a commit. */
  private static final class CrashableBackend implements IndexBackend {
    private final IndexBackend b;
    private volatile boolean crashed;

    CrashableBackend(IndexBackend b) {
      this.b = b;
    }

    void crash() {
      crashed = true;
      b.close();
    }

    private void alive() {
      if (crashed) {
        throw new IllegalStateException("crashed");
      }
    }

    @Override
    public void apply(Batch batch) {
      alive();
      b.apply(batch);
    }

    @Override
    public void commit(long checkpoint) {
      alive();
      b.commit(checkpoint);
    }

    @Override
    public long committedCheckpoint() {
      alive();
      return b.committedCheckpoint();
    }

    @Override
    public void makeVisible() {
      alive();
      b.makeVisible();
    }

    @Override
    public List<IndexedDocument> documents(String workspace) {
      alive();
      return b.documents(workspace);
    }

    @Override
    public Set<String> workspaces() {
      alive();
      return b.workspaces();
    }

    @Override
    public void close() {
      b.close();
    }
  }
}
