package dev.indexqueue.queue.chronicle;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.Providers;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The process the crash test starts and kills. Not thread-safe as a whole; its submitting threads
 * each own one side file.
 *
 * <ul>
 *   <li>{@code submit <queueDir> <indexDir> <sideDir> <generation> <threads> <syncPolicy>}:
 *       recovers, then submits {@link #task generated tasks} from each thread forever, appending
 *       {@code "<i> <sequence>\n"} to {@code side-g<generation>-t<thread>.log} only after {@code
 *       submit} returned. The parent kills it.
 *   <li>{@code drain <queueDir> <indexDir> <outFile>}: recovers, drains and shuts down, then writes
 *       the committed documents as {@code "<workspace>\t<path>\t<hash>\n"} lines.
 * </ul>
 */
public final class CrashChild {
  static final int WORKSPACES = 3;
  static final int PATHS_PER_THREAD = 6;

  private CrashChild() {}

  /**
   * The backend under test: the real Lucene backend, which stores the checkpoint in its commits.
   */
  static IndexBackend backend(Path indexDir) {
    return dev.indexqueue.index.lucene.LuceneIndexBackendProvider.open(
        dev.indexqueue.index.lucene.LuceneIndexOptions.of(indexDir));
  }

  /**
   * Task {@code i} of thread {@code thread} in generation {@code generation}: deterministic, so the
   * parent can regenerate a task that was submitted but not yet logged. Paths belong to one thread
   * ({@code t<thread>/...}), so a path's tasks are ordered by that thread's submits.
   */
  static IndexTask task(int generation, int thread, int i) {
    Random r = new Random(((long) generation * 1_000_003L + thread) * 1_000_000_007L + i);
    String ws = "ws" + r.nextInt(WORKSPACES);
    String path = "t" + thread + "/f" + r.nextInt(PATHS_PER_THREAD) + ".txt";
    if (r.nextInt(5) == 0) {
      return IndexTask.removeFile(ws, path);
    }
    String content = "g" + generation + " t" + thread + " i" + i + " " + "x".repeat(r.nextInt(180));
    return new IndexTask(IndexTaskType.INDEX_FILE, ws, path, content, 0, java.time.Instant.EPOCH);
  }

  static IndexingService service(Path queueDir, Path indexDir, String syncPolicy) {
    return IndexingService.builder()
        .name("crash-child")
        .queue(
            Providers.taskQueue(
                "chronicle",
                Map.of(
                    "directory",
                    queueDir.toString(),
                    "capacity",
                    "100000",
                    "syncPolicy",
                    syncPolicy)))
        .backend(backend(indexDir))
        .lanes(2)
        .batchSize(16)
        .commitPolicy(CommitPolicy.of(48, Duration.ofMillis(10)))
        .refreshInterval(Duration.ofMillis(50))
        .backpressure(BackpressurePolicy.BLOCK, Duration.ofSeconds(60))
        .build();
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "submit" ->
          submit(
              Path.of(args[1]),
              Path.of(args[2]),
              Path.of(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]),
              args[6]);
      case "drain" -> drain(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
      default -> throw new IllegalArgumentException("mode: submit or drain, was: " + args[0]);
    }
  }

  private static void submit(
      Path queueDir, Path indexDir, Path sideDir, int generation, int threads, String syncPolicy)
      throws Exception {
    IndexingService service = service(queueDir, indexDir, syncPolicy);
    System.out.println("started");
    System.out.flush();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                Path side = sideDir.resolve("side-g" + generation + "-t" + thread + ".log");
                try (OutputStream out = new FileOutputStream(side.toFile(), true)) {
                  for (int i = 0; ; i++) {
                    Ticket ticket = service.submit(task(generation, thread, i));
                    out.write(
                        (i + " " + ticket.sequence() + "\n").getBytes(StandardCharsets.US_ASCII));
                  }
                } catch (Throwable e) {
                  e.printStackTrace();
                  System.exit(2);
                }
              },
              "submitter-" + t);
      th.start();
      ts.add(th);
    }
    for (Thread t : ts) {
      t.join();
    }
  }

  private static void drain(Path queueDir, Path indexDir, Path outFile) throws IOException {
    IndexingService service = service(queueDir, indexDir, "BATCH");
    ShutdownReport report = service.shutdown(Duration.ofSeconds(120));
    System.out.println("drained: " + report);
    if (report.remaining() != 0 || report.timedOut()) {
      System.err.println("not drained: " + report + " " + service.queueStatus());
      System.exit(3);
    }
    StringBuilder sb = new StringBuilder();
    try (IndexBackend b = backend(indexDir)) { // what was committed
      for (int w = 0; w < WORKSPACES; w++) {
        for (IndexedDocument d : b.documents("ws" + w)) {
          sb.append("ws")
              .append(w)
              .append('\t')
              .append(d.path())
              .append('\t')
              .append(d.contentHash())
              .append('\n');
        }
      }
    }
    Files.writeString(outFile, sb.toString(), StandardCharsets.UTF_8);
  }
}
