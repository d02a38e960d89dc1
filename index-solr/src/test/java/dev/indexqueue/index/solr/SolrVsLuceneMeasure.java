package dev.indexqueue.index.solr;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
import dev.indexqueue.index.lucene.LuceneIndexOptions;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A manual measurement, not part of the build's tests (its name matches no Surefire pattern): the
 * time to make {@code indexq.e2e.docs} (default 100,000) distinct ~1 KB documents DURABLE through
 * the service (memory queue, 2 lanes), with the Solr backend on the in-process cluster (2 nodes, 2
 * shards × 2 replicas) and with the Lucene backend, and where the Solr side's time goes (apply,
 * commit, refresh, as the backend saw them). The JMH version is {@code SolrEndToEndBenchmark} in
 * the benchmarks module. Run: {@code mvn -pl index-solr -am verify -Dtest=SolrVsLuceneMeasure
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SolrVsLuceneMeasure {
  private static final int WORKSPACES = 8;

  @Test
  void measure() throws Exception {
    int docs = Integer.getInteger("indexq.e2e.docs", 100_000);
    String[] contents = contents(docs);
    Path dir = Files.createTempDirectory("indexq-measure-");
    SolrTestCluster cluster = SolrTestCluster.shared();
    for (int round = 0; round < 2; round++) {
      Timed lucene =
          new Timed(
              LuceneIndexBackendProvider.open(
                  LuceneIndexOptions.of(dir.resolve("lucene-" + round))));
      long lt = run(lucene, contents);
      String collection = "measure-" + round;
      Timed solr = new Timed(SolrIndexBackendProvider.open(cluster.options(collection)));
      long st = run(solr, contents);
      System.out.printf(
          "round %d: %d docs until DURABLE, 2 lanes: lucene %d ms (%.0f docs/s), solr %d ms (%.0f"
              + " docs/s); solr/lucene time ratio %.2f%n",
          round, docs, lt, docs * 1000.0 / lt, st, docs * 1000.0 / st, (double) st / lt);
      System.out.printf("  lucene backend: %s%n  solr backend:   %s%n", lucene, solr);
    }
  }

  private static long run(Timed backend, String[] contents) throws Exception {
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(2, 65_536))
            .backend(backend)
            .lanes(2)
            .build();
    try {
      long t0 = System.nanoTime();
      Map<String, Ticket> last = new HashMap<>();
      for (int i = 0; i < contents.length; i++) {
        String ws = "ws-" + (i % WORKSPACES);
        last.put(ws, service.submit(IndexTask.indexFile(ws, path(i), contents[i])));
      }
      for (Ticket t : last.values()) {
        t.durable().get(30, TimeUnit.MINUTES);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      backend.makeVisible();
      int n = 0;
      for (int w = 0; w < WORKSPACES; w++) {
        List<IndexedDocument> d = backend.documents("ws-" + w);
        n += d.size();
      }
      if (n != contents.length) {
        throw new AssertionError("expected " + contents.length + " documents, found " + n);
      }
      return ms;
    } finally {
      service.close();
    }
  }

  private static String path(int i) {
    return "src/module" + (i % 97) + "/pkg" + (i % 13) + "/File" + i + ".java";
  }

  /** Distinct, code-like ~1 KB contents, the same in every run. */
  static String[] contents(int docs) {
    String[] words = {
      "getUserName",
      "max_retry_count",
      "HttpServer",
      "return",
      "final",
      "class",
      "int",
      "String",
      "List<Order>",
      "computeIfAbsent",
      "i++",
      "!=",
      "==",
      "->",
      "null",
      "this",
      "orderTotal",
      "utf8Decoder",
      "parse",
      "value",
      "index",
      "queue",
      "lane",
      "commit"
    };
    SplittableRandom r = new SplittableRandom(42);
    String[] out = new String[docs];
    for (int i = 0; i < docs; i++) {
      StringBuilder sb = new StringBuilder(1100).append("// file ").append(i).append('\n');
      while (sb.length() < 1024) {
        sb.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? "\n" : " ");
      }
      out[i] = sb.toString();
    }
    return out;
  }

  /** Times the calls the core makes (sums over lanes). */
  private static final class Timed implements IndexBackend {
    final IndexBackend d;
    final AtomicLong apply = new AtomicLong();
    final AtomicLong applies = new AtomicLong();
    final AtomicLong commit = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final AtomicLong refresh = new AtomicLong();
    final AtomicLong refreshes = new AtomicLong();

    Timed(IndexBackend d) {
      this.d = d;
    }

    @Override
    public void apply(Batch batch) {
      long t = System.nanoTime();
      try {
        d.apply(batch);
      } finally {
        apply.addAndGet(System.nanoTime() - t);
        applies.incrementAndGet();
      }
    }

    @Override
    public void commit(Checkpoint checkpoint) {
      long t = System.nanoTime();
      try {
        d.commit(checkpoint);
      } finally {
        commit.addAndGet(System.nanoTime() - t);
        commits.incrementAndGet();
      }
    }

    @Override
    public Checkpoint committedCheckpoint() {
      return d.committedCheckpoint();
    }

    @Override
    public Checkpoint startReplay() {
      return d.startReplay();
    }

    @Override
    public void makeVisible() {
      long t = System.nanoTime();
      try {
        d.makeVisible();
      } finally {
        refresh.addAndGet(System.nanoTime() - t);
        refreshes.incrementAndGet();
      }
    }

    @Override
    public List<IndexedDocument> documents(String workspace) {
      return d.documents(workspace);
    }

    @Override
    public Set<String> workspaces() {
      return d.workspaces();
    }

    @Override
    public void close() {
      d.close();
    }

    @Override
    public String toString() {
      return String.format(
          "apply %d ms in %d batches (lanes summed), commit %d ms in %d, refresh %d ms in %d",
          TimeUnit.NANOSECONDS.toMillis(apply.get()),
          applies.get(),
          TimeUnit.NANOSECONDS.toMillis(commit.get()),
          commits.get(),
          TimeUnit.NANOSECONDS.toMillis(refresh.get()),
          refreshes.get());
    }
  }
}
