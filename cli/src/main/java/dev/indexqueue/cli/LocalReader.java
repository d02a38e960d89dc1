package dev.indexqueue.cli;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Searches and compares a data directory's index without holding it: opens the committed Lucene
 * index read-only (no writer lock, no queue replay), so it works while another process indexes or
 * watches. It sees that process's last commit (at most about a second old). Not thread-safe: one
 * command uses it and closes it.
 */
final class LocalReader implements AutoCloseable {
  private final IndexBackend index;
  private final WorkspaceRegistry registry;

  private LocalReader(IndexBackend index, WorkspaceRegistry registry) {
    this.index = index;
    this.registry = registry;
  }

  /**
   * Opens the index of a data directory read-only.
   *
   * @throws UsageException when the directory holds no index yet
   */
  static LocalReader open(Path dataDir, NodeSettings node) {
    WorkspaceRegistry registry = WorkspaceRegistry.load(dataDir);
    if (node.backend() != Indexq.BackendKind.lucene) {
      // a shared index (Solr): searched where it is, as of its last soft commit
      try {
        return new LocalReader(
            Providers.indexBackend(node.backend().name(), node.backendConfig(dataDir)), registry);
      } catch (RuntimeException e) {
        UsageException usage = Errors.asUsage(e);
        throw new UsageException(
            "cannot open the index ("
                + node.describe()
                + "): "
                + (usage != null ? usage.getMessage() : Errors.describe(e)),
            e);
      }
    }
    Path index = dataDir.resolve("index");
    if (!Files.isDirectory(index)) {
      throw new UsageException(
          "nothing is indexed in " + dataDir + " yet: run 'indexq index DIR' first");
    }
    try {
      return new LocalReader(LuceneIndexBackendProvider.openReadOnly(index), registry);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "nothing is indexed in " + dataDir + " yet: run 'indexq index DIR' first", e);
    }
  }

  WorkspaceRegistry registry() {
    return registry;
  }

  SearchResults search(String workspace, String query, int limit) {
    return index.search(workspace, query, limit);
  }

  /** Compares a registered workspace's committed documents with its files. */
  IndexStatus status(String workspace) {
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.builder().build();
    Map<String, Path> dirs = registry.workspaces();
    Path dir = dirs.get(workspace);
    if (dir != null && Files.isDirectory(dir)) {
      source.register(workspace, dir);
    }
    return IndexStatus.compare(workspace, source, index.documents(workspace));
  }

  List<String> workspaces(String selected) {
    return Session.workspaces(registry, selected);
  }

  @Override
  public void close() {
    index.close();
  }
}
