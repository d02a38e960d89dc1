package dev.indexqueue.index.lucene;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.WorkspaceSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Helpers for the backend tests. */
final class TestSupport {
  private TestSupport() {}

  private static final AtomicLong POSITIONS = new AtomicLong();

  /** A batch of the tasks, with increasing positions. */
  static Batch batch(WorkspaceSource source, IndexTask... tasks) {
    List<QueuedTask> qs = new ArrayList<>();
    for (IndexTask t : tasks) {
      qs.add(new QueuedTask(0, 0, POSITIONS.incrementAndGet(), t));
    }
    return new Batch(0, qs, source);
  }

  /** A checkpoint of one partition with one band at {@code position}. */
  static Checkpoint cp(long position) {
    return Checkpoint.of(1, 1, position);
  }

  static Batch batch(IndexTask... tasks) {
    return batch(WorkspaceSource.none(), tasks);
  }

  /** The documents a model of path to content should give. */
  static List<IndexedDocument> expected(Map<String, String> model) {
    List<IndexedDocument> out = new ArrayList<>();
    new TreeMap<>(model)
        .forEach((p, c) -> out.add(new IndexedDocument(p, ContentHash.of(c), c.length())));
    return out;
  }

  /** A workspace source held in memory: workspace to path to content. */
  static final class MemorySource implements WorkspaceSource {
    final Map<String, Map<String, String>> files = new ConcurrentHashMap<>();

    MemorySource put(String ws, String path, String content) {
      files.computeIfAbsent(ws, k -> new ConcurrentHashMap<>()).put(path, content);
      return this;
    }

    MemorySource remove(String ws, String path) {
      files.getOrDefault(ws, Map.of()).remove(path);
      return this;
    }

    @Override
    public List<SourceFile> list(String workspace) {
      List<SourceFile> out = new ArrayList<>();
      new TreeMap<>(files.getOrDefault(workspace, Map.of()))
          .forEach((p, c) -> out.add(new SourceFile(p, c.length(), 0)));
      return out;
    }

    @Override
    public Optional<String> read(String workspace, String path) {
      return Optional.ofNullable(files.getOrDefault(workspace, Map.of()).get(path));
    }
  }

  /** Several MB of distinct words in the writer's buffer: a backlog's worth, for a shard. */
  static IndexTask[] busyBacklog(String workspace) {
    IndexTask[] tasks = new IndexTask[30];
    for (int d = 0; d < tasks.length; d++) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 10_000; w++) {
        text.append("word").append(d).append('x').append(w).append(' ');
      }
      tasks[d] = IndexTask.indexFile(workspace, "Bulk" + d + ".java", text.toString());
    }
    return tasks;
  }
}
