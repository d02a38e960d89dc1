package dev.indexqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IndexTaskTest {

  @Test
  void factoriesBuildValidTasks() {
    IndexTask t = IndexTask.indexFile("ws-1", "src/Main.java", "class Main {}");
    assertThat(t.type()).isEqualTo(IndexTaskType.INDEX_FILE);
    assertThat(t.priority()).isZero();
    assertThat(IndexTask.removeFile("ws", "a/b").path()).isEqualTo("a/b");
    assertThat(IndexTask.removeWorkspace("ws").path()).isNull();
    assertThat(IndexTask.reindexWorkspace("ws").content()).isNull();
    assertThat(t.withPriority(-5).priority()).isEqualTo(-5);
  }

  @Test
  void workspaceIsRequired() {
    assertThatThrownBy(() -> IndexTask.indexFile(null, "a", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workspace: is required, was: null");
  }

  @Test
  void workspaceMustNotBeEmpty() {
    assertThatThrownBy(() -> IndexTask.removeWorkspace(""))
        .hasMessage("workspace: must not be empty, was: \"\"");
  }

  @Test
  void workspaceHasAMaximumLength() {
    String ok = "w".repeat(128);
    assertThat(IndexTask.removeWorkspace(ok).workspace()).isEqualTo(ok);
    assertThatThrownBy(() -> IndexTask.removeWorkspace("w".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workspace: must be at most 128 characters (had 129), was: \"www")
        .hasMessageEndingWith("… (129 chars)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a b   | must use only the characters [A-Za-z0-9._-] (found U+0020 at index 1)",
        "a/b   | must use only the characters [A-Za-z0-9._-] (found '/' at index 1)",
        "é     | must use only the characters [A-Za-z0-9._-] (found 'é' at index 0)",
        ".     | must not be '.' or '..'",
        "..    | must not be '.' or '..'"
      })
  void workspaceCharactersAreRestricted(String ws, String rule) {
    assertThatThrownBy(() -> IndexTask.removeWorkspace(ws.strip()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workspace: " + rule + ", was: \"" + ws.strip() + "\"");
  }

  @Test
  void blankWorkspaceNamesTheCharacter() {
    assertThatThrownBy(() -> IndexTask.removeWorkspace("   "))
        .hasMessage(
            "workspace: must use only the characters [A-Za-z0-9._-] (found U+0020 at index 0),"
                + " was: \"   \"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/etc/passwd     | must be relative (no leading '/')",
        "C:/x            | must be relative (no drive letter)",
        "../x            | must not contain a '..' segment",
        "a/../x          | must not contain a '..' segment",
        "a/..            | must not contain a '..' segment",
        "a//b            | must be normalized (empty segment)",
        "a/              | must be normalized (empty segment)",
        "./a             | must be normalized (no '.' segment)",
        "a\\b            | must use '/' as separator, not a backslash"
      })
  void pathRules(String path, String rule) {
    assertThatThrownBy(() -> IndexTask.indexFile("ws", path.strip(), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path: " + rule + ", was: ");
  }

  @Test
  void pathMustNotContainNul() {
    assertThatThrownBy(() -> IndexTask.removeFile("ws", "a\0b"))
        .hasMessage("path: must not contain NUL, was: \"a\\u0000b\"");
  }

  @Test
  void pathMustNotContainControlCharacters() {
    assertThatThrownBy(() -> IndexTask.removeFile("ws", "a\nb"))
        .hasMessage(
            "path: must not contain control characters (found U+000A at index 1), was:"
                + " \"a\\u000ab\"");
  }

  @Test
  void pathIsRequiredAndNotEmpty() {
    assertThatThrownBy(() -> IndexTask.removeFile("ws", null))
        .hasMessage("path: is required, was: null");
    assertThatThrownBy(() -> IndexTask.removeFile("ws", ""))
        .hasMessage("path: must not be empty, was: \"\"");
  }

  @Test
  void pathHasAMaximumLengthInUtf8Bytes() {
    String ok = "a".repeat(4096);
    assertThat(IndexTask.removeFile("ws", ok).path()).hasSize(4096);
    String twoByte = "é".repeat(2049); // 4098 bytes
    assertThatThrownBy(() -> IndexTask.removeFile("ws", twoByte))
        .hasMessageStartingWith("path: must be at most 4096 UTF-8 bytes (had 4098), was: \"éé")
        .hasMessageEndingWith("… (2049 chars)");
  }

  @Test
  void pathMustBeValidUnicode() {
    assertThatThrownBy(() -> IndexTask.removeFile("ws", "a\uD800b"))
        .hasMessageStartingWith("path: must be valid Unicode (unpaired surrogate)");
  }

  @Test
  void unicodePathsAreAllowed() {
    assertThat(IndexTask.removeFile("ws", "docs/日本語/ファイル.md").path()).endsWith(".md");
  }

  @Test
  void contentIsRequiredForIndexFile() {
    assertThatThrownBy(() -> IndexTask.indexFile("ws", "a", null))
        .hasMessage("content: is required for INDEX_FILE, was: null");
  }

  @Test
  void fieldsATypeDoesNotUseMustBeAbsent() {
    Instant now = Instant.now();
    assertThatThrownBy(() -> new IndexTask(IndexTaskType.REMOVE_FILE, "ws", "a", "x", 0, now))
        .hasMessage("content: must be absent for REMOVE_FILE, was: \"x\"");
    assertThatThrownBy(() -> new IndexTask(IndexTaskType.REMOVE_WORKSPACE, "ws", "a", null, 0, now))
        .hasMessage("path: must be absent for REMOVE_WORKSPACE, was: \"a\"");
    assertThatThrownBy(
            () -> new IndexTask(IndexTaskType.REINDEX_WORKSPACE, "ws", null, "c", 0, now))
        .hasMessage("content: must be absent for REINDEX_WORKSPACE, was: \"c\"");
  }

  @Test
  void typeAndTimestampAreRequired() {
    assertThatThrownBy(() -> new IndexTask(null, "ws", null, null, 0, Instant.now()))
        .hasMessage("type: is required, was: null");
    assertThatThrownBy(
            () -> new IndexTask(IndexTaskType.REMOVE_WORKSPACE, "ws", null, null, 0, null))
        .hasMessage("timestamp: is required, was: null");
  }

  @Test
  void contentSizeIsCheckedAgainstALimit() {
    IndexTask t = IndexTask.indexFile("ws", "big.txt", "é".repeat(600));
    t.checkContentSize(1200);
    assertThatThrownBy(() -> t.checkContentSize(1199))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "content: must be at most 1199 UTF-8 bytes (maxContentBytes), had 1200 for path"
                + " \"big.txt\"");
  }

  @Test
  void longValuesAreTruncatedInMessages() {
    String huge = "x".repeat(100_000) + " ";
    assertThatThrownBy(() -> IndexTask.removeWorkspace(huge))
        .message()
        .hasSizeLessThan(300)
        .contains("(100001 chars)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "A-b_c.d", "0", "..a", "a..", "x.y.z"})
  void validWorkspaces(String ws) {
    assertThat(IndexTask.isValidWorkspace(ws)).isTrue();
  }
}
