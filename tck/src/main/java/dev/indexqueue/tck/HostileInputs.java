package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * QuickTheories generators of hostile task inputs for fuzzing validation: unicode (including
 * surrogate pairs and lone surrogates), NUL and other control characters, {@code ..} and {@code .}
 * segments, absolute paths and drive letters, huge, empty and whitespace-only strings, mixed
 * separators, wrong fields for a type, missing type or timestamp. Stateless and thread-safe.
 *
 * <p>Each generated {@link Raw} either builds into an {@link IndexTask} or is rejected at
 * construction; the fuzz test checks what happens to it (see {@code HostileInputTest} in the
 * tck-matrix module).
 */
public final class HostileInputs {
  /** The field names a validation message may start with, followed by a colon. */
  public static final List<String> FIELDS =
      List.of("workspace:", "path:", "content:", "type:", "timestamp:");

  /** Workspaces that may pass validation and have files in {@link #source()}. */
  public static final List<String> VALID_WORKSPACES = List.of("ws", "a.b-c_d", "W0");

  private static final List<String> WORKSPACES =
      List.of(
          "ws",
          "a.b-c_d",
          "W0",
          "",
          " ",
          ".",
          "..",
          "...",
          "ws/x",
          "ws\\x",
          "ws\0",
          "wś",
          "ws ",
          "\t",
          "😀",
          "a\uD800",
          "x".repeat(128),
          "x".repeat(129),
          "-",
          "_",
          "CON",
          "ws\n");

  private static final List<String> SEGMENTS =
      List.of(
          "a",
          "b.txt",
          "dir",
          "..",
          ".",
          "",
          " ",
          "  ",
          "\t",
          "\n",
          "\r",
          "\0",
          "\u0007",
          "\u007f",
          "\u0085",
          "é",
          "😀",
          "\uD800",
          "\uDC00",
          "\uDBFF\uDFFF",
          "C:",
          "c:\\x",
          "~",
          "$HOME",
          "%2e%2e",
          "\u202E",
          "\uFEFF",
          "\u2028",
          "...",
          ".hidden",
          "a b",
          "name.",
          "ü/ö",
          "x".repeat(300),
          "y".repeat(5000));

  private static final List<String> SEPARATORS = List.of("/", "/", "/", "\\", "//", "/./", "");

  private static final List<String> CONTENTS =
      List.of(
          "",
          " ",
          "plain text",
          "NUL \0 inside",
          "😀 emoji",
          "lone \uD800 surrogate",
          "\uDC00 low first",
          "line\r\nbreaks\n",
          "\u202E right-to-left",
          "\uFEFFbom",
          "x".repeat(10_000));

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private HostileInputs() {}

  /**
   * Raw inputs for one task; {@link #build()} constructs (and validates) it. Immutable; its {@link
   * #toString()} escapes and truncates every string, for readable failure reports.
   *
   * @param type the type, or null
   * @param workspace the workspace, or null
   * @param path the path, or null
   * @param content the content, or null
   * @param priority the priority
   * @param timestamp the timestamp, or null
   */
  public record Raw(
      IndexTaskType type,
      String workspace,
      String path,
      String content,
      int priority,
      Instant timestamp) {

    /**
     * Builds the task.
     *
     * @throws IllegalArgumentException when a field breaks a rule
     */
    public IndexTask build() {
      return new IndexTask(type, workspace, path, content, priority, timestamp);
    }

    @Override
    public String toString() {
      return "Raw["
          + type
          + " workspace="
          + escape(workspace)
          + " path="
          + escape(path)
          + " content="
          + escape(content)
          + " priority="
          + priority
          + (timestamp == null ? " timestamp=null" : "")
          + "]";
    }
  }

