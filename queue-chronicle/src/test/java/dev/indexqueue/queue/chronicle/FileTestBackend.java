package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small persistent backend for tests until the Lucene backend lands: documents and checkpoint are
 * written to one file atomically (temp file + atomic rename) on commit and reloaded on open; what
 * was applied but not committed is lost when the process dies, as with Lucene. Thread-safe (every
 * method is synchronized). Search is not supported.
 */
final class FileTestBackend implements IndexBackend {
  private static final int MAGIC = 0x49514642; // IQFB
  private final Path file;
  private final Path temp;
  private final boolean force;
  private final Map<String, TreeMap<String, String>> applied = new TreeMap<>();
  private Map<String, TreeMap<String, String>> visible = Map.of();
  private long checkpoint;
  private boolean closed;

  /**
   * Opens the backend in {@code directory}, loading the last commit.
   *
   * @param force whether commits are forced to the device (not needed to survive a process kill)
   */
  FileTestBackend(Path directory, boolean force) {
    try {
      Files.createDirectories(directory);
      this.file = directory.resolve("index.bin");
      this.temp = directory.resolve("index.bin.tmp");
      this.force = force;
      Files.deleteIfExists(temp);
      load();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    visible = copy(applied);
  }

  private void load() throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalStateException("not a test index: " + file);
      }
      checkpoint = in.readLong();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String ws = in.readUTF();
        String path = in.readUTF();
        String content = in.readUTF();
        applied.computeIfAbsent(ws, k -> new TreeMap<>()).put(path, content);
      }
    } catch (NoSuchFileException e) {
      checkpoint = 0;
    }
  }

  @Override
  public synchronized void apply(Batch batch) {
    check();
    for (QueuedTask q : batch.tasks()) {
      IndexTask t = q.task();
      switch (t.type()) {
        case INDEX_FILE -> applied.computeIfAbsent(t.workspace(), k -> new TreeMap<>()).put(t.path(), t.content());
        case REMOVE_FILE -> {
          TreeMap<String, String> docs = applied.get(t.workspace());
          if (docs != null) {
            docs.remove(t.path());
          }
        }
        case REMOVE_WORKSPACE -> applied.remove(t.workspace());
        case REINDEX_WORKSPACE -> {
          TreeMap<String, String> docs = new TreeMap<>();
          batch.source().list(t.workspace()).forEach(f -> {
            try {
              batch.source().read(t.workspace(), f.path()).ifPresent(c -> docs.put(f.path(), c));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
          applied.put(t.workspace(), docs);
        }
      }
    }
  }

  @Override
  public synchronized void commit(long newCheckpoint) {
    check();
    try {
      try (OutputStream os = Files.newOutputStream(temp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
        out.writeInt(MAGIC);
        out.writeLong(newCheckpoint);
        int n = 0;
        for (TreeMap<String, String> docs : applied.values()) {
          n += docs.size();
        }
        out.writeInt(n);
        for (Map.Entry<String, TreeMap<String, String>> ws : applied.entrySet()) {
          for (Map.Entry<String, String> d : ws.getValue().entrySet()) {
            out.writeUTF(ws.getKey());
            out.writeUTF(d.getKey());
            out.writeUTF(d.getValue());
          }
        }
        out.flush();
        if (force && os instanceof java.io.FileOutputStream fos) {
          fos.getFD().sync();
        }
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      checkpoint = newCheckpoint;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized long committedCheckpoint() {
    return checkpoint;
  }

  @Override
  public synchronized void makeVisible() {
    check();
    visible = copy(applied);
  }

  @Override
  public synchronized List<IndexedDocument> documents(String workspace) {
    List<IndexedDocument> out = new ArrayList<>();
    TreeMap<String, String> docs = visible.get(workspace);
    if (docs != null) {
      docs.forEach((p, c) -> out.add(new IndexedDocument(p, ContentHash.of(c), c.length())));
    }
    return out;
  }

  @Override
  public synchronized Set<String> workspaces() {
    Set<String> out = new java.util.TreeSet<>();
    visible.forEach((ws, docs) -> {
      if (!docs.isEmpty()) {
        out.add(ws);
      }
    });
    return out;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("test backend closed");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private static Map<String, TreeMap<String, String>> copy(Map<String, TreeMap<String, String>> m) {
    Map<String, TreeMap<String, String>> c = new TreeMap<>();
    m.forEach((k, v) -> c.put(k, new TreeMap<>(v)));
    return c;
  }
}
