package dev.indexqueue.workspace;

import dev.indexqueue.IndexTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Containment checks for paths inside a workspace directory. Stateless and thread-safe. */
final class WorkspacePaths {
  private WorkspacePaths() {}

  /**
   * Resolves {@code path} inside the workspace directory {@code dir} (a real path), refusing any
   * escape: a {@code ..} segment, an absolute path, a symbolic link on the way that points outside
   * {@code dir} (or cannot be resolved), and linked directories (the source does not follow them).
   *
   * @return the target (it may not exist)
   * @throws IllegalArgumentException naming the field and the rule
   */
  static Path resolve(Path dir, String path) {
    IndexTask.checkPath(path);
    checkWorkspaceDirectory(dir);
    String[] segments = path.split("/", -1);
    Path current = dir;
    StringBuilder rel = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      current = current.resolve(segments[i]);
      if (rel.length() > 0) {
        rel.append('/');
      }
      rel.append(segments[i]);
      if (!Files.isSymbolicLink(current)) {
        if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
          break; // the rest will be created by us
        }
        continue;
      }
      Path real = null;
      try {
        real = current.toRealPath();
      } catch (IOException e) {
        // dangling or looping: cannot prove it stays inside
      }
      if (real == null || !real.startsWith(dir)) {
        throw new IllegalArgumentException(
            "path: must not escape the workspace directory, but '"
                + rel
                + "' is a symbolic link pointing "
                + (real == null ? "to a target that cannot be resolved" : "outside it, to " + real)
                + "; was: \""
                + path
                + "\"");
      }
      if (i < segments.length - 1) {
        throw new IllegalArgumentException(
            "path: must not pass through a linked directory ('"
                + rel
                + "' is a symbolic link; linked directories are not indexed); was: \""
                + path
                + "\"");
      }
    }
    return dir.resolve(path);
  }

  /** Refuses a workspace directory that is a symbolic link. */
  static void checkWorkspaceDirectory(Path dir) {
    if (Files.isSymbolicLink(dir)) {
      throw new IllegalArgumentException(
          "workspace: its directory "
              + dir
              + " is a symbolic link; a workspace must be a real directory under the root");
    }
  }

  /** The index of the first unpaired surrogate in {@code s}, or -1. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return i;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
