package dev.indexqueue.tck;

import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.WorkspaceSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link WorkspaceSource} held in memory, for tests: workspace → path → text. Thread-safe. */
public final class MapWorkspaceSource implements WorkspaceSource {
  private final ConcurrentHashMap<String, TreeMap<String, String>> files =
      new ConcurrentHashMap<>();

  /** Creates an empty source. */
  public MapWorkspaceSource() {}

  /** Sets a file's text. */
  public MapWorkspaceSource put(String workspace, String path, String text) {
    files.compute(
        workspace,
        (k, v) -> {
          TreeMap<String, String> m = v == null ? new TreeMap<>() : new TreeMap<>(v);
          m.put(path, text);
          return m;
        });
    return this;
  }

  /** Deletes a file. */
  public MapWorkspaceSource remove(String workspace, String path) {
    files.computeIfPresent(
        workspace,
        (k, v) -> {
          TreeMap<String, String> m = new TreeMap<>(v);
          m.remove(path);
          return m.isEmpty() ? null : m;
        });
    return this;
  }

  /** The files of a workspace: path to text. */
  public Map<String, String> files(String workspace) {
    TreeMap<String, String> m = files.get(workspace);
    return m == null ? Map.of() : new TreeMap<>(m);
  }

  @Override
  public List<SourceFile> list(String workspace) {
    TreeMap<String, String> m = files.get(workspace);
    List<SourceFile> out = new ArrayList<>();
    if (m != null) {
      m.forEach((p, t) -> out.add(new SourceFile(p, t.length(), 0)));
    }
    return out;
  }

  @Override
  public Optional<String> read(String workspace, String path) {
    TreeMap<String, String> m = files.get(workspace);
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(path));
  }
}
