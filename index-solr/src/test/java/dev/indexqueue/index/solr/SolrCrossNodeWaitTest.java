package dev.indexqueue.index.solr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Role;
import dev.indexqueue.SearchResults;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.PartitionListener;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.tck.ForwardingTaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Waiting across nodes (docs/DESIGN.md §12.1) on SolrCloud: a PRODUCER service and a WORKER
 * service, each with its own Solr client (as two nodes have), share one queue and one collection of
 * 2 shards × 2 replicas. The producer's tickets reach DURABLE and VISIBLE and its {@code
 * awaitIndexReady} returns although only the worker applies tasks, and what a VISIBLE ticket
 * promises holds at once: the producer's own search finds the task.
 */
class SolrCrossNodeWaitTest {
  private static final Duration REFRESH = Duration.ofMillis(200);

  /**
   * One queue for two services of this JVM, like a cluster queue: shared, it tells the subscribed
   * worker when the producer appends, and outlives the services (the test closes it).
   */
  static final class SharedQueue extends ForwardingTaskQueue {
    private volatile PartitionListener worker;

    SharedQueue(TaskQueue q) {
      super(q);
    }

    @Override
    public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
      long at = delegate.append(partition, band, task, predecessor);
      PartitionListener l = worker;
      if (at != FULL && l != null) {
        l.arrived(partition);
      }
      return at;
    }

    @Override
    public void subscribe(PartitionListener listener) {
      worker = listener;
      super.subscribe(listener);
    }

    @Override
    public boolean isShared() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void theVisibleCheckpointIsWhatASearcherSeesNotWhatWasCommitted() {
    SolrTestCluster solr = SolrTestCluster.shared();
    try (IndexBackend backend = SolrIndexBackendProvider.open(solr.options("vcp"))) {
      assertThat(backend.visibleCheckpoint().isNone()).isTrue();
      backend.commit(Checkpoint.of(2, 1, 5, Checkpoint.NOT_COVERED));
      // committed (hard commit, no new searcher), not yet visible
      assertThat(backend.committedCheckpoint().position(0, 0)).isEqualTo(5);
      assertThat(backend.visibleCheckpoint().covers(0, 0)).isFalse();
      backend.makeVisible();
      Checkpoint visible = backend.visibleCheckpoint();
      assertThat(visible.position(0, 0)).isEqualTo(5);
      assertThat(visible.covers(1, 0)).isFalse();
      // another node's commit of the other partition is merged in
      backend.commit(Checkpoint.of(2, 1, Checkpoint.NOT_COVERED, 9));
      backend.makeVisible();
      assertThat(backend.visibleCheckpoint()).isEqualTo(Checkpoint.of(2, 1, 5, 9));
    }
  }

  @Test
  void aProducersTicketsReachVisibleWhenAnotherNodeAppliesThem() throws Exception {
    SolrTestCluster solr = SolrTestCluster.shared();
    TaskQueue memory = MemoryTaskQueueProvider.newQueue(4, 10_000);
    SharedQueue queue = new SharedQueue(memory);
    try (IndexingService worker =
            IndexingService.builder()
                .queue(queue)
                .backend(SolrIndexBackendProvider.open(solr.options("crossnode")))
                .lanes(2)
                .role(Role.WORKER)
                .commitPolicy(CommitPolicy.of(1_000, REFRESH))
                .refreshInterval(REFRESH)
                .build();
        IndexingService producer =
            IndexingService.builder()
                .queue(queue)
                .backend(SolrIndexBackendProvider.open(solr.options("crossnode")))
                .lanes(2)
                .role(Role.PRODUCER)
                .refreshInterval(REFRESH)
                .build()) {
      List<Ticket> tickets = new ArrayList<>();
      List<Long> visibleMillis = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String ws = "ws-" + (i % 3);
        String word = "word" + (char) ('a' + i) + "unique";
        long t0 = System.nanoTime();
        Ticket t = producer.submit(IndexTask.indexFile(ws, "f" + i + ".txt", word + " text"));
        assertThat(t.visible().get(30, TimeUnit.SECONDS)).isSameAs(t);
        visibleMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(t.durable().get(30, TimeUnit.SECONDS)).isSameAs(t);
        // VISIBLE here means this node's searches see it now, on every shard
        SearchResults r = producer.search(ws, word, 10);
        assertThat(r.hits()).extracting(h -> h.path()).containsExactly("f" + i + ".txt");
        tickets.add(t);
      }
      // a burst, then awaitIndexReady of each workspace
      for (int i = 0; i < 60; i++) {
        tickets.add(
            producer.submit(IndexTask.indexFile("ws-" + (i % 3), "burst" + i + ".txt", "burst")));
      }
      for (int w = 0; w < 3; w++) {
        assertThat(producer.awaitIndexReady("ws-" + w, Duration.ofSeconds(30))).isTrue();
        assertThat(producer.search("ws-" + w, "burst", 100).totalHits()).isEqualTo(20);
      }
      for (Ticket t : tickets) {
        assertThat(t.visible().get(30, TimeUnit.SECONDS)).isSameAs(t);
      }
      visibleMillis.sort(null);
      System.out.printf(
          "solr cross-node VISIBLE wait: median %d ms, max %d ms (R = C = %d ms)%n",
          visibleMillis.get(visibleMillis.size() / 2),
          visibleMillis.get(visibleMillis.size() - 1),
          REFRESH.toMillis());
    }
    memory.close();
  }
}
