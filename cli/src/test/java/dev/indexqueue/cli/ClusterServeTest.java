package dev.indexqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code indexq serve} as nodes of a cluster: an in-process Kafka cluster (KafkaClusterTestKit, 1
 * controller and 1 broker) and SolrCloud (MiniSolrCloudCluster, 1 node), started once for the
 * class. A worker node and a producer node, each {@code serve} with its own data directory, on real
 * sockets: the producer's writes wait for VISIBLE although the worker applies them, its searches
 * see them, and status shows the partitions, the lag and the group's members. Bad cluster settings
 * give one line and exit code 2.
 */
class ClusterServeTest {
  private static KafkaClusterTestKit kafka;
  private static MiniSolrCloudCluster solr;
  private static Path solrDir;
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path tmp;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startClusters() throws Exception {
    long t0 = System.nanoTime();
    kafka =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(1)
                    .setCombined(false)
                    .build())
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("group.min.session.timeout.ms", "1000")
            .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    solrDir = Files.createTempDirectory("indexq-cli-solr-");
    solr = new MiniSolrCloudCluster.Builder(1, solrDir).withMetrics(false).build();
    System.out.printf(
        "cluster test: Kafka and SolrCloud up in %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @AfterAll
  static void stopClusters() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (solr != null) {
      solr.shutdown();
    }
  }

  /** A new collection with the indexqueue configset (created through the backend's provider). */
  private static String newCollection() {
    String name = "cli" + NAMES.incrementAndGet();
    try (IndexBackend b =
        Providers.indexBackend(
            "solr",
            Map.of(
                "zkHost",
                solr.getZkServer().getZkAddress(),
                "collection",
                name,
                "createCollection",
                "true"))) {
      return name;
    }
  }

  /** A config file of a node: the cluster's addresses, a new topic, role worker. */
  private Path config(String collection, String topic) throws Exception {
    Path f = tmp.resolve("node-" + topic + ".properties");
    Files.writeString(
        f,
        String.join(
            "\n",
            "# a node of the test cluster",
            "queue=kafka",
            "kafka-bootstrap=" + kafka.bootstrapServers(),
            "kafka-topic=" + topic,
            "kafka.consumer.session.timeout.ms=6000",
            "kafka.consumer.heartbeat.interval.ms=500",
            "backend=solr",
            "solr-zk=" + solr.getZkServer().getZkAddress(),
            "solr-collection=" + collection,
            "role=worker",
            ""));
    return f;
  }

  /** A running {@code indexq serve}. */
  final class Node implements AutoCloseable {
    final Path data;
    final Thread thread;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicInteger exit = new AtomicInteger(-1);
    final String url;

    Node(String name, String... args) throws Exception {
      data = Files.createDirectories(tmp.resolve(name));
      List<String> all = new ArrayList<>(List.of("--data", data.toString()));
      all.addAll(List.of(args));
      all.add("serve");
      thread =
          new Thread(
              () ->
                  exit.set(
                      Indexq.newCommandLine()
                          .setOut(new PrintWriter(out, true))
                          .setErr(new PrintWriter(err, true))
                          .execute(all.toArray(String[]::new))),
              "serve-" + name);
      thread.start();
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> out.toString().contains("listening on") || exit.get() >= 0);
      assertThat(exit.get()).as(out + "\n" + err).isEqualTo(-1);
      url = ServerFile.find(data.toAbsolutePath()).orElseThrow().url();
    }

