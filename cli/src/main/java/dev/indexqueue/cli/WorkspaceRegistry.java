package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The workspace registry of a data directory: a properties file mapping each workspace name to the
 * directory it indexes. Not thread-safe: one CLI command uses it from one thread, and the data
 * directory lock keeps other processes out. Saving replaces the file atomically, so a crash leaves
 * the old or the new registry, never a mix.
 */
public final class WorkspaceRegistry {
  /** The registry file's name inside the data directory. */
  public static final String FILE = "workspaces.properties";

  private final Path file;
  private final Map<String, Path> workspaces = new TreeMap<>();

  private WorkspaceRegistry(Path file) {
    this.file = file;
  }

  /**
   * Loads the registry of a data directory (empty when the file does not exist yet).
   *
   * @param dataDir the data directory
   * @throws UncheckedIOException when the file cannot be read
   */
  public static WorkspaceRegistry load(Path dataDir) {
    WorkspaceRegistry r = new WorkspaceRegistry(dataDir.resolve(FILE));
    if (Files.exists(r.file)) {
      Properties p = new Properties();
      try (Reader in = Files.newBufferedReader(r.file, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the workspace registry " + r.file, e);
      }
      for (String name : p.stringPropertyNames()) {
        if (IndexTask.isValidWorkspace(name)) {
          r.workspaces.put(name, Path.of(p.getProperty(name)));
        }
      }
    }
    return r;
  }

  /** The registered workspaces and their directories, sorted by name. */
  public Map<String, Path> workspaces() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(workspaces));
  }

  /**
   * The directory of a registered workspace.
   *
   * @param name the workspace
   * @throws UsageException when the workspace is not registered
   */
  public Path directory(String name) {
    Path dir = workspaces.get(name);
    if (dir == null) {
      throw new UsageException(
          "unknown workspace '"
              + name
              + "'"
              + (workspaces.isEmpty()
                  ? "; no workspace is registered yet: run 'indexq index DIR' first"
                  : "; registered: " + String.join(", ", workspaces.keySet())));
    }
    return dir;
  }

  /** Whether {@code name} is registered. */
  public boolean contains(String name) {
    return workspaces.containsKey(name);
  }

  /**
   * Registers (or re-points) a workspace and saves the registry.
   *
   * @param name a valid workspace name
   * @param directory the absolute, real directory
   * @throws UncheckedIOException when the file cannot be written
   */
  public void register(String name, Path directory) {
    IndexTask.checkWorkspace(name);
    workspaces.put(name, directory);
    save();
  }

  private void save() {
    Properties p = new Properties();
    workspaces.forEach((k, v) -> p.setProperty(k, v.toString()));
    try {
      Path tmp = Files.createTempFile(file.getParent(), ".workspaces", ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(out, "indexq workspaces: name = directory");
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the workspace registry " + file, e);
    }
  }
}
