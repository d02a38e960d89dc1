package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Role;
import dev.indexqueue.SearchHit;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
import dev.indexqueue.index.lucene.LuceneIndexOptions;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.PartitionListener;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting across nodes (docs/DESIGN.md §12.1): a PRODUCER service and a WORKER service share one
 * queue and one backend storage, as two nodes of a cluster share Kafka and Solr. The producer's
 * tickets reach DURABLE and VISIBLE, and its {@code awaitIndexReady} returns, although the worker
 * applies every task: its checkpoint watcher reads the shared backend's committed and visible
 * checkpoints, no more often than the refresh interval and only while someone waits.
 */
class CrossNodeWaitTest {
  private static final Duration REFRESH = Duration.ofMillis(150);

  /**
   * One queue for two services of this JVM, like a cluster queue: it reports itself shared, tells
   * the subscribed worker when the producer appends ({@link PartitionListener#arrived}) and
   * outlives the services (the test closes it).
   */
  static final class SharedQueue implements TaskQueue {
    private final TaskQueue q;
    private volatile PartitionListener worker;

    SharedQueue(TaskQueue q) {
      this.q = q;
    }

    @Override
    public int partitions() {
      return q.partitions();
    }

    @Override
    public int bands() {
      return q.bands();
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      long at = q.append(partition, band, task, predecessor);
      PartitionListener l = worker;
      if (at != FULL && l != null) {
        l.arrived(partition);
      }
      return at;
    }

    @Override
    public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
      return q.read(partition, band, fromPosition, maxTasks);
    }

    @Override
    public void acknowledge(int partition, int band, long position) {
      q.acknowledge(partition, band, position);
    }

    @Override
    public long firstPosition(int partition, int band) {
      return q.firstPosition(partition, band);
    }

    @Override
    public long endPosition(int partition, int band) {
      return q.endPosition(partition, band);
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
    public void subscribe(PartitionListener listener) {
      worker = listener;
      TaskQueue.super.subscribe(listener);
    }

    @Override
    public boolean isShared() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** Records when the producer's service reads the backend's checkpoints. */
  static final class ReadCounting extends ForwardingIndexBackend {
    final List<Long> committedReads = new CopyOnWriteArrayList<>();
    final List<Long> visibleReads = new CopyOnWriteArrayList<>();

    ReadCounting(IndexBackend delegate) {
      super(delegate);
    }

    @Override
    public Checkpoint committedCheckpoint() {
      committedReads.add(System.nanoTime());
      return delegate.committedCheckpoint();
    }

    @Override
    public Checkpoint visibleCheckpoint() {
      visibleReads.add(System.nanoTime());
      return delegate.visibleCheckpoint();
    }
  }

  private static IndexingService worker(SharedQueue queue, IndexBackend backend) {
    return IndexingService.builder()
        .queue(queue)
        .backend(backend)
        .lanes(2)
        .role(Role.WORKER)
        .commitPolicy(CommitPolicy.of(1_000, Duration.ofMillis(100)))
        .refreshInterval(REFRESH)
        .build();
  }

  private static IndexingService producer(
      SharedQueue queue, IndexBackend backend, Duration refresh) {
    return IndexingService.builder()
        .queue(queue)
        .backend(backend)
        .lanes(2)
        .role(Role.PRODUCER)
        .refreshInterval(refresh)
        .build();
  }

  @Test
  void aProducersTicketsReachEveryStageWhenAnotherServiceAppliesThem() throws Exception {
    TaskQueue memory = MemoryTaskQueueProvider.newQueue(4, 10_000);
    SharedQueue queue = new SharedQueue(memory);
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    RecordingBackend workerBackend = new RecordingBackend(storage);
    ReadCounting producerBackend = new ReadCounting(new RecordingBackend(storage));
    try (IndexingService worker = worker(queue, workerBackend);
        IndexingService producer = producer(queue, producerBackend, REFRESH)) {
      // from here on only the checkpoint watcher reads (the build read the committed one once)
      producerBackend.committedReads.clear();
      producerBackend.visibleReads.clear();
      long start = System.nanoTime();
      List<Ticket> tickets = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String ws = "ws-" + (i % 7);
        tickets.add(producer.submit(IndexTask.indexFile(ws, "f" + (i % 13), "v" + i)));
      }
      // an urgent task (band 1) and a workspace-wide one
      tickets.add(
          producer.submit(IndexTask.indexFile("ws-1", "urgent.txt", "now").withPriority(-5)));
      tickets.add(producer.submit(IndexTask.removeWorkspace("ws-6")));

      for (Ticket t : tickets) {
        assertThat(t.durable().get(30, TimeUnit.SECONDS)).isSameAs(t);
        assertThat(t.visible().get(30, TimeUnit.SECONDS)).isSameAs(t);
        assertThat(t.applied().get(30, TimeUnit.SECONDS)).isSameAs(t);
      }
      for (int w = 0; w < 7; w++) {
        assertThat(producer.awaitIndexReady("ws-" + w, Duration.ofSeconds(30))).isTrue();
      }
      // what the tickets say is true of the shared backend: every task is committed
      Checkpoint committed = storage.checkpoint();
      Checkpoint visible = storage.visibleCheckpoint();
      for (Ticket t : tickets) {
        int p = t.id().partition();
        int b = t.id().band();
        assertThat(committed.position(p, b)).isGreaterThan(t.id().position());
        assertThat(visible.position(p, b)).isGreaterThan(t.id().position());
      }
      assertThat(workerBackend.contents("ws-1")).containsEntry("urgent.txt", "now");
      assertThat(workerBackend.contents("ws-6")).isEmpty();
      workerBackend.assertNoViolations();

      // the producer read the backend no more often than once per refresh interval (each round
      // reads each kind at most once, and rounds start at least an interval apart)
      assertThat(atMostOncePerInterval(producerBackend.committedReads, start)).isTrue();
      assertThat(atMostOncePerInterval(producerBackend.visibleReads, start)).isTrue();
      System.out.printf(
          "producer: %d committed and %d visible checkpoint reads in %d ms%n",
          producerBackend.committedReads.size(),
          producerBackend.visibleReads.size(),
          (System.nanoTime() - start) / 1_000_000);

      // nobody waits now: the producer stops reading while the worker keeps working
      int before = producerBackend.committedReads.size() + producerBackend.visibleReads.size();
      List<Ticket> quiet = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        quiet.add(producer.submit(IndexTask.indexFile("quiet", "q" + i, "q")));
      }
      // (nobody waits on these tickets: the test watches the storage itself)
      await()
          .atMost(30, TimeUnit.SECONDS)
          .until(
              () ->
                  quiet.stream()
                      .allMatch(
                          t ->
                              storage
                                      .visibleCheckpoint()
                                      .position(t.id().partition(), t.id().band())
                                  > t.id().position()));
      assertThat(producerBackend.committedReads.size() + producerBackend.visibleReads.size())
          .isEqualTo(before);

      // a wait made at once after the submit completes too
      Ticket late = producer.submit(IndexTask.indexFile("late", "a", "b"));
      assertThat(late.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
    }
    memory.close();
  }

