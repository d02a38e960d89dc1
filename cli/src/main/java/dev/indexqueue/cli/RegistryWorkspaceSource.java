package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.WorkspaceSource;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link WorkspaceSource} over workspaces that live in arbitrary directories: each registered
 * name maps to a directory, read by a {@link FileSystemWorkspaceSource} rooted at the directory's
 * parent (so every rule of that source holds: hidden, version-control and binary files skipped,
 * symbolic links never followed out of the directory). Thread-safe; workspaces may be added while
 * the service reads.
 *
 * <p>Because {@link FileSystemWorkspaceSource} names a workspace by its directory, the last segment
 * of a registered directory must itself be a valid workspace name ({@code [A-Za-z0-9._-]}); the
 * registered name may differ from it. A name that is not registered has no files.
 */
public final class RegistryWorkspaceSource implements WorkspaceSource {
  private record Entry(FileSystemWorkspaceSource source, String directoryName) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** Creates an empty source. */
  public RegistryWorkspaceSource() {}

  /**
   * Adds (or replaces) a workspace.
   *
   * @param name the workspace name
   * @param directory the workspace's directory: absolute and real (no symbolic link)
   * @throws UsageException when the directory's own name is not a valid workspace name
   */
  public void put(String name, Path directory) {
    IndexTask.checkWorkspace(name);
    entries.put(name, entry(directory));
  }

  /**
   * Checks that a directory can back a workspace.
   *
   * @param directory an absolute, real directory
   * @throws UsageException when it cannot
   */
  public static void check(Path directory) {
    entry(directory);
  }

  private static Entry entry(Path directory) {
    Path parent = directory.getParent();
    Path name = directory.getFileName();
    if (parent == null || name == null) {
      throw new UsageException(
          "cannot index " + directory + ": pick a directory below the file system root");
    }
    if (!IndexTask.isValidWorkspace(name.toString())) {
      throw new UsageException(
          "cannot index "
              + directory
              + ": the directory's name must be 1-128 characters of [A-Za-z0-9._-]; rename it or"
              + " index a directory below it");
    }
    return new Entry(FileSystemWorkspaceSource.of(parent), name.toString());
  }

  @Override
  public List<SourceFile> list(String workspace) {
    Entry e = entries.get(workspace);
    return e == null ? List.of() : e.source().list(e.directoryName());
  }

  @Override
  public Optional<String> read(String workspace, String path) throws IOException {
    Entry e = entries.get(workspace);
    return e == null ? Optional.empty() : e.source().read(e.directoryName(), path);
  }
}
