package dev.indexqueue.examples;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexingService;
import dev.indexqueue.SearchHit;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import dev.indexqueue.workspace.WorkspaceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The workspace tools API in Java: create, update and delete files through a {@link
 * WorkspaceManager} (atomic writes, each change submitted to the index in file order), force a
 * reindex after a change made behind the API's back, wait until the index is ready, search and
 * compare the index with the files. Stateless; run it with {@code main}.
 *
 * <p>The service uses the manager's {@link FileSystemWorkspaceSource} as its workspace source, so
 * {@code REINDEX_WORKSPACE} and {@code indexStatus} see the same files the manager writes.
 */
public final class WorkspaceManagerExample {
  private WorkspaceManagerExample() {}

  /**
   * Runs the example in a temporary directory and prints what happens.
   *
   * @param args ignored
   * @throws Exception when something fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("workspace-example");
    FileSystemWorkspaceSource source =
        FileSystemWorkspaceSource.builder(dir.resolve("workspaces"))
            .exclude("target", "build")
            .build();
    try (IndexingService service =
        IndexingService.builder()
            .queue("chronicle", Map.of("directory", dir.resolve("queue").toString()))
            .backend("lucene", Map.of("directory", dir.resolve("index").toString()))
            .workspaceSource(source)
            .build()) {
      WorkspaceManager files = new WorkspaceManager(source, service);

      files.createFile("shop", "src/Cart.java", "class Cart { int total() { return 0; } }");
      files.createFile(
          "shop", "src/User.java", "class User { String getUserName() { return \"\"; } }");
      files.updateFile("shop", "src/Cart.java", "class Cart { long totalInCents() { return 0; } }");
      Ticket deleted = files.deleteFile("shop", "src/User.java");
      deleted.await(
          TaskStage.VISIBLE, Duration.ofSeconds(10)); // every earlier change is visible too

      // a change behind the API's back: the index does not know until a reindex
      Files.writeString(source.root().resolve("shop/README.md"), "The shop's cart counts cents.");
      System.out.println("before reindex: " + service.indexStatus("shop"));
      files.forceReindex("shop");
      service.awaitIndexReady("shop", Duration.ofSeconds(10));

      for (SearchHit hit : service.search("shop", "cents", 10).hits()) {
        System.out.println("found " + hit.path() + " (score " + hit.score() + ")");
      }
      IndexStatus status = service.indexStatus("shop");
      System.out.println("after reindex:  " + status);
      System.out.println("complete: " + status.isComplete());
    }
  }
}