  @Test
  void aWaitForATaskAlreadyVisibleReadsTheCheckpointsAtOnce() throws Exception {
    TaskQueue memory = MemoryTaskQueueProvider.newQueue(2, 1_000);
    SharedQueue queue = new SharedQueue(memory);
    RecordingBackend.Storage storage = new RecordingBackend.Storage();
    // the producer's refresh interval is an hour: had the first wait to wait for a due read, the
    // ticket would not complete within the test's timeouts
    try (IndexingService worker = worker(queue, new RecordingBackend(storage));
        IndexingService producer =
            producer(queue, new RecordingBackend(storage), Duration.ofHours(1))) {
      Ticket t = producer.submit(IndexTask.indexFile("ws", "a", "1"));
      await()
          .atMost(30, TimeUnit.SECONDS)
          .until(
              () ->
                  storage.visibleCheckpoint().position(t.id().partition(), t.id().band())
                      > t.id().position());
      assertThat(t.visible().get(30, TimeUnit.SECONDS)).isSameAs(t);
      assertThat(t.durable().get(30, TimeUnit.SECONDS)).isSameAs(t);
      assertThat(producer.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    }
    memory.close();
  }

  @Test
  void aProducerWithTheIndexOpenedReadOnlyWaitsAndSearches(@TempDir Path dir) throws Exception {
    TaskQueue memory = MemoryTaskQueueProvider.newQueue(4, 10_000);
    SharedQueue queue = new SharedQueue(memory);
    Path index = dir.resolve("index");
    // the worker writes the index (it creates it at open); the producer opens it read-only, as a
    // node beside the writer does: no lock, it sees the last commit it refreshed to
    try (IndexingService worker =
            worker(queue, LuceneIndexBackendProvider.open(LuceneIndexOptions.of(index)));
        IndexingService producer =
            producer(queue, LuceneIndexBackendProvider.openReadOnly(index), REFRESH)) {
      List<Ticket> tickets = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        tickets.add(
            producer.submit(
                IndexTask.indexFile("ws-" + (i % 3), "f" + i + ".txt", word(i) + " text")));
      }
      for (Ticket t : tickets) {
        assertThat(t.durable().get(30, TimeUnit.SECONDS)).isSameAs(t);
        assertThat(t.visible().get(30, TimeUnit.SECONDS)).isSameAs(t);
      }
      for (int w = 0; w < 3; w++) {
        assertThat(producer.awaitIndexReady("ws-" + w, Duration.ofSeconds(30))).isTrue();
      }
      // VISIBLE on the producer means its own searches find the documents
      for (int i = 0; i < 60; i++) {
        assertThat(producer.search("ws-" + (i % 3), word(i), 10).hits())
            .as("the producer finds f%d", i)
            .extracting(SearchHit::path)
            .containsExactly("f" + i + ".txt");
      }
      Ticket removed = producer.submit(IndexTask.removeFile("ws-0", "f0.txt"));
      assertThat(removed.await(TaskStage.VISIBLE, Duration.ofSeconds(30))).isTrue();
      assertThat(producer.search("ws-0", word(0), 10).hits()).isEmpty();
    }
    memory.close();
  }

  /** A word of letters only, one per number (the code analyzer splits words at digits). */
  private static String word(int i) {
    return "needle" + (char) ('a' + i / 26) + (char) ('a' + i % 26);
  }

  /**
   * Whether n reads fit in n - 1 refresh intervals after {@code start}: the rounds that made them
   * started after {@code start}, each at least one interval after the one before.
   */
  private static boolean atMostOncePerInterval(List<Long> reads, long start) {
    if (reads.isEmpty()) {
      return true;
    }
    long last = reads.get(reads.size() - 1);
    return (reads.size() - 1) * REFRESH.toNanos() <= last - start;
  }
}
