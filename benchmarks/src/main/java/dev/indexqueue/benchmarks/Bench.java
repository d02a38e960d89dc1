package dev.indexqueue.benchmarks;

import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.spi.TaskQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Helpers shared by the benchmarks: directories, queues, backends, workspaces, JVM options. */
public final class Bench {
  /** System property for where benchmark files go; default {@code java.io.tmpdir}. */
  public static final String TMP_PROPERTY = "indexq.bench.tmp";

  private Bench() {}

  /**
   * The parent pom's {@code indexq.jvm.options} (Chronicle's exports and opens), filtered into the
   * jar at build time; every fork appends them.
   */
  public static String[] jvmOptions() {
    try (InputStream in = Bench.class.getResourceAsStream("/indexq-jvm.options")) {
      if (in == null) {
        throw new IllegalStateException("indexq-jvm.options is missing from the benchmarks jar");
      }
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? new String[0] : s.split("\\s+");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty directory for one benchmark trial or invocation. */
  public static Path newDir(String prefix) {
    try {
      Path base = Path.of(System.getProperty(TMP_PROPERTY, System.getProperty("java.io.tmpdir")));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "indexq-bench-" + prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ends one invocation's resources: shuts the service down, closes the searcher manager, rolls the
   * raw writer back and closes its directory, then deletes {@code dir}. Any argument may be null.
   */
  public static void closeAll(
      IndexingService service,
      org.apache.lucene.search.SearcherManager searchers,
      org.apache.lucene.index.IndexWriter writer,
      Path dir)
      throws IOException {
    if (service != null) {
      service.close();
    }
    if (searchers != null) {
      searchers.close();
    }
    if (writer != null) {
      writer.rollback();
      writer.getDirectory().close();
    }
    delete(dir);
  }

  /** Deletes a directory tree; null is ignored. */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** Copies a directory tree into {@code to} (created). */
  public static void copy(Path from, Path to) {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** A memory queue with one partition. */
  public static TaskQueue memoryQueue(int capacity) {
    return memoryQueue(capacity, 1);
  }

  /**
   * A memory queue with {@code partitions} partitions (a service with {@code lanes} lanes needs at
   * least as many; give it exactly {@code lanes} so that {@link #workspaces} spreads evenly).
   */
  public static TaskQueue memoryQueue(int capacity, int partitions) {
    return Providers.taskQueue(
        "memory",
        Map.of("capacity", Integer.toString(capacity), "partitions", Integer.toString(partitions)));
  }

  /** A Chronicle queue in {@code dir}, default sync policy (BATCH) and roll cycle. */
  public static TaskQueue chronicleQueue(Path dir) {
    return Providers.taskQueue("chronicle", Map.of("directory", dir.toString()));
  }

  /** The Lucene backend over {@code dir}, default settings (64 MB RAM buffer). */
  public static IndexBackend lucene(Path dir) {
    return Providers.indexBackend("lucene", Map.of("directory", dir.toString()));
  }

  /** A service builder with quiet, bounded shutdown. */
  public static IndexingServiceBuilder service(TaskQueue queue, IndexBackend backend, int lanes) {
    return IndexingService.builder()
        .queue(queue)
        .backend(backend)
        .lanes(lanes)
        .shutdownTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(30));
  }

  /**
   * {@code count} workspace names spread evenly over {@code lanes} lanes of a queue with {@code
   * lanes} partitions (the builder's default), by the documented partitioning ({@link
   * Partitioning#partitionOf}; the lane of a partition is {@code partition % lanes}).
   */
  public static List<String> workspaces(String prefix, int count, int lanes) {
    List<String> out = new ArrayList<>(count);
    int[] perLane = new int[lanes];
    int want = (count + lanes - 1) / lanes;
    for (int k = 0; out.size() < count; k++) {
      String ws = prefix + k;
      int lane = laneOf(ws, lanes);
      if (perLane[lane] < want) {
        perLane[lane]++;
        out.add(ws);
      }
    }
    return out;
  }

  /** One of the parallel parts of {@link #inParallel}. */
  @FunctionalInterface
  interface Part {
    void run(int index) throws Exception;
  }

  /**
   * Runs {@code part.run(k)} for every {@code k} in {@code [0, parts)} on {@code pool} and waits
   * for all of them; the first failure is rethrown (wrapped in {@link ExecutionException}).
   */
  static void inParallel(ExecutorService pool, int parts, Part part) throws Exception {
    List<Future<?>> fs = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      int index = k;
      fs.add(
          pool.submit(
              () -> {
                part.run(index);
                return null;
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
  }

  /** The lane of a workspace in a service with {@code laneCount} lanes and as many partitions. */
  static int laneOf(String workspace, int laneCount) {
    return Partitioning.partitionOf(workspace, laneCount) % laneCount;
  }
}
