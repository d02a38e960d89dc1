package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves the directory and name of a workspace given on the command line. Stateless. */
final class Workspaces {
  private Workspaces() {}

  /**
   * The real, absolute directory of {@code dir}.
   *
   * @throws UsageException when it does not exist, is not a directory or cannot be read
   */
  static Path directory(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.exists(abs)) {
      throw new UsageException("no such directory: " + abs);
    }
    if (!Files.isDirectory(abs)) {
      throw new UsageException("not a directory: " + abs);
    }
    if (!Files.isReadable(abs) || !Files.isExecutable(abs)) {
      throw new UsageException("cannot read directory " + abs + ": permission denied");
    }
    try {
      Path real = abs.toRealPath();
      RegistryWorkspaceSource.check(real);
      return real;
    } catch (IOException e) {
      throw new UsageException(
          "cannot resolve directory " + abs + ": " + DataDirectory.reason(e), e);
    }
  }

  /**
   * The workspace name: {@code given}, or the directory's name.
   *
   * @throws UsageException when the name is not valid
   */
  static String name(String given, Path realDir) {
    String name = given != null ? given : realDir.getFileName().toString();
    if (!IndexTask.isValidWorkspace(name)) {
      throw new UsageException(
          "invalid workspace name '" + name + "': use 1-128 characters of [A-Za-z0-9._-]");
    }
    return name;
  }
}
