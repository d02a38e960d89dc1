package dev.indexqueue.index.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.RetryPolicy;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.TransientBackendException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.solr.embedded.JettySolrRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One Solr node of two is stopped while the service's lanes write (a collection of 2 shards × 2
 * replicas, so every shard keeps a replica), later the other one too, while more tasks wait: the
 * writes that fail are retried until a node is back, none is lost or dead-lettered, and the
 * documents and searches are right afterwards, with one node up and again with both. A cluster of
 * its own: it stops nodes.
 *
 * <p>Requests time out after 15 s here, not 60: a node stopped and started in this JVM can leave a
 * connection to it that never answers, and the first read after the restart then hangs until its
 * timeout (seen once in CI). The writes are retried by the lanes, the checks' reads by the checks.
 */
class SolrNodeStopTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int WORKSPACES = 8;
  private static final int FILES = 150;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

  static SolrTestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = SolrTestCluster.start(2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aNodeStoppedWhileALaneWritesLosesNothing() throws Exception {
    // a request that hangs on a node just stopped or restarted fails after 15 s and is retried
    // (writes by the lane, reads by the checks below) instead of holding the test for 60 s
    IndexBackend backend =
        SolrIndexBackendProvider.open(cluster.options("nodestop").withRequestTimeout(READ_TIMEOUT));
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(2, 100_000))
            .backend(backend)
            .lanes(2)
            .batchSize(50)
            .retryPolicy(new RetryPolicy(100, Duration.ofMillis(50), Duration.ofSeconds(2), 2.0))
            .build();
    Map<String, Map<String, String>> expected = new TreeMap<>();
    JettySolrRunner node0 = cluster.cluster.getJettySolrRunner(0);
    JettySolrRunner node1 = cluster.cluster.getJettySolrRunner(1);
    boolean down0 = false;
    boolean down1 = false;
    try {
      // round 0; a third applied, node 1 stops while the lanes write
      submitRound(service, expected, 0, FILES);
      long third = service.queueStatus().accepted() / 3;
      await().atMost(Duration.ofMinutes(2)).until(() -> service.queueStatus().applied() >= third);
      cluster.cluster.stopJettySolrRunner(node1);
      cluster.cluster.waitForJettyToStop(node1);
      down1 = true;
      // round 1 goes to the one node left; then that node stops too, and round 2 waits for it:
      // every write fails until a node is back, and the lanes retry
      submitRound(service, expected, 1, FILES);
      cluster.cluster.stopJettySolrRunner(node0);
      cluster.cluster.waitForJettyToStop(node0);
      down0 = true;
      submitRound(service, expected, 2, FILES / 3);
      await().atMost(Duration.ofMinutes(1)).until(() -> service.queueStatus().retried() > 0);
      cluster.cluster.startJettySolrRunner(node0, true);
      down0 = false;
      for (String ws : expected.keySet()) {
        assertThat(service.awaitIndexReady(ws, Duration.ofMinutes(3))).as("ready: %s", ws).isTrue();
      }
      QueueStatus status = service.queueStatus();
      System.out.printf(
          "node stop: %d accepted, %d applied, %d coalesced, %d retried, %d dead letters%n",
          status.accepted(),
          status.applied(),
          status.coalesced(),
          status.retried(),
          status.deadLettered());
      assertThat(status.deadLettered()).as("dead letters").isZero();
      assertThat(status.applied() + status.coalesced()).isEqualTo(status.accepted());
      assertThat(status.retried()).as("writes retried while no node was up").isPositive();
      awaitIndexEquals(service, backend, expected, "with node 1 down");

      cluster.cluster.startJettySolrRunner(node1, true);
      down1 = false;
      cluster.cluster.waitForActiveCollection("nodestop", 2, 4);
      awaitIndexEquals(service, backend, expected, "with node 1 back");
    } finally {
      service.close();
      if (down0) {
        cluster.cluster.startJettySolrRunner(node0, true);
      }
      if (down1) {
        cluster.cluster.startJettySolrRunner(node1, true);
      }
    }
  }

  /** Submits version {@code v} of the first {@code files} files of every workspace. */
  private static void submitRound(
      IndexingService service, Map<String, Map<String, String>> expected, int v, int files) {
    for (int f = 0; f < files; f++) {
      for (int w = 0; w < WORKSPACES; w++) {
        String ws = "ws-" + w;
        String path = "dir" + (f % 7) + "/File" + f + ".java";
        String content = "class File" + f + " { int version = " + v + "; String marker" + w + "; }";
        service.submit(new IndexTask(IndexTaskType.INDEX_FILE, ws, path, content, 0, T0));
        expected.computeIfAbsent(ws, k -> new TreeMap<>()).put(path, ContentHash.of(content));
      }
    }
  }

  /**
   * Checks the documents and searches until they are right, for at most 3 minutes: a read of a
   * cluster whose node has just restarted may fail (a request to it hangs until the timeout) and is
   * tried again, as a user would; wrong documents fail the test once the time is up.
   */
  private static void awaitIndexEquals(
      IndexingService service,
      IndexBackend backend,
      Map<String, Map<String, String>> expected,
      String when) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptionsMatching(
            e -> e instanceof UncheckedIOException || e instanceof TransientBackendException)
        .untilAsserted(() -> assertIndexEquals(service, backend, expected, when));
  }

  private static void assertIndexEquals(
      IndexingService service,
      IndexBackend backend,
      Map<String, Map<String, String>> expected,
      String when) {
    backend.makeVisible();
    for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
      Map<String, String> actual = new TreeMap<>();
      for (IndexedDocument d : backend.documents(e.getKey())) {
        actual.put(d.path(), d.contentHash());
      }
      assertThat(actual).as("documents of %s %s", e.getKey(), when).isEqualTo(e.getValue());
      String marker = "marker" + e.getKey().substring(3);
      assertThat(service.search(e.getKey(), marker, 5).totalHits())
          .as("files of %s holding %s, %s", e.getKey(), marker, when)
          .isEqualTo(FILES);
      assertThat(service.search(e.getKey(), "\"version = 2\"", 5).totalHits())
          .as("files of %s written in round 2, %s", e.getKey(), when)
          .isEqualTo(FILES / 3);
    }
  }
}
