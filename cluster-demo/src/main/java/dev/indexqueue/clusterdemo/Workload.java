package dev.indexqueue.clusterdemo;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.workspace.WorkspaceManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed workload and its model. Writer {@code w} owns {@link #filesPerWriter} files in workspace
 * {@code ws(w % workspaces)} and creates, updates and deletes them at random (seeded); every write
 * carries the file's next version number and a word chosen by it ({@code alpha}, {@code beta},
 * {@code gamma} for version % 3), so an index that applied two versions of a file in the wrong
 * order holds an older version: its content hash and its search words differ from the model's. The
 * model (each file's last accepted version and whether it exists) is written by the file's own
 * writer only and read after the writers ended. Thread-safe as used: one thread per writer.
 */
final class Workload {
  static final String[] WORDS = {"alpha", "beta", "gamma"};

  final int writers;
  final int workspaces;
  final int filesPerWriter;
  final long tasks;
  final List<String> names;
  private final long seed;
  private final int[][] version;
  private final boolean[][] present;
  private final Progress progress;
  private volatile boolean stopped;
  final AtomicLong retries = new AtomicLong();
  final AtomicReference<Throwable> lastRetryCause = new AtomicReference<>();

  Workload(
      int writers,
      List<String> names,
      int filesPerWriter,
      long tasks,
      long seed,
      Progress progress) {
    this.writers = writers;
    this.names = List.copyOf(names);
    this.workspaces = names.size();
    this.filesPerWriter = filesPerWriter;
    this.tasks = tasks;
    this.seed = seed;
    this.version = new int[writers][filesPerWriter];
    this.present = new boolean[writers][filesPerWriter];
    this.progress = progress;
  }

  /**
   * The workspaces' names: {@code ws<n>} with the n chosen so that workspace i lands in partition i
   * % partitions (a workspace lives in one partition): every partition, and so every worker, gets
   * work.
   */
  static List<String> workspaceNames(int workspaces, int partitions) {
    List<String> names = new ArrayList<>();
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < workspaces; i++) {
      int want = i % partitions;
      for (int n = 0; ; n++) {
        if (!used.contains(n) && Partitioning.partitionOf("ws" + n, partitions) == want) {
          used.add(n);
          names.add("ws" + n);
          break;
        }
      }
    }
    return names;
  }

  String workspaceOf(int writer) {
    return names.get(writer % workspaces);
  }

  static String path(int writer, int file) {
    return "src/w" + writer + "/W" + writer + "File" + file + ".java";
  }

  static String content(int writer, int file, int version) {
    return "package demo.w"
        + writer
        + ";\n\n/** Version "
        + version
        + " of file "
        + file
        + " by writer "
        + writer
        + ". */\nclass W"
        + writer
        + "File"
        + file
        + " {\n  int version = "
        + version
        + ";\n  String word = \""
        + WORDS[version % 3]
        + "\";\n}\n";
  }

  /** The tasks writer {@code w} submits: an even share of {@link #tasks}. */
  long share(int writer) {
    return tasks / writers + (writer < tasks % writers ? 1 : 0);
  }

  /**
   * Runs writer {@code w} to its share: each task is accepted by the service before the model
   * records it. A submit that fails (a broker election outlasting the producer's timeout, say) is
   * retried with the same content until accepted, so the model's last version is the last accepted
   * one (an ambiguous first attempt, if Kafka kept it, is an earlier copy of the same version).
   */
  void write(int w, WorkspaceManager files, IndexingService service, Path wsDir)
      throws IOException {
    Random random = new Random(seed * 31 + w);
    String ws = workspaceOf(w);
    long n = share(w);
    for (long i = 0; i < n && !stopped; i++) {
      int f = random.nextInt(filesPerWriter);
      boolean delete = present[w][f] && random.nextInt(5) == 0;
      int next = version[w][f] + 1;
      String path = path(w, f);
      String text = delete ? null : content(w, f, next);
      for (int attempt = 0; ; attempt++) {
        try {
          if (attempt == 0) {
            if (delete) {
              files.deleteFile(ws, path);
            } else if (present[w][f]) {
              files.updateFile(ws, path, text);
            } else {
              files.createFile(ws, path, text);
            }
          } else {
            // the disk as the task says, then the task itself (the manager's own checks refuse
            // a create of a file the first attempt already wrote)
            Path target = wsDir.resolve(path);
            if (delete) {
              Files.deleteIfExists(target);
              service.submit(IndexTask.removeFile(ws, path));
            } else {
              Files.createDirectories(target.getParent());
              Files.writeString(target, text, StandardCharsets.UTF_8);
              service.submit(IndexTask.indexFile(ws, path, text));
            }
          }
          break;
        } catch (IOException | RuntimeException e) {
          if (e instanceof IllegalArgumentException || attempt >= 50 || stopped) {
            throw e;
          }
          retries.incrementAndGet();
          lastRetryCause.set(e); // the submit itself waited (the queue's timeout): no backoff
        }
      }
      if (delete) {
        present[w][f] = false;
      } else {
        present[w][f] = true;
        version[w][f] = next;
      }
      progress.add();
    }
  }

  /** Stops the writers (Ctrl-C): each ends after its current task. */
  void stop() {
    stopped = true;
  }

  /**
   * The expected files of workspace {@code ws} after the writers: path → content hash, plus what
   * {@code extra} adds (path → content) and without what {@code removed} names.
   */
  Map<String, String> expected(String ws, Map<String, String> extra, Set<String> removed) {
    Map<String, String> m = new TreeMap<>();
    for (int w = 0; w < writers; w++) {
      if (!workspaceOf(w).equals(ws)) {
        continue;
      }
      for (int f = 0; f < filesPerWriter; f++) {
        if (present[w][f]) {
          m.put(path(w, f), ContentHash.of(content(w, f, version[w][f])));
        }
      }
    }
    extra.forEach((p, c) -> m.put(p, ContentHash.of(c)));
    removed.forEach(m::remove);
    return m;
  }

  /** Files of {@code ws} whose last version has search word {@code word}. */
  Set<String> withWord(String ws, String word, Set<String> removed) {
    Set<String> s = new TreeSet<>();
    for (int w = 0; w < writers; w++) {
      if (!workspaceOf(w).equals(ws)) {
        continue;
      }
      for (int f = 0; f < filesPerWriter; f++) {
        if (present[w][f] && WORDS[version[w][f] % 3].equals(word)) {
          s.add(path(w, f));
        }
      }
    }
    s.removeAll(removed);
    return s;
  }

  /** A present file of workspace {@code ws} (to delete behind the API's back), or null. */
  String somePresentFile(String ws) {
    for (int w = 0; w < writers; w++) {
      if (workspaceOf(w).equals(ws)) {
        for (int f = 0; f < filesPerWriter; f++) {
          if (present[w][f]) {
            return path(w, f);
          }
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code hash} is the hash of an older version of {@code path} than the model's last (an
   * index holding it applied a write out of order, or lost the later ones).
   */
  boolean isOlderVersion(String path, String hash) {
    int w = Integer.parseInt(path.substring(5, path.indexOf('/', 5)));
    int f =
        Integer.parseInt(
            path.substring(path.indexOf("File") + 4, path.length() - ".java".length()));
    for (int v = 1; v < version[w][f]; v++) {
      if (ContentHash.of(content(w, f, v)).equals(hash)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path} is one of the writers' files. */
  static boolean isWriterFile(String path) {
    return path.matches("src/w\\d+/W\\d+File\\d+\\.java");
  }
}
