package dev.indexqueue.spi;

import java.util.Objects;

/**
 * A file of a workspace that its {@link WorkspaceSource} does not index although it is not excluded
 * by a rule the user chose (hidden files, version-control directories and glob excludes are not
 * reported): the user would expect it indexed, so status and tools say why it is not. Immutable and
 * thread-safe.
 *
 * @param path the file's path relative to the workspace directory, {@code /}-separated; it may not
 *     be a valid task path (that is one of the reasons)
 * @param reason why it is skipped
 */
public record SkippedFile(String path, Reason reason) {
  /** Validates the record. */
  public SkippedFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
  }

  /** Why a file is not indexed. */
  public enum Reason {
    /** It holds a NUL byte near its start. */
    BINARY("binary"),
    /** Its text is larger than the source's size bound. */
    TOO_LARGE("too large"),
    /** It cannot be read (permission denied, an I/O error). */
    UNREADABLE("unreadable"),
    /**
     * Its name cannot be a document path (a newline, tab, backslash or other control character).
     */
    UNSUPPORTED_NAME("unsupported name"),
    /** It is a symbolic link whose target is outside the workspace directory, or dangling. */
    LINK_OUTSIDE("link outside the workspace"),
    /** It is not valid UTF-8 and the source rejects undecodable files. */
    UNDECODABLE("not UTF-8");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /** A few words for users, such as {@code too large}. */
    public String description() {
      return description;
    }
  }
}
