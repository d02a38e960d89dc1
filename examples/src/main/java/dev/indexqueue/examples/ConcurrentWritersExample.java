package dev.indexqueue.examples;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.Ticket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many threads submitting to one {@link IndexingService}: {@code submit} is thread-safe and returns
 * as soon as the task is in the queue; tasks of one workspace are applied in acceptance order by
 * one lane worker at a time, and superseded updates of one path are coalesced. Each writer here
 * rewrites the same few paths many times; the final index holds each path's last version, and the
 * status shows how much coalescing saved. Stateless; run it with {@code main}.
 */
public final class ConcurrentWritersExample {
  private static final int WRITERS = 8;
  private static final int UPDATES = 2_000;

  private ConcurrentWritersExample() {}

  /**
   * Runs the example in a temporary directory and prints the queue status.
   *
   * @param args ignored
   * @throws Exception when something fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("writers-example");
    try (IndexingService service =
        IndexingService.builder()
            .queue("memory", Map.of("capacity", "4096")) // small: writers feel the backpressure
            .backend("lucene", Map.of("directory", dir.toString()))
            .lanes(4)
            .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<Ticket>> last = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int w = 0; w < WRITERS; w++) {
        String workspace = "writer-" + w;
        last.add(
            pool.submit(
                () -> {
                  Ticket t = null;
                  for (int i = 0; i < UPDATES; i++) {
                    String path = "doc-" + (i % 10) + ".txt";
                    t =
                        service.submit(
                            IndexTask.indexFile(workspace, path, "version " + i + " of " + path));
                  }
                  return t;
                }));
      }
      for (Future<Ticket> f : last) {
        f.get().visible().join(); // the last task of a writer is visible: so are its earlier ones
      }
      pool.shutdown();
      double secs = (System.nanoTime() - t0) / 1e9;
      QueueStatus q = service.queueStatus();
      System.out.printf(
          "%d tasks from %d threads in %.2f s: %d applied, %d coalesced%n",
          q.accepted(), WRITERS, secs, q.applied(), q.coalesced());
      System.out.println(service.search("writer-0", "\"version 1999\"", 10).hits().get(0).path());
      service.awaitIndexReady("writer-0", Duration.ofSeconds(10));
    }
  }
}
