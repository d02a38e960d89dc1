package com.example;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.Ticket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The README's Java quick start with the memory queue, run as a named module: the body of {@link
 * #main} between the {@code README} markers is the README's code block, character for character.
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Runs the quick start in a temporary directory.
   *
   * @param args ignored
   * @throws Exception when something fails
   */
  public static void main(String[] args) throws Exception {
    // README:begin
    Path dir = Files.createTempDirectory("quickstart");
    try (IndexingService service =
        IndexingService.builder()
            .queue("memory", Map.of()) // or "chronicle", Map.of("directory", ...)
            .backend("lucene", Map.of("directory", dir.resolve("index").toString()))
            .lanes(2)
            .build()) {
      Ticket t =
          service.submit(IndexTask.indexFile("docs", "guide/intro.md", "Hello, getUserName!"));
      t.visible().join(); // searchable now; or t.await(TaskStage.DURABLE, ...)
      SearchResults found = service.search("docs", "user name", 10);
      System.out.println(found.totalHits() + " files match");
      for (SearchHit hit : found.hits()) {
        if (hit.pathOnly() || hit.lines().isEmpty()) {
          System.out.println(hit.path()); // the file name matched, not the content
        } else {
          SearchHit.MatchLine best = hit.lines().get(0);
          System.out.println(hit.path() + ":" + best.lineNumber() + ": " + best.text());
        }
      }
      service.awaitIndexReady("docs", Duration.ofSeconds(10));
      System.out.println(service.queueStatus());
    }
    // README:end
  }
}