    HttpResponse<String> send(String method, String path, String json) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
      if (json != null) {
        b.header("Content-Type", "application/json");
      }
      b.method(
          method,
          json == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws Exception {
      HttpResponse<String> r = send("GET", path, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return Jsons.MAPPER.readTree(r.body());
    }

    @Override
    public void close() throws Exception {
      thread.interrupt(); // like Ctrl-C
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(exit.get()).as(out + "\n" + err).isZero();
    }
  }

  @Test
  void aProducerNodeWaitsForWhatAWorkerNodeAppliesAndStatusShowsTheGroup() throws Exception {
    String collection = newCollection();
    Path config = config(collection, "tasks-" + NAMES.incrementAndGet());
    Path shop = Files.createDirectories(tmp.resolve("shop"));
    try (Node worker = new Node("worker", "--config", config.toString());
        // the option overrides the file's role=worker
        Node producer = new Node("producer", "--config", config.toString(), "--role", "producer")) {
      assertThat(worker.out.toString())
          .contains("role worker")
          .contains("collection " + collection);
      assertThat(producer.out.toString()).contains("role producer");

      // the worker owns both partitions once it joined the group
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(worker.get("/api/queue").get("partitions").size()).isEqualTo(2));

      HttpResponse<String> reg =
          producer.send(
              "PUT", "/api/workspaces/shop", Jsons.write(Map.of("directory", shop.toString())));
      assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
      long t0 = System.nanoTime();
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> created =
            producer.send(
                "POST",
                "/api/workspaces/shop/files/src/F" + i + ".java?wait=visible",
                "{\"content\":\"class F" + i + " { long totalInCents" + i + "; }\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // VISIBLE on the producer: its search (on the shared collection) finds it at once
        JsonNode found = producer.get("/api/search?q=totalInCents" + i + "&workspace=shop");
        assertThat(found.at("/hits/0/path").asText()).isEqualTo("src/F" + i + ".java");
      }
      System.out.printf(
          "cluster cli: 6 writes through the producer, each waited VISIBLE, in %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertThat(
              producer
                  .get("/api/workspaces/shop/ready?timeoutMillis=30000")
                  .get("ready")
                  .asBoolean())
          .isTrue();

      // status: the producer owns no partition and sees the worker in the group; the worker
      // owns both and is marked as this node
      JsonNode pq = producer.get("/api/status").get("queue");
      assertThat(pq.get("role").asText()).isEqualTo("producer");
      assertThat(pq.get("partitions").size()).isZero();
      JsonNode members = pq.at("/group/members");
      assertThat(members.size()).as(pq.toString()).isEqualTo(1);
      assertThat(members.get(0).get("thisNode").asBoolean()).isFalse();
      assertThat(members.get(0).get("partitions").toString()).isEqualTo("[0,1]");
      assertThat(pq.at("/group/lag").size()).isEqualTo(2);
      JsonNode wq = worker.get("/api/status").get("queue");
      assertThat(wq.at("/group/members/0/thisNode").asBoolean()).as(wq.toString()).isTrue();
      assertThat(wq.get("partitions").get(0).has("lag")).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(producer.get("/api/status").get("queue").at("/group/lag").toString())
                      .isEqualTo("{\"0\":0,\"1\":0}"));

      // the CLI's status and search go through the producer's server
      Cli.Result status = Cli.run(producer.data, "--config", config.toString(), "status");
      assertThat(status.exit()).as(status.toString()).isZero();
      assertThat(status.out())
          .contains("owns no partitions")
          .contains("node: role producer; group indexqueue-")
          .contains("owns [0, 1]")
          .contains("lag per partition (tasks not yet committed): 0: 0, 1: 0");
      Cli.Result search = Cli.run(producer.data, "search", "totalInCents3");
      assertThat(search.out()).as(search.toString()).contains("src/F3.java:1:");
      Cli.Result wstatus = Cli.run(worker.data, "status");
      assertThat(wstatus.out()).as(wstatus.toString()).contains("(this node)");
    }
    // no server: status opens the node itself, as a producer whatever the file's role says (it
    // takes no partition), and shows the queue of a node that registered no workspace
    Path idle = Files.createDirectories(tmp.resolve("idle"));
    Cli.Result status = Cli.run(idle, "--config", config.toString(), "status");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out()).contains("owns no partitions").contains("node: role producer");
    // a worker submits nothing (the file says role=worker)
    Cli.Result refused = Cli.run(idle, "--config", config.toString(), "index", shop.toString());
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("a worker node (--role worker) applies tasks");
  }

  @Test
  void badClusterSettingsGiveOneLineAndExitCode2() throws Exception {
    String collection = newCollection();
    Path good = config(collection, "bad-" + NAMES.incrementAndGet());
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path unknownKey = tmp.resolve("unknown.properties");
    Files.writeString(
        unknownKey,
        Files.readString(good)
            + "kafka-bootstap=typo:9092\nsolr-username=u\nsolr-password=s3cr3t-pw\n");
    Path secret = tmp.resolve("secret.properties");
    Files.writeString(
        secret,
        Files.readString(good)
                .replace(
                    "kafka-bootstrap=" + kafka.bootstrapServers(), "kafka-bootstrap=127.0.0.1:1")
            + "kafka-timeout-ms=3000\nkafka.sasl.jaas.config=hunter2-jaas\n"
            + "solr-username=u\nsolr-password=s3cr3t-pw\n");
    record Bad(String[] args, String message) {}
    List<Bad> bads =
        List.of(
            new Bad(
                new String[] {"--config", unknownKey.toString(), "serve"},
                "unknown key 'kafka-bootstap'"),
            new Bad(
                new String[] {"--config", good.toString(), "--role", "boss", "serve"}, "--role"),
            new Bad(
                new String[] {"--queue", "kafka", "--kafka-topic", "t", "serve"},
                "--queue kafka needs --kafka-bootstrap"),
            new Bad(
                new String[] {"--role", "producer", "serve"},
                "role: producer needs a queue shared by the nodes"),
            new Bad(
                new String[] {"--config", good.toString(), "--solr-collection", "nope", "serve"},
                "cannot start the node"),
            new Bad(new String[] {"--config", secret.toString(), "serve"}, "cannot start the node"),
            new Bad(
                new String[] {"--config", good.toString(), "--solr-url", "http://x", "serve"},
                "exactly one of --solr-zk"),
            new Bad(
                new String[] {"--config", tmp.resolve("missing").toString(), "serve"},
                "--config: no such file"));
    for (Bad b : bads) {
      Cli.Result r = Cli.run(data, b.args());
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err()).as(r.toString()).contains(b.message());
      assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
      assertThat(r.err() + r.out()).doesNotContain("s3cr3t-pw", "hunter2-jaas", "\tat ");
    }
  }
}
