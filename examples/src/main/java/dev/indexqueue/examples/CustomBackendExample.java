package dev.indexqueue.examples;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.SearchHit;
import dev.indexqueue.examples.custom.GrepBackend;
import dev.indexqueue.examples.custom.GrepBackendProvider;
import java.time.Duration;
import java.util.Map;

/**
 * A custom {@link dev.indexqueue.spi.IndexBackend} plugged in by name: {@link GrepBackend} is
 * registered by {@link GrepBackendProvider} in {@code
 * META-INF/services/dev.indexqueue.spi.IndexBackendProvider} under the name {@code grep}, and the
 * service finds it with {@code backend("grep", Map.of())} like the built-in {@code lucene}. The
 * core gives it ordering, coalescing, retries, dead letters and waiting for free. Stateless; run it
 * with {@code main}.
 *
 * <p>To write your own: implement {@code IndexBackend} (idempotent apply, commit with checkpoint,
 * makeVisible, documents, optional search) and {@code IndexBackendProvider}, list the provider in
 * {@code META-INF/services}, and run the tck's checks against it (see {@code
 * CustomBackendExampleTest}).
 */
public final class CustomBackendExample {
  private CustomBackendExample() {}

  /**
   * Runs the example and prints what the custom backend finds.
   *
   * @param args ignored
   * @throws Exception when something fails
   */
  public static void main(String[] args) throws Exception {
    try (IndexingService service =
        IndexingService.builder()
            .queue("memory", Map.of())
            .backend(GrepBackendProvider.NAME, Map.of()) // found through META-INF/services
            .build()) {
      service.submit(
          IndexTask.indexFile("notes", "todo.txt", "buy milk\ncall Alice about the queue"));
      service.submit(IndexTask.indexFile("notes", "done.txt", "wrote the queue backend"));
      service.submit(IndexTask.removeFile("notes", "done.txt"));
      service.awaitIndexReady("notes", Duration.ofSeconds(10));
      for (SearchHit hit : service.search("notes", "queue", 10).hits()) {
        if (hit.pathOnly() || hit.lines().isEmpty()) {
          System.out.println(hit.path());
        } else {
          SearchHit.MatchLine line = hit.lines().get(0);
          System.out.println(hit.path() + ":" + line.lineNumber() + ": " + line.text());
        }
      }
      System.out.println(service.indexStatus("notes"));
    }
  }
}
