package dev.indexqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * One change to the index: an immutable record that validates itself on construction. Instances are
 * immutable and thread-safe.
 *
 * <p>Rules (docs/DESIGN.md §2), each violation throwing an {@link IllegalArgumentException} whose
 * message names the field, the rule and the (truncated) offending value:
 *
 * <ul>
 *   <li>{@code type} and {@code timestamp} are required;
 *   <li>{@code workspace}: 1–128 characters of {@code [A-Za-z0-9._-]}, not {@code .} or {@code ..};
 *   <li>{@code path} (only for {@link IndexTaskType#needsPath() types that need it}): relative,
 *       normalized, {@code /}-separated, no empty, {@code .} or {@code ..} segment, no NUL, no
 *       backslash, at most {@value #MAX_PATH_BYTES} UTF-8 bytes;
 *   <li>{@code content} (only for {@link IndexTaskType#INDEX_FILE}): present; its size limit is
 *       configured on the service ({@code maxContentBytes}, default 16 MiB) and checked at submit;
 *   <li>fields a type does not use must be {@code null}.
 * </ul>
 *
 * <p>{@code priority}: lower is more urgent, default {@value #NORMAL_PRIORITY}, negative allowed.
 * {@code timestamp} records when the task was created and is informational only.
 *
 * @param type what the task does
 * @param workspace the workspace the task belongs to
 * @param path the document path inside the workspace, or {@code null} for workspace-wide types
 * @param content the document text for {@link IndexTaskType#INDEX_FILE}, otherwise {@code null}
 * @param priority scheduling priority across workspaces; lower number is more urgent
 * @param timestamp when the task was created
 */
public record IndexTask(
    IndexTaskType type,
    String workspace,
    String path,
    String content,
    int priority,
    Instant timestamp) {

  /** The priority of tasks built without an explicit one. */
  public static final int NORMAL_PRIORITY = 0;

  /** Longest workspace name, in characters. */
  public static final int MAX_WORKSPACE_LENGTH = 128;

  /** Longest path, in UTF-8 bytes. */
  public static final int MAX_PATH_BYTES = 4096;

  /** Validates every field; see the class documentation for the rules. */
  public IndexTask {
    if (type == null) {
      throw new IllegalArgumentException("type: is required, was: null");
    }
    if (timestamp == null) {
      throw new IllegalArgumentException("timestamp: is required, was: null");
    }
    checkWorkspace(workspace);
    if (type.needsPath()) {
      checkPath(path);
    } else if (path != null) {
      throw new IllegalArgumentException(
          "path: must be absent for " + type + ", was: " + Texts.quote(path));
    }
    if (type.needsContent()) {
      if (content == null) {
        throw new IllegalArgumentException("content: is required for " + type + ", was: null");
      }
    } else if (content != null) {
      throw new IllegalArgumentException(
          "content: must be absent for " + type + ", was: " + Texts.quote(content));
    }
  }

  /** A task that upserts (workspace, path) with content, at normal priority, timestamped now. */
  public static IndexTask indexFile(String workspace, String path, String content) {
    return new IndexTask(
        IndexTaskType.INDEX_FILE, workspace, path, content, NORMAL_PRIORITY, Instant.now());
  }

  /** A task that deletes (workspace, path), at normal priority, timestamped now. */
  public static IndexTask removeFile(String workspace, String path) {
    return new IndexTask(
        IndexTaskType.REMOVE_FILE, workspace, path, null, NORMAL_PRIORITY, Instant.now());
  }

  /** A task that deletes every document of the workspace, at normal priority, timestamped now. */
  public static IndexTask removeWorkspace(String workspace) {
    return new IndexTask(
        IndexTaskType.REMOVE_WORKSPACE, workspace, null, null, NORMAL_PRIORITY, Instant.now());
  }

  /** A task that makes the workspace equal to its source, at normal priority, timestamped now. */
  public static IndexTask reindexWorkspace(String workspace) {
    return new IndexTask(
        IndexTaskType.REINDEX_WORKSPACE, workspace, null, null, NORMAL_PRIORITY, Instant.now());
  }

  /**
   * Checks the content against a size limit, as the service does at submit.
   *
   * @param maxBytes the largest content allowed, in UTF-8 bytes
   * @throws IllegalArgumentException naming the field {@code content} when it is larger
   */
  public void checkContentSize(long maxBytes) {
    if (content != null && (long) content.length() > maxBytes / 3) {
      int bytes = Texts.utf8Length(content);
      if (bytes > maxBytes) {
        throw new IllegalArgumentException(
            "content: must be at most "
                + maxBytes
                + " UTF-8 bytes (maxContentBytes), had "
                + bytes
                + " for path "
                + Texts.quote(path));
      }
    }
  }

  /** Returns a copy of this task with another priority (lower is more urgent). */
  public IndexTask withPriority(int newPriority) {
    return new IndexTask(type, workspace, path, content, newPriority, timestamp);
  }

  /** Returns a copy of this task with another timestamp. */
  public IndexTask withTimestamp(Instant newTimestamp) {
    return new IndexTask(type, workspace, path, content, priority, newTimestamp);
  }

  /**
   * Returns whether {@code name} is a valid workspace name, without throwing.
   *
   * @param name the candidate name, may be {@code null}
   */
  public static boolean isValidWorkspace(String name) {
    return workspaceProblem(name) == null;
  }

  /**
   * Checks a workspace name against the rules of this record.
   *
   * @param workspace the name to check
   * @throws IllegalArgumentException naming the field {@code workspace} and the rule broken
   */
  public static void checkWorkspace(String workspace) {
    String problem = workspaceProblem(workspace);
    if (problem != null) {
      throw new IllegalArgumentException(
          "workspace: " + problem + ", was: " + Texts.quote(workspace));
    }
  }

  /**
   * Checks a document path against the rules of this record.
   *
   * @param path the path to check
   * @throws IllegalArgumentException naming the field {@code path} and the rule broken
   */
  public static void checkPath(String path) {
    String problem = pathProblem(path);
    if (problem != null) {
      throw new IllegalArgumentException("path: " + problem + ", was: " + Texts.quote(path));
    }
  }

  private static String workspaceProblem(String ws) {
    if (ws == null) {
      return "is required";
    }
    if (ws.isEmpty()) {
      return "must not be empty";
    }
    if (ws.length() > MAX_WORKSPACE_LENGTH) {
      return "must be at most " + MAX_WORKSPACE_LENGTH + " characters (had " + ws.length() + ")";
    }
    if (ws.equals(".") || ws.equals("..")) {
      return "must not be '.' or '..'";
    }
    for (int i = 0; i < ws.length(); i++) {
      char c = ws.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return "must use only the characters [A-Za-z0-9._-] (found "
            + Texts.describeChar(c)
            + " at index "
            + i
            + ")";
      }
    }
    return null;
  }

  private static String pathProblem(String p) {
    if (p == null) {
      return "is required";
    }
    if (p.isEmpty()) {
      return "must not be empty";
    }
    if (p.indexOf('\0') >= 0) {
      return "must not contain NUL";
    }
    if (p.indexOf('\\') >= 0) {
      return "must use '/' as separator, not a backslash";
    }
    if (p.startsWith("/")) {
      return "must be relative (no leading '/')";
    }
    if (p.length() >= 2 && p.charAt(1) == ':' && Character.isLetter(p.charAt(0))) {
      return "must be relative (no drive letter)";
    }
    int bytes = Texts.utf8Length(p);
    if (bytes > MAX_PATH_BYTES) {
      return "must be at most " + MAX_PATH_BYTES + " UTF-8 bytes (had " + bytes + ")";
    }
    if (Texts.hasUnpairedSurrogate(p)) {
      return "must be valid Unicode (unpaired surrogate)";
    }
    int start = 0;
    while (start <= p.length()) {
      int slash = p.indexOf('/', start);
      int end = slash < 0 ? p.length() : slash;
      String segment = p.substring(start, end);
      if (segment.isEmpty()) {
        return "must be normalized (empty segment)";
      }
      if (segment.equals("..")) {
        return "must not contain a '..' segment";
      }
      if (segment.equals(".")) {
        return "must be normalized (no '.' segment)";
      }
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
    for (int i = 0; i < p.length(); i++) {
      if (Character.isISOControl(p.charAt(i))) {
        return "must not contain control characters (found "
            + Texts.describeChar(p.charAt(i))
            + " at index "
            + i
            + ")";
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "IndexTask["
        + type
        + " workspace="
        + workspace
        + (path == null ? "" : " path=" + Texts.quote(path))
        + (content == null ? "" : " content=" + content.length() + " chars")
        + " priority="
        + priority
        + " timestamp="
        + timestamp
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexTask t
        && type == t.type
        && priority == t.priority
        && workspace.equals(t.workspace)
        && Objects.equals(path, t.path)
        && Objects.equals(content, t.content)
        && timestamp.equals(t.timestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, workspace, path, priority, timestamp);
  }
}
