package dev.indexqueue.clusterdemo;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * The demo's in-process clusters: Kafka (KafkaClusterTestKit, 1 controller and 3 brokers; three
 * combined nodes fail and hang on close) with replication factor 3 and {@code
 * min.insync.replicas=2}, so one stopped broker loses nothing; SolrCloud (MiniSolrCloudCluster, 2
 * nodes) with a collection of 2 shards × 2 replicas, so one stopped node loses nothing. Not
 * thread-safe: one thread starts, stops and restarts nodes.
 */
final class Clusters implements AutoCloseable {
  static final int BROKERS = 3;
  static final int SOLR_NODES = 2;

  private KafkaClusterTestKit kafka;
  private MiniSolrCloudCluster solr;
  private final List<Integer> stoppedBrokers = new ArrayList<>();
  private final List<JettySolrRunner> stoppedSolr = new ArrayList<>();
  private boolean closed;

  /** Starts Kafka and waits until its brokers are ready. */
  void startKafka() throws Exception {
    // a broker whose log directory fails (the kit's own exit hook deletes its directories while
    // the demo's hook still stops things, on Ctrl-C) would halt the whole JVM: the demo's
    // clean-up must run to its end instead
    Exit.setHaltProcedure(
        (code, message) ->
            System.err.println(
                "cluster-demo: a Kafka broker asked to halt (" + code + "): " + message));
    Exit.setExitProcedure(
        (code, message) ->
            System.err.println(
                "cluster-demo: a Kafka broker asked to exit (" + code + "): " + message));
    kafka =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(BROKERS)
                    .setCombined(false)
                    .build())
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("default.replication.factor", "3")
            .setConfigProp("min.insync.replicas", "2")
            .setConfigProp("offsets.topic.replication.factor", "3")
            .setConfigProp("offsets.topic.num.partitions", "3")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("group.min.session.timeout.ms", "1000")
            .setConfigProp("num.network.threads", "2")
            .setConfigProp("num.io.threads", "2")
            .setConfigProp("num.replica.fetchers", "1")
            .setConfigProp("log.cleaner.enable", "false")
            .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
  }

  /** Starts SolrCloud (ZooKeeper and 2 nodes) in {@code dir}. */
  void startSolr(Path dir) throws Exception {
    solr = new MiniSolrCloudCluster.Builder(SOLR_NODES, dir).withMetrics(false).build();
  }

  /** Creates {@code collection} (2 shards × 2 replicas) with the indexqueue configset. */
  void createCollection(String collection) throws Exception {
    try (IndexBackend b =
        Providers.indexBackend(
            "solr",
            Map.of(
                "zkHost",
                zkHost(),
                "collection",
                collection,
                "createCollection",
                "true",
                "shards",
                "2",
                "replicas",
                "2"))) {
      // created by opening
    }
    solr.waitForActiveCollection(collection, 30, TimeUnit.SECONDS, 2, 4);
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  String zkHost() {
    return solr.getZkServer().getZkAddress();
  }

  /** The ids of the brokers that run now. */
  List<Integer> runningBrokers() {
    List<Integer> ids = new ArrayList<>(kafka.brokers().keySet());
    ids.removeAll(stoppedBrokers);
    return ids;
  }

  /** Stops broker {@code id} (controlled shutdown: leadership moves to the others). */
  void stopBroker(int id) {
    kafka.brokers().get(id).shutdown();
    kafka.brokers().get(id).awaitShutdown();
    stoppedBrokers.add(id);
  }

  /** Starts the stopped broker {@code id} again (its log is still on disk) and waits for it. */
  void restartBroker(int id) throws Exception {
    kafka.brokers().get(id).startup();
    stoppedBrokers.remove(Integer.valueOf(id));
    kafka.waitForReadyBrokers();
  }

  /** The Solr nodes that run now (their port numbers name them). */
  List<JettySolrRunner> runningSolrNodes() {
    List<JettySolrRunner> out = new ArrayList<>();
    for (JettySolrRunner j : solr.getJettySolrRunners()) {
      if (j.isRunning()) {
        out.add(j);
      }
    }
    return out;
  }

  /** Stops a Solr node. */
  void stopSolrNode(JettySolrRunner node) throws Exception {
    solr.stopJettySolrRunner(node);
    solr.waitForJettyToStop(node);
    stoppedSolr.add(node);
  }

  /** Starts a stopped Solr node again on its port and waits until the collection is whole. */
  void restartSolrNode(JettySolrRunner node, String collection) throws Exception {
    solr.startJettySolrRunner(node, true);
    stoppedSolr.remove(node);
    solr.waitForActiveCollection(collection, 120, TimeUnit.SECONDS, 2, 4);
  }

  /** Stops everything; a second call is a no-op. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (kafka != null) {
      try {
        kafka.close();
      } catch (Exception e) {
        System.err.println("cluster-demo: stopping Kafka failed: " + e);
      }
    }
    if (solr != null) {
      try {
        solr.shutdown();
      } catch (Exception e) {
        System.err.println("cluster-demo: stopping SolrCloud failed: " + e);
      }
    }
  }
}
