package dev.indexqueue.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import dev.indexqueue.workspace.WorkspaceManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No workspace operation may read, write or delete outside the workspace's directory. */
class PathEscapeTest {
  @TempDir Path tmp;
  private Path outside;
  private Path root;
  private IndexingService service;
  private WorkspaceManager manager;
  private Map<String, String> outsideBefore;

  @BeforeEach
  void setUp() throws IOException {
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.writeString(outside.resolve("x"), "untouched");
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp.resolve("root"));
    root = source.root();
    Path ws = Files.createDirectories(root.resolve("ws"));
    Files.createSymbolicLink(ws.resolve("linkdir"), outside);
    Files.createSymbolicLink(ws.resolve("link.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("evil"), outside);
    service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(64))
            .backend(LuceneIndexBackendProvider.open(LuceneIndexOptions.of(tmp.resolve("index"))))
            .workspaceSource(source)
            .build();
    manager = new WorkspaceManager(source, service);
    outsideBefore = snapshot(outside);
  }

  @AfterEach
  void tearDown() throws IOException {
    service.shutdown(Duration.ofSeconds(10));
    assertThat(snapshot(outside)).isEqualTo(outsideBefore);
  }

  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        out.put(
            dir.relativize(p).toString(), Files.isRegularFile(p) ? Files.readString(p) : "<dir>");
      }
    }
    return out;
  }

  private void assertNothingHappened() throws IOException {
    assertThat(service.queueStatus().accepted()).isZero();
    try (Stream<Path> files = Files.walk(root.resolve("ws"))) {
      assertThat(files.map(p -> root.relativize(p).toString()))
          .containsExactlyInAnyOrder("ws", "ws/linkdir", "ws/link.txt");
    }
  }

  @Test
  void dotDotAndAbsolutePathsAreRefused() throws IOException {
    assertThatThrownBy(() -> manager.createFile("ws", "../outside/x", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path: must not contain a '..' segment");
    assertThatThrownBy(() -> manager.createFile("ws", "a/../../../outside/x", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path: must not contain a '..' segment");
    assertThatThrownBy(() -> manager.updateFile("ws", outside.resolve("x").toString(), "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path: must be relative");
    assertThatThrownBy(() -> manager.deleteFile("ws", "../outside/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path:");
    assertThatThrownBy(() -> manager.createFile("..", "outside/x", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workspace:");
    assertThatThrownBy(() -> manager.removeWorkspace(".."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workspace:");
    assertNothingHappened();
  }

  @Test
  void symlinksPointingOutsideAreRefused() throws IOException {
    assertThatThrownBy(() -> manager.createFile("ws", "linkdir/new.txt", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "path: must not escape the workspace directory, but 'linkdir' is a symbolic link"
                + " pointing outside it");
    assertThatThrownBy(() -> manager.updateFile("ws", "linkdir/x", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'linkdir' is a symbolic link pointing outside");
    assertThatThrownBy(() -> manager.deleteFile("ws", "linkdir/secret.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'linkdir' is a symbolic link pointing outside");
    assertThatThrownBy(() -> manager.updateFile("ws", "link.txt", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'link.txt' is a symbolic link pointing outside");
    assertThatThrownBy(() -> manager.deleteFile("ws", "link.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'link.txt' is a symbolic link pointing outside");
    assertThatThrownBy(() -> manager.createFile("evil", "new.txt", "evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workspace: its directory")
        .hasMessageContaining("is a symbolic link");
    assertThatThrownBy(() -> manager.removeWorkspace("evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workspace: its directory");
    assertNothingHappened();
    assertThat(manager.listWorkspaces()).containsExactly("ws");
  }

  @Test
  void insideTheWorkspaceEverythingWorks() throws Exception {
    manager.createFile("ws", "a/b/c.txt", "hello inside").visible().get();
    assertThat(Files.readString(root.resolve("ws/a/b/c.txt"))).isEqualTo("hello inside");
    assertThatThrownBy(() -> manager.createFile("ws", "a/b/c.txt", "again"))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThatThrownBy(() -> manager.updateFile("ws", "a/b/none.txt", "x"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
    manager.updateFile("ws", "a/b/c.txt", "hello again").visible().get();
    assertThat(service.search("ws", "again", 10).hits()).hasSize(1);
    manager.deleteFile("ws", "a/b/c.txt").visible().get();
    assertThat(service.search("ws", "hello", 10).hits()).isEmpty();
    assertThat(service.indexStatus("ws").isComplete()).isTrue();
  }
}
