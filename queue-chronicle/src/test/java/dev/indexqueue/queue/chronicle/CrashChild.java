package dev.indexqueue.queue.chronicle;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.IndexingService;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.TaskId;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The process the crash test starts and kills. Not thread-safe as a whole; its submitting threads
 * each own one side file and {@value #WORKSPACES_PER_THREAD} workspaces, so the order in which a
 * workspace's tasks were accepted is the order its one thread submitted them.
 *
 * <ul>
 *   <li>{@code submit <queueDir> <indexDir> <sideDir> <generation> <threads> <syncPolicy>}:
 *       recovers, then submits {@link #task generated tasks} from each thread forever, appending
 *       {@code "<i> <partition> <band> <position>\n"} to {@code side-g<generation>-t<thread>.log}
 *       only after {@code submit} returned. The parent kills it.
 *   <li>{@code drain <queueDir> <indexDir> <outFile>}: recovers, drains and shuts down, then writes
 *       the committed documents as {@code "<workspace>\t<path>\t<hash>\n"} lines.
 * </ul>
 *
 * <p>The service: the chronicle queue with {@value #PARTITIONS} partitions and 2 bands, the Lucene
 * backend, 2 lanes.
 */
public final class CrashChild {
  static final int PARTITIONS = 4;
  static final int LANES = 2;
  static final int WORKSPACES_PER_THREAD = 3;
  static final int PATHS_PER_WORKSPACE = 5;

  private CrashChild() {}

  /**
   * The backend under test: the real Lucene backend, which stores the checkpoint in its commits.
   */
  static IndexBackend backend(Path indexDir) {
    return dev.indexqueue.index.lucene.LuceneIndexBackendProvider.open(
        dev.indexqueue.index.lucene.LuceneIndexOptions.of(indexDir));
  }

  /** Workspace {@code k} of thread {@code thread}: only that thread submits to it. */
  static String workspace(int thread, int k) {
    return "t" + thread + "-ws" + k;
  }

  /**
   * Task {@code i} of thread {@code thread} in generation {@code generation}: deterministic, so the
   * parent can regenerate a task that was submitted but not yet logged. One task in four is urgent
   * (priority below 0), mixed with normal ones in the same workspaces and paths; one in six removes
   * its file and one in fifty its whole workspace (so the order of a workspace's tasks on different
   * paths shows in the final index too); the others index a content unique to the task.
   */
  static IndexTask task(int generation, int thread, int i) {
    Random r = new Random(((long) generation * 1_000_003L + thread) * 1_000_000_007L + i);
    String ws = workspace(thread, r.nextInt(WORKSPACES_PER_THREAD));
    String path = "f" + r.nextInt(PATHS_PER_WORKSPACE) + ".txt";
    int priority = r.nextInt(4) == 0 ? -1 - r.nextInt(10) : r.nextInt(10);
    int kind = r.nextInt(300);
    if (kind < 6) {
      return IndexTask.removeWorkspace(ws).withPriority(priority).withTimestamp(Instant.EPOCH);
    }
    if (kind < 56) {
      return IndexTask.removeFile(ws, path).withPriority(priority).withTimestamp(Instant.EPOCH);
    }
    String content = "g" + generation + " t" + thread + " i" + i + " " + "x".repeat(r.nextInt(180));
    return new IndexTask(IndexTaskType.INDEX_FILE, ws, path, content, priority, Instant.EPOCH);
  }

  static IndexingService service(Path queueDir, Path indexDir, String syncPolicy) {
    return IndexingService.builder()
        .name("crash-child")
        .queue(
            "chronicle",
            Map.of(
                "directory",
                queueDir.toString(),
                "partitions",
                Integer.toString(PARTITIONS),
                "capacity",
                "100000",
                "syncPolicy",
                syncPolicy))
        .backend(backend(indexDir))
        .lanes(LANES)
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
                    TaskId id = ticket.id();
                    out.write(
                        (i + " " + id.partition() + " " + id.band() + " " + id.position() + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
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
      for (int t = 0; t < CrashTest.THREADS; t++) {
        for (int k = 0; k < WORKSPACES_PER_THREAD; k++) {
          String ws = workspace(t, k);
          for (IndexedDocument d : b.documents(ws)) {
            sb.append(ws)
                .append('\t')
                .append(d.path())
                .append('\t')
                .append(d.contentHash())
                .append('\n');
          }
        }
      }
    }
    Files.writeString(outFile, sb.toString(), StandardCharsets.UTF_8);
  }
}
