package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sequential specification of the index: tasks applied one after another, in acceptance order,
 * to a map of workspace → path → content. Not thread-safe; the checks of the tck compare a
 * backend's documents with it.
 */
public final class Model {
  private final Map<String, TreeMap<String, String>> documents = new HashMap<>();
  private final WorkspaceSource source;

  /**
   * Creates an empty model.
   *
   * @param source where REINDEX_WORKSPACE reads workspaces' files
   */
  public Model(WorkspaceSource source) {
    this.source = source;
  }

  /** Creates an empty model with no workspace source. */
  public Model() {
    this(WorkspaceSource.none());
  }

  /** Applies one task. */
  public Model apply(IndexTask t) {
    switch (t.type()) {
      case INDEX_FILE ->
          documents.computeIfAbsent(t.workspace(), k -> new TreeMap<>()).put(t.path(), t.content());
      case REMOVE_FILE -> {
        TreeMap<String, String> docs = documents.get(t.workspace());
        if (docs != null) {
          docs.remove(t.path());
          if (docs.isEmpty()) {
            documents.remove(t.workspace());
          }
        }
      }
      case REMOVE_WORKSPACE -> documents.remove(t.workspace());
      case REINDEX_WORKSPACE -> {
        TreeMap<String, String> docs = new TreeMap<>();
        for (SourceFile f : source.list(t.workspace())) {
          try {
            Optional<String> text = source.read(t.workspace(), f.path());
            text.ifPresent(s -> docs.put(f.path(), s));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        if (docs.isEmpty()) {
          documents.remove(t.workspace());
        } else {
          documents.put(t.workspace(), docs);
        }
      }
    }
    return this;
  }

  /** Applies tasks in order. */
  public Model applyAll(Collection<IndexTask> tasks) {
    for (IndexTask t : tasks) {
      apply(t);
    }
    return this;
  }

  /** The documents of a workspace: path to content, sorted. */
  public Map<String, String> contents(String workspace) {
    TreeMap<String, String> docs = documents.get(workspace);
    return docs == null ? Map.of() : new TreeMap<>(docs);
  }
}
