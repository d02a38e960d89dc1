package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the directory and workspace name given on the command line. The workspace name is
 * validated, not the directory's: any directory can be indexed under a valid name. Stateless.
 */
final class WorkspaceArgs {
  private WorkspaceArgs() {}

  /**
   * The absolute, normalized directory.
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
    return abs;
  }

  /**
   * The workspace name: {@code given}, or the directory's name when that is a valid one.
   *
   * @throws UsageException when the name is not valid
   */
  static String name(String given, Path dir) {
    if (given != null) {
      if (!IndexTask.isValidWorkspace(given)) {
        throw new UsageException(
            "invalid workspace name '" + given + "': use 1-128 characters of [A-Za-z0-9._-]");
      }
      return given;
    }
    Path last = dir.getFileName();
    String name = last == null ? "" : last.toString();
    if (!IndexTask.isValidWorkspace(name)) {
      String suggestion = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
      throw new UsageException(
          "the directory's name '"
              + name
              + "' is not a valid workspace name (1-128 characters of [A-Za-z0-9._-]): name the"
              + " workspace with -w NAME"
              + (IndexTask.isValidWorkspace(suggestion) ? ", e.g. -w " + suggestion : ""));
    }
    return name;
  }
}
