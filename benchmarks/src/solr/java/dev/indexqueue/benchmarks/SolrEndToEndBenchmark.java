package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.index.solr.SolrIndexBackendProvider;
import dev.indexqueue.index.solr.SolrIndexOptions;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.IndexBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code e2e-solr-vs-lucene}: the time to make {@code docs} (default 100,000) distinct ~1 KB
 * documents DURABLE through the service with 2 lanes (memory queue), with the Solr backend on an
 * in-process SolrCloud cluster (ZooKeeper and 2 Solr nodes in the fork, a fresh collection of 2
 * shards × 2 replicas per invocation) and with the Lucene backend. Same workload as {@link
 * EndToEndBenchmark}: document {@code i} of the shared {@link Corpus} goes to workspace {@code i %
 * 8}. One submitting thread; the clock stops when the last ticket of every workspace is DURABLE.
 *
 * <p>Built only with {@code -Psolr} (solr-test-framework and its JUnit 4 stay out of the default
 * build): {@code mvn -Psolr -pl benchmarks -am package -DskipTests}, then {@code
 * benchmarks/run-comparison.sh --only=solr}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SolrEndToEndBenchmark {
  /** The implementation measured. */
  public enum Impl {
    SERVICE_SOLR_2LANES,
    SERVICE_LUCENE_2LANES
  }

  static final int WORKSPACES = 8;

  @Param({"SERVICE_SOLR_2LANES", "SERVICE_LUCENE_2LANES"})
  public Impl impl;

  @Param("100000")
  public int docs;

  private Corpus corpus;
  private List<String> workspaces;
  private Path clusterDir;
  private MiniSolrCloudCluster cluster;
  private Path dir;
  private IndexingService service;
  private String collection;
  private int invocation;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    corpus = Corpus.load(docs, 1024);
    workspaces = Bench.workspaces("ws", WORKSPACES, 2);
    if (impl == Impl.SERVICE_SOLR_2LANES) {
      clusterDir = Files.createTempDirectory("indexq-solr-bench-");
      cluster = new MiniSolrCloudCluster.Builder(2, clusterDir).withMetrics(false).build();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (cluster != null) {
      cluster.shutdown();
      Bench.delete(clusterDir);
    }
  }

  @Setup(Level.Invocation)
  public void open() {
    dir = Bench.newDir("e2e-solr");
    IndexBackend backend;
    if (impl == Impl.SERVICE_SOLR_2LANES) {
      collection = "bench-" + invocation++;
      backend =
          SolrIndexBackendProvider.open(
              SolrIndexOptions.zk(cluster.getZkServer().getZkAddress(), collection).creating(2, 2));
    } else {
      backend = Bench.lucene(dir.resolve("index"));
    }
    // two partitions, one per lane (the partitioned core refuses more lanes than partitions)
    service = Bench.service(MemoryTaskQueueProvider.newQueue(2, 65_536), backend, 2).build();
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    Bench.closeAll(service, null, null, dir);
    service = null;
    if (cluster != null && collection != null) {
      CollectionAdminRequest.deleteCollection(collection).process(cluster.getSolrClient());
    }
  }

  @Benchmark
  public long run() throws Exception {
    Map<String, Ticket> last = new HashMap<>();
    for (int i = 0; i < docs; i++) {
      String ws = workspaces.get(i % WORKSPACES);
      last.put(ws, service.submit(IndexTask.indexFile(ws, corpus.path(i), corpus.content(i))));
    }
    long s = 0;
    for (Ticket t : last.values()) {
      s += t.durable().get(30, TimeUnit.MINUTES).sequence();
    }
    return s;
  }
}
