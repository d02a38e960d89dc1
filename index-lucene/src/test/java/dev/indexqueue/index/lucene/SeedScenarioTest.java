package dev.indexqueue.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexingService;
import dev.indexqueue.SearchHit;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.SkippedFile;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import dev.indexqueue.workspace.WorkspaceManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed scenario end to end: files created, updated and deleted concurrently from 10 threads in
 * 3 workspaces through the workspace API, indexed by Lucene through the service, then searched and
 * compared with the file system; then files edited behind the API's back and a forced reindex.
 */
class SeedScenarioTest {
  private static final List<String> WORKSPACES = List.of("alpha", "beta", "gamma");
  private static final List<String> MARKERS =
      List.of("getUserName", "fetch_order_total", "parseV2Config");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static String content(String marker, int thread, int op) {
    return "class Thing {\n  // thread "
        + thread
        + " op "
        + op
        + "\n  void "
        + marker
        + "() {}\n}\n";
  }

  private static Set<String> paths(List<SearchHit> hits) {
    Set<String> out = new TreeSet<>();
    hits.forEach(h -> out.add(h.path()));
    return out;
  }

  /** The paths of a workspace whose content contains {@code word}. */
  private static Set<String> containing(Map<String, String> files, String word) {
    Set<String> out = new TreeSet<>();
    files.forEach(
        (p, c) -> {
          if (c.contains(word)) {
            out.add(p);
          }
        });
    return out;
  }

  @Test
  void concurrentEditsThenSearchStatusAndForcedReindex() throws Exception {
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp.resolve("workspaces"));
    Map<String, Map<String, String>> model = new ConcurrentHashMap<>();
    WORKSPACES.forEach(w -> model.put(w, new ConcurrentHashMap<>()));

    try (IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(2, 8192))
            .backend(LuceneIndexBackendProvider.open(LuceneIndexOptions.of(tmp.resolve("index"))))
            .workspaceSource(source)
            .lanes(2)
            .refreshInterval(Duration.ofMillis(200))
            .build()) {
      WorkspaceManager manager = new WorkspaceManager(source, service);

      ExecutorService pool = Executors.newFixedThreadPool(10);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 10; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  Random random = new Random(thread);
                  for (int op = 0; op < 40; op++) {
                    String ws = WORKSPACES.get(random.nextInt(WORKSPACES.size()));
                    // each thread owns its paths, so the model is exact
                    String path =
                        "t"
                            + thread
                            + "/pkg"
                            + random.nextInt(2)
                            + "/Thing"
                            + random.nextInt(6)
                            + ".java";
                    Map<String, String> files = model.get(ws);
                    String text = content(MARKERS.get(random.nextInt(MARKERS.size())), thread, op);
                    if (!files.containsKey(path)) {
                      manager.createFile(ws, path, text);
                      files.put(path, text);
                    } else if (random.nextInt(3) > 0) {
                      manager.updateFile(ws, path, text);
                      files.put(path, text);
                    } else {
                      manager.deleteFile(ws, path);
                      files.remove(path);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();

      for (String ws : WORKSPACES) {
        assertThat(service.awaitIndexReady(ws, WAIT)).isTrue();
      }
      assertThat(manager.listWorkspaces()).containsExactlyElementsOf(WORKSPACES);
      for (String ws : WORKSPACES) {
        Map<String, String> files = model.get(ws);
        assertThat(files).isNotEmpty();
        for (String marker : MARKERS) {
          assertThat(paths(service.search(ws, marker, 1000).hits()))
              .as("%s in %s", marker, ws)
              .isEqualTo(containing(files, marker));
        }
        assertThat(paths(service.search(ws, "get user name", 1000).hits()))
            .isEqualTo(containing(files, "getUserName"));
        assertThat(paths(service.search(ws, "OrderTotal", 1000).hits()))
            .isEqualTo(containing(files, "fetch_order_total"));
        IndexStatus status = service.indexStatus(ws);
        assertThat(status.filesystemFiles()).isEqualTo(files.size());
        assertThat(status.indexCoverage()).isEqualTo(100.0);
        assertThat(status.isComplete()).as("%s", status).isTrue();
      }

      // behind the API's back: edit, delete, add (plus files the source skips)
      String ws = "alpha";
      Path dir = source.root().resolve(ws);
      List<String> existing = new ArrayList<>(new TreeMap<>(model.get(ws)).keySet());
      Map<String, String> files = model.get(ws);
      for (String p : existing.subList(0, 3)) {
        Files.writeString(dir.resolve(p), "edited behindTheBack", StandardCharsets.UTF_8);
        files.put(p, "edited behindTheBack");
      }
      for (String p : existing.subList(3, 5)) {
        Files.delete(dir.resolve(p));
        files.remove(p);
      }
      Files.createDirectories(dir.resolve("new/dir"));
      Files.writeString(dir.resolve("new/dir/Added.java"), "added behindTheBack");
      files.put("new/dir/Added.java", "added behindTheBack");
      Files.writeString(dir.resolve(".hidden.java"), "hidden behindTheBack");
      Files.write(dir.resolve("new/blob.bin"), new byte[] {'b', 0, 'x'});

      IndexStatus stale = service.indexStatus(ws);
      assertThat(stale.isComplete()).isFalse();
      assertThat(stale.indexCoverage()).isLessThan(100.0);
      assertThat(stale.isUpToDate()).isFalse();
      assertThat(stale.missingPaths()).contains("new/dir/Added.java");
      assertThat(stale.stalePaths()).contains(existing.get(0));
      assertThat(stale.skipped())
          .extracting(SkippedFile::path, SkippedFile::reason)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("new/blob.bin", SkippedFile.Reason.BINARY));
      assertThat(stale.extraPaths()).containsExactlyElementsOf(existing.subList(3, 5));

      assertThat(manager.forceReindex(ws).visible().get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isNotNull();
      IndexStatus fresh = service.indexStatus(ws);
      assertThat(fresh.isComplete()).as("%s", fresh).isTrue();
      assertThat(fresh.indexCoverage()).isEqualTo(100.0);
      assertThat(fresh.filesystemFiles()).isEqualTo(files.size());
      assertThat(paths(service.search(ws, "behindTheBack", 1000).hits()))
          .isEqualTo(containing(files, "behindTheBack"))
          .hasSize(4);

      // removing a workspace empties it, on disk and in the index
      manager.removeWorkspace("gamma").visible().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(manager.listWorkspaces()).containsExactly("alpha", "beta");
      assertThat(service.search("gamma", "getUserName", 10).hits()).isEmpty();
      IndexStatus gone = service.indexStatus("gamma");
      assertThat(gone.indexedFiles()).isZero();
      assertThat(gone.indexCoverage()).isEqualTo(100.0);
    }
  }
}
