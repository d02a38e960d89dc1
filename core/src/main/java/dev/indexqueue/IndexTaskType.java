package dev.indexqueue;

/**
 * The four kinds of change an {@link IndexTask} can carry. Immutable and thread-safe.
 *
 * <p>Each type states which optional fields of a task it needs; a task whose type does not use a
 * field must leave it {@code null} (see {@link IndexTask}).
 */
public enum IndexTaskType {
  /** Upsert the document (workspace, path) with the given content. Needs path and content. */
  INDEX_FILE(true, true),
  /** Delete the document (workspace, path); no error if it is absent. Needs path. */
  REMOVE_FILE(true, false),
  /** Delete every document of the workspace. Needs only the workspace. */
  REMOVE_WORKSPACE(false, false),
  /**
   * Make the workspace's documents equal to its source of truth (the workspace's files). Needs only
   * the workspace; the service must be configured with a workspace source.
   */
  REINDEX_WORKSPACE(false, false);

  private final boolean needsPath;
  private final boolean needsContent;

  IndexTaskType(boolean needsPath, boolean needsContent) {
    this.needsPath = needsPath;
    this.needsContent = needsContent;
  }

  /** Returns whether tasks of this type must carry a path (and tasks of other types must not). */
  public boolean needsPath() {
    return needsPath;
  }

  /** Returns whether tasks of this type must carry content (and tasks of other types must not). */
  public boolean needsContent() {
    return needsContent;
  }

  /** Returns whether this type affects every document of its workspace rather than one path. */
  public boolean isWorkspaceWide() {
    return !needsPath;
  }
}
