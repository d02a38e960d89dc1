package dev.indexqueue.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.spi.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemWorkspaceSourceTest {
  @TempDir Path tmp;

  private Path write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  private static List<String> paths(List<SourceFile> files) {
    return files.stream().map(SourceFile::path).toList();
  }

  @Test
  void listsSortedAndSkipsHiddenVcsBinaryAndTempFiles() throws IOException {
    Path ws = tmp.resolve("root/ws");
    write(ws.resolve("b.txt"), "b");
    write(ws.resolve("a/z.java"), "class Z {}");
    write(ws.resolve("a/b.java"), "class B {}");
    write(ws.resolve(".hidden"), "h");
    write(ws.resolve(".git/config"), "[core]");
    write(ws.resolve("src/.cache/x.txt"), "x");
    write(ws.resolve(FileSystemWorkspaceSource.TEMP_PREFIX + "1.tmp"), "partial");
    Files.write(ws.resolve("bin.dat"), new byte[] {1, 2, 0, 3});
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp.resolve("root"));

    assertThat(paths(source.list("ws"))).containsExactly("a/b.java", "a/z.java", "b.txt");
    assertThat(source.list("ws").get(0).size()).isEqualTo(10);
    assertThat(source.read("ws", "a/b.java")).contains("class B {}");
    assertThat(source.read("ws", ".hidden")).isEmpty();
    assertThat(source.read("ws", ".git/config")).isEmpty();
    assertThat(source.read("ws", "bin.dat")).isEmpty();
    assertThat(source.read("ws", "missing.txt")).isEmpty();
    assertThat(source.list("nope")).isEmpty();
    assertThat(source.workspaces()).containsExactly("ws");
  }

  @Test
  void hiddenAndVcsAndBinaryCanBeAllowed() throws IOException {
    Path ws = tmp.resolve("root/ws");
    write(ws.resolve(".hidden"), "h");
    write(ws.resolve(".git/config"), "[core]");
    Files.write(ws.resolve("bin.dat"), new byte[] {'a', 0, 'b'});
    FileSystemWorkspaceSource source =
        FileSystemWorkspaceSource.builder(tmp.resolve("root"))
            .skipHidden(false)
            .skipBinary(false)
            .build();
    assertThat(paths(source.list("ws"))).containsExactly(".hidden", "bin.dat");
    assertThat(source.read("ws", "bin.dat")).contains("a\0b");
    FileSystemWorkspaceSource all =
        FileSystemWorkspaceSource.builder(tmp.resolve("root"))
            .skipHidden(false)
            .skipVcsDirectories(false)
            .build();
    assertThat(paths(all.list("ws"))).containsExactly(".git/config", ".hidden");
  }

  @Test
  void includeAndExcludeGlobs() throws IOException {
    Path ws = tmp.resolve("root/ws");
    write(ws.resolve("A.java"), "a");
    write(ws.resolve("src/B.java"), "b");
    write(ws.resolve("src/notes.md"), "n");
    write(ws.resolve("target/C.java"), "c");
    write(ws.resolve("src/gen/D.java"), "d");
    FileSystemWorkspaceSource source =
        FileSystemWorkspaceSource.builder(tmp.resolve("root"))
            .include("*.java")
            .exclude("target", "src/gen/**")
            .build();
    assertThat(paths(source.list("ws"))).containsExactly("A.java", "src/B.java");
    assertThat(source.read("ws", "target/C.java")).isEmpty();
    assertThat(source.read("ws", "src/gen/D.java")).isEmpty();
    assertThat(source.read("ws", "src/notes.md")).isEmpty();
    assertThatThrownBy(() -> FileSystemWorkspaceSource.builder(tmp).include("a[b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("include: not a valid glob");
  }

  @Test
  void decodingPolicy() throws IOException {
    Path ws = tmp.resolve("root/ws");
    Files.createDirectories(ws);
    Files.write(ws.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    write(ws.resolve("utf8.txt"), "caf\u00e9");
    FileSystemWorkspaceSource reject =
        FileSystemWorkspaceSource.builder(tmp.resolve("root"))
            .decoding(DecodingPolicy.REJECT)
            .build();
    assertThat(paths(reject.list("ws"))).containsExactly("utf8.txt");
    assertThat(reject.read("ws", "latin1.txt")).isEmpty();
    assertThat(reject.read("ws", "utf8.txt")).contains("caf\u00e9");
    FileSystemWorkspaceSource replace = FileSystemWorkspaceSource.of(tmp.resolve("root"));
    assertThat(paths(replace.list("ws"))).containsExactly("latin1.txt", "utf8.txt");
    assertThat(replace.read("ws", "latin1.txt")).contains("caf\ufffd");
  }

  @Test
  void symlinksAreNeverFollowedOutside() throws IOException {
    Path outside = write(tmp.resolve("outside/secret.txt"), "secret");
    Path ws = tmp.resolve("root/ws");
    write(ws.resolve("real.txt"), "real");
    Files.createSymbolicLink(ws.resolve("out.txt"), outside);
    Files.createSymbolicLink(ws.resolve("in.txt"), ws.resolve("real.txt"));
    Files.createSymbolicLink(ws.resolve("outdir"), outside.getParent());
    Files.createSymbolicLink(tmp.resolve("root/linkedws"), outside.getParent());
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp.resolve("root"));

    assertThat(paths(source.list("ws"))).containsExactly("in.txt", "real.txt");
    assertThat(source.read("ws", "in.txt")).contains("real");
    assertThat(source.read("ws", "out.txt")).isEmpty();
    assertThat(source.read("ws", "outdir/secret.txt")).isEmpty();
    assertThat(source.list("linkedws")).isEmpty();
    assertThat(source.read("linkedws", "secret.txt")).isEmpty();
    assertThat(source.workspaces()).containsExactly("ws");
  }

  @Test
  void invalidArgumentsNameTheField() {
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp);
    assertThatThrownBy(() -> source.list("../x")).hasMessageStartingWith("workspace:");
    assertThatThrownBy(() -> source.read("ws", "../x")).hasMessageStartingWith("path:");
    assertThatThrownBy(() -> FileSystemWorkspaceSource.builder(tmp).maxFileBytes(0))
        .hasMessageStartingWith("maxFileBytes:");
  }

  @Test
  void largeFilesAreSkipped() throws IOException {
    Path ws = tmp.resolve("root/ws");
    write(ws.resolve("big.txt"), "0123456789");
    write(ws.resolve("small.txt"), "01234");
    FileSystemWorkspaceSource source =
        FileSystemWorkspaceSource.builder(tmp.resolve("root")).maxFileBytes(5).build();
    assertThat(paths(source.list("ws"))).containsExactly("small.txt");
    assertThat(source.read("ws", "big.txt")).isEmpty();
  }
}