  /** Escapes control characters and surrogates as {@code \\uXXXX} and truncates long strings. */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    int limit = Math.min(s.length(), 60);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || Character.isSurrogate(c)
          || c == 0x2028
          || c == 0x202E
          || c == 0xFEFF) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
    if (s.length() > limit) {
      b.append("…(").append(s.length()).append(" chars)");
    }
    return b.toString();
  }

  /** The source of truth REINDEX_WORKSPACE reads for the valid workspaces. */
  public static MapWorkspaceSource source() {
    MapWorkspaceSource s = new MapWorkspaceSource();
    for (String ws : VALID_WORKSPACES) {
      s.put(ws, "a", "source a of " + ws);
      s.put(ws, "dir/é 😀.txt", "unicode source of " + ws);
    }
    return s;
  }

  /** Hostile paths: 1–4 segments of hostile fragments joined by hostile separators, or null. */
  public static Gen<String> paths() {
    Gen<String> segment = Generate.pick(SEGMENTS);
    Gen<String> separator = Generate.pick(SEPARATORS);
    Gen<String> joined =
        SourceDSL.lists()
            .of(segment.zip(separator, (s, sep) -> new String[] {s, sep}))
            .ofSizeBetween(1, 4)
            .map(
                parts -> {
                  StringBuilder b = new StringBuilder();
                  for (int i = 0; i < parts.size(); i++) {
                    if (i > 0) {
                      b.append(parts.get(i)[1]);
                    }
                    b.append(parts.get(i)[0]);
                  }
                  return b.toString();
                });
    Gen<String> prefixed =
        joined.zip(
            Generate.pick(List.of("", "", "", "", "/", "C:/", "./", "../", "\\")),
            (p, pre) -> pre + p);
    return Generate.frequency(
        List.of(
            org.quicktheories.api.Pair.of(20, prefixed),
            org.quicktheories.api.Pair.of(
                4, Generate.pick(List.of("a", "b.txt", "dir/a", "é/😀.md"))),
            org.quicktheories.api.Pair.of(1, Generate.constant((String) null))));
  }

  /** Hostile contents, sometimes absent, sometimes above a 64 KiB limit. */
  public static Gen<String> contents() {
    return Generate.frequency(
        List.of(
            org.quicktheories.api.Pair.of(20, Generate.pick(CONTENTS)),
            org.quicktheories.api.Pair.of(2, Generate.constant((String) null)),
            org.quicktheories.api.Pair.of(1, Generate.constant("z".repeat(70_000))),
            org.quicktheories.api.Pair.of(1, Generate.constant("😀".repeat(20_000)))));
  }

  /** Hostile raw tasks: any type (rarely none), fields a type needs or must not have. */
  public static Gen<Raw> raws() {
    List<IndexTaskType> types = new ArrayList<>(Arrays.asList(IndexTaskType.values()));
    types.add(IndexTaskType.INDEX_FILE);
    types.add(IndexTaskType.INDEX_FILE);
    types.add(IndexTaskType.REMOVE_FILE);
    Gen<IndexTaskType> type =
        Generate.frequency(
            List.of(
                org.quicktheories.api.Pair.of(40, Generate.pick(types)),
                org.quicktheories.api.Pair.of(1, Generate.constant((IndexTaskType) null))));
    Gen<String> workspace =
        Generate.frequency(
            List.of(
                org.quicktheories.api.Pair.of(6, Generate.pick(VALID_WORKSPACES)),
                org.quicktheories.api.Pair.of(3, Generate.pick(WORKSPACES)),
                org.quicktheories.api.Pair.of(1, Generate.constant((String) null))));
    Gen<Integer> priority =
        Generate.pick(List.of(0, 0, 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
    Gen<Boolean> hasTimestamp =
        Generate.booleans()
            .zip(Generate.booleans(), (a, b) -> a || b)
            .zip(Generate.booleans(), (a, b) -> a || b);
    // whether to drop the path or content a type does not use (mostly), or keep them (a violation)
    Gen<Integer> tidy = Generate.range(0, 9);
    return type.zip(
        workspace,
        paths().zip(contents(), (p, c) -> new String[] {p, c}),
        priority.zip(hasTimestamp, tidy, (p, t, k) -> new int[] {p, t ? 1 : 0, k}),
        (ty, ws, pc, misc) -> {
          String path = pc[0];
          String content = pc[1];
          if (ty != null && misc[2] > 0) {
            if (!ty.needsPath()) {
              path = null;
            }
            if (!ty.needsContent()) {
              content = null;
            }
          }
          return new Raw(ty, ws, path, content, misc[0], misc[1] == 1 ? T0 : null);
        });
  }
}
