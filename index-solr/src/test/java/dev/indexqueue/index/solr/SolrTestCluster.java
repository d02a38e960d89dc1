package dev.indexqueue.index.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;

/**
 * An in-process SolrCloud cluster for the tests: ZooKeeper and Solr nodes (Jetty) in this JVM, on
 * loopback ports. Starting one costs seconds, so the test classes of this module share one ({@link
 * #shared()}, stopped when the JVM exits); a test that stops nodes starts its own ({@link #start}).
 * Thread-safe.
 */
final class SolrTestCluster implements AutoCloseable {
  private static SolrTestCluster shared;

  final MiniSolrCloudCluster cluster;
  private final Path dir;

  private SolrTestCluster(MiniSolrCloudCluster cluster, Path dir) {
    this.cluster = cluster;
    this.dir = dir;
  }

  /** The cluster shared by the test classes: 2 nodes, started at the first call. */
  static synchronized SolrTestCluster shared() {
    if (shared == null) {
      shared = start(2);
      SolrTestCluster s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "solr-test-cluster-stop"));
    }
    return shared;
  }

  /** Starts a cluster of its own with {@code nodes} Solr nodes. */
  static SolrTestCluster start(int nodes) {
    try {
      Path dir = Files.createTempDirectory("indexq-solr-");
      long t0 = System.nanoTime();
      MiniSolrCloudCluster c =
          new MiniSolrCloudCluster.Builder(nodes, dir).withMetrics(false).build();
      System.out.printf(
          "in-process SolrCloud: %d nodes up in %d ms%n",
          nodes, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return new SolrTestCluster(c, dir);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the in-process SolrCloud cluster", e);
    }
  }

  /** The ZooKeeper connection string (with the cluster's chroot). */
  String zkHost() {
    return cluster.getZkServer().getZkAddress();
  }

  /** Options for {@code collection}, created with 2 shards × 2 replicas when missing. */
  SolrIndexOptions options(String collection) {
    return SolrIndexOptions.zk(zkHost(), collection).creating(2, 2);
  }

  /** Deletes every document of a collection and commits (hard and soft). */
  void empty(String collection) {
    try {
      UpdateRequest r = new UpdateRequest();
      r.deleteByQuery("*:*");
      r.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true, false);
      r.process(cluster.getSolrClient(), collection);
      UpdateRequest soft = new UpdateRequest();
      soft.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true, true);
      soft.process(cluster.getSolrClient(), collection);
    } catch (Exception e) {
      throw new IllegalStateException("cannot empty " + collection, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      cluster.shutdown();
    } catch (Exception e) {
      System.err.println("stopping the in-process SolrCloud failed: " + e);
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (Exception e) {
      // best effort: a temporary directory
    }
  }
}
