package dev.indexqueue.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.SkippedFile;
import dev.indexqueue.tck.RecordingBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace API's directory side: register any directory, index it incrementally with progress,
 * checks before writes, one size bound, priorities. Through a real service on the memory queue and
 * the tck's recording backend (which logs every task applied).
 */
class WorkspaceManagerDirectoryTest {
  @TempDir Path tmp;
  IndexingService service;
  RecordingBackend backend;

  @AfterEach
  void stop() {
    if (service != null) {
      service.shutdown(Duration.ofSeconds(10));
    }
  }

  private WorkspaceManager start(FileSystemWorkspaceSource source, long maxContentBytes) {
    backend = new RecordingBackend();
    service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(1024))
            .backend(backend)
            .workspaceSource(source)
            .maxContentBytes(maxContentBytes)
            .build();
    return new WorkspaceManager(source, service);
  }

  @Test
  void anyDirectoryIsIndexedIncrementallyAndAnUnchangedOneCostsNoWork() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("my proj"));
    Files.writeString(dir.resolve("a.txt"), "alpha");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/b.txt"), "bravo");
    Files.writeString(dir.resolve("c.txt"), "charlie");
    Path link = Files.createSymbolicLink(tmp.resolve("via-link"), dir);
    WorkspaceManager m = start(FileSystemWorkspaceSource.builder().build(), 1 << 20);
    assertThat(m.register("proj", link)).isEqualTo(dir.toRealPath());

    List<IndexProgress> seen = new ArrayList<>();
    IndexReport first = m.index("proj", seen::add);
    assertThat(first.indexed()).isEqualTo(3);
    assertThat(first.applied()).isEqualTo(3);
    assertThat(first.interrupted()).isFalse();
    assertThat(first.status().isUpToDate()).isTrue();
    assertThat(first.status().upToDate()).isEqualTo(3);
    assertThat(seen.get(0).total()).isEqualTo(3);
    assertThat(seen.get(seen.size() - 1).done()).isEqualTo(3);
    int applied = backend.log().size();

    IndexReport again = m.index("proj", seen::add);
    assertThat(again.indexed() + again.removed()).isZero();
    assertThat(again.unchanged()).isEqualTo(3);
    assertThat(backend.log()).hasSize(applied); // no task at all
    assertThat(service.queueStatus().accepted()).isEqualTo(applied);

    Files.writeString(dir.resolve("a.txt"), "alpha, changed");
    Files.delete(dir.resolve("c.txt"));
    Files.writeString(dir.resolve("d.txt"), "delta");
    IndexReport third = m.index("proj", null);
    assertThat(third.indexed()).isEqualTo(2);
    assertThat(third.removed()).isEqualTo(1);
    assertThat(third.unchanged()).isEqualTo(1);
    assertThat(backend.log().subList(applied, backend.log().size()))
        .extracting(q -> q.task().type() + " " + q.task().path())
        .containsExactlyInAnyOrder("INDEX_FILE a.txt", "INDEX_FILE d.txt", "REMOVE_FILE c.txt");
    assertThat(backend.contents("proj"))
        .containsOnlyKeys("a.txt", "sub/b.txt", "d.txt")
        .containsEntry("a.txt", "alpha, changed");
  }

  @Test
  void statusSplitsStaleFromMissingAndCountsSkippedFilesWithTheirReason() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "outside");
    WorkspaceManager m = start(FileSystemWorkspaceSource.builder().maxFileBytes(100).build(), 100);
    m.register("w", dir);
    Files.writeString(dir.resolve("kept.txt"), "kept");
    Files.writeString(dir.resolve("changed.txt"), "before");
    Files.writeString(dir.resolve("gone.txt"), "gone");
    m.index("w", null);
    Files.writeString(dir.resolve("changed.txt"), "after");
    Files.delete(dir.resolve("gone.txt"));
    Files.writeString(dir.resolve("new.txt"), "new");
    Files.write(dir.resolve("blob.bin"), new byte[] {1, 0, 2});
    Files.writeString(dir.resolve("big.txt"), "x".repeat(101));
    Files.writeString(dir.resolve("tab\there.txt"), "tab");
    Files.writeString(dir.resolve("new\nline.txt"), "newline");
    Files.writeString(dir.resolve("back\\slash.txt"), "backslash");
    Files.createSymbolicLink(dir.resolve("out.txt"), outside);
    Files.writeString(dir.resolve(".hidden"), "not reported: excluded by a rule");

    var s = service.indexStatus("w");
    assertThat(s.isUpToDate()).isFalse();
    assertThat(s.missingPaths()).containsExactly("new.txt");
    assertThat(s.stalePaths()).containsExactly("changed.txt");
    assertThat(s.extraPaths()).containsExactly("gone.txt");
    assertThat(s.upToDate()).isEqualTo(1);
    assertThat(s.skipped())
        .extracting(f -> f.reason())
        .containsExactlyInAnyOrder(
            SkippedFile.Reason.BINARY,
            SkippedFile.Reason.TOO_LARGE,
            SkippedFile.Reason.UNSUPPORTED_NAME,
            SkippedFile.Reason.UNSUPPORTED_NAME,
            SkippedFile.Reason.UNSUPPORTED_NAME,
            SkippedFile.Reason.LINK_OUTSIDE);
    assertThat(s.skippedFiles()).isEqualTo(6);

    m.index("w", null);
    var after = service.indexStatus("w");
    assertThat(after.isUpToDate()).isTrue();
    assertThat(after.skippedFiles()).isEqualTo(6); // up to date, and still says what it leaves out
  }

  @Test
  void contentOverTheSourceBoundIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    WorkspaceManager m = start(FileSystemWorkspaceSource.builder().maxFileBytes(10).build(), 1000);
    m.register("w", dir);
    assertThatThrownBy(() -> m.createFile("w", "deep/new/file.txt", "01234567890"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("content: must be at most 10 UTF-8 bytes");
    assertThat(tree(dir)).isEmpty();
    assertThat(m.maxContentBytes()).isEqualTo(10);
  }

  @Test
  void aTaskTheServiceRefusesLeavesTheWorkspaceAsItWas() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    // the service's bound is smaller than the source's: the submit is refused
    WorkspaceManager m = start(FileSystemWorkspaceSource.builder().build(), 5);
    m.register("w", dir);
    Files.writeString(dir.resolve("old.txt"), "old");
    assertThatThrownBy(() -> m.createFile("w", "a/b/new.txt", "too long for the service"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxContentBytes");
    assertThatThrownBy(() -> m.updateFile("w", "old.txt", "too long for the service"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tree(dir)).containsExactly("old.txt"); // no file, no temp file, no directory
    assertThat(Files.readString(dir.resolve("old.txt"))).isEqualTo("old");

    service.shutdown(Duration.ofSeconds(5));
    assertThatThrownBy(() -> m.deleteFile("w", "old.txt"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(dir.resolve("old.txt")).exists();
  }

  @Test
  void configureMakesTheServiceBoundTheSourceBound() {
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.builder().maxFileBytes(7).build();
    backend = new RecordingBackend();
    service =
        WorkspaceManager.configure(IndexingService.builder(), source)
            .queue(MemoryTaskQueueProvider.newQueue(16))
            .backend(backend)
            .build();
    assertThatThrownBy(
            () -> service.submit(dev.indexqueue.IndexTask.indexFile("w", "a", "12345678")))
        .hasMessageContaining("at most 7");
  }

  @Test
  void prioritiesAreSettableOnEveryOperation() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    Files.writeString(dir.resolve("f.txt"), "f");
    WorkspaceManager m = start(FileSystemWorkspaceSource.builder().build(), 1000);
    WorkspaceManager urgent = m.withPriority(-5);
    assertThat(urgent.priority()).isEqualTo(-5);
    assertThat(m.priority()).isZero();
    urgent.register("w", dir);
    urgent.index("w", null);
    urgent.createFile("w", "g.txt", "g").visible().get();
    urgent.updateFile("w", "g.txt", "g2").visible().get();
    urgent.deleteFile("w", "g.txt").visible().get();
    urgent.forceReindex("w").visible().get();
    m.createFile("w", "h.txt", "h").visible().get();
    List<QueuedTask> log = backend.log();
    assertThat(log.subList(0, log.size() - 1)).allMatch(q -> q.task().priority() == -5);
    assertThat(log.get(log.size() - 1).task().priority()).isZero();
    assertThat(log).extracting(q -> q.task().type()).contains(IndexTaskType.REINDEX_WORKSPACE);
  }

  @Test
  void invalidNamesAndDirectoriesAreRefusedNamingTheField() {
    WorkspaceManager m = start(FileSystemWorkspaceSource.builder().build(), 1000);
    assertThatThrownBy(() -> m.register("my proj", tmp))
        .hasMessageStartingWith("workspace: must use only the characters");
    assertThatThrownBy(() -> m.register("w", tmp.resolve("missing")))
        .hasMessageStartingWith("directory: does not exist");
    assertThatThrownBy(() -> m.index("unregistered", null))
        .hasMessageStartingWith("workspace: is not registered");
  }

  private static List<String> tree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}
