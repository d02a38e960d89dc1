package dev.indexqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.queue.chronicle.ChronicleTaskQueueProvider;
import dev.indexqueue.queue.chronicle.SyncPolicy;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands in-process against temporary data directories. */
class CliTest {
  @TempDir Path tmp;
  Path data;
  Path src;

  @BeforeEach
  void files() throws Exception {
    data = tmp.resolve("data");
    src = tmp.resolve("shop");
    Files.createDirectories(src.resolve("src/main"));
    Files.writeString(
        src.resolve("src/main/User.java"),
        "class User {\n  String getUserName() {\n    return name;\n  }\n}\n");
    Files.writeString(src.resolve("src/main/Cart.java"), "class Cart {\n  long totalInCents;\n}\n");
    Files.writeString(src.resolve("README.md"), "# Shop\nA cart and its users.\n");
    Files.writeString(src.resolve(".hidden"), "never indexed");
  }

  @Test
  void indexThenSearchThenStatusIsComplete() {
    Cli.Result index = Cli.run(data, "index", src.toString());
    assertThat(index.exit()).as(index.toString()).isZero();
    assertThat(index.out()).contains("indexed 3 files", "workspace 'shop'", "coverage 100.0%");
    assertThat(index.err())
        .contains("indexing shop: 3 files to index or remove"); // plain progress lines: no terminal

    Cli.Result search = Cli.run(data, "search", "user name");
    assertThat(search.exit()).as(search.toString()).isZero();
    assertThat(search.out()).contains("src/main/User.java:2: String getUserName() {");

    Cli.Result status = Cli.run(data, "status");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("queue: RUNNING")
        .containsPattern("shop\\s+3\\s+3\\s+3\\s+0\\s+0\\s+0\\s+0\\s+100.0%");
  }

  @Test
  void indexAgainRemovesWhatIsGoneAndUpdatesWhatChanged() throws Exception {
    assertThat(Cli.run(data, "index", src.toString(), "--workspace", "s1").exit()).isZero();
    Files.delete(src.resolve("README.md"));
    Files.writeString(src.resolve("src/main/Cart.java"), "class Cart { long discount; }");
    Cli.Result again = Cli.run(data, "index", src.toString(), "--workspace", "s1");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(statusJson("s1"))
        .contains("\"filesystemFiles\":2,\"indexedFiles\":2,\"upToDate\":2")
        .contains("\"isUpToDate\":true");
    assertThat(Cli.run(data, "search", "discount", "-w", "s1").out())
        .contains("src/main/Cart.java:1:");
    assertThat(Cli.run(data, "search", "cart", "-w", "s1").out()).doesNotContain("README.md");
  }

  @Test
  void statusJsonHasExactlyTheDocumentedKeys() {
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
    String json = statusJson(null);
    assertThat(json).startsWith("{\"queue\":{").contains("\"workspaces\":{\"shop\":{");
    Matcher m = Pattern.compile("\"shop\":\\{\"directory\":\"[^\"]*\",([^}]*})").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    assertThat(m.group(1))
        .isEqualTo(
            "\"filesystemFiles\":3,\"indexedFiles\":3,\"upToDate\":3,\"missingFiles\":0,"
                + "\"staleFiles\":0,\"extraIndexed\":0,\"skippedFiles\":0,\"isUpToDate\":true,"
                + "\"indexCoverage\":100.0,\"skippedByReason\":{}");
    assertThat(json).contains("\"state\":\"RUNNING\"", "\"queueSize\":0", "\"deadLettered\":0");
  }

  @Test
  void searchJsonHasHitsWithLinesAndHighlights() {
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
    Cli.Result r = Cli.run(data, "search", "totalInCents", "--json", "--limit", "5");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out().strip())
        .startsWith(
            "{\"query\":\"totalInCents\",\"totalHits\":1,\"hits\":[{\"workspace\":\"shop\",\"path\":\"src/main/Cart.java\",\"score\":")
        .contains("\"lines\":[{\"line\":2,\"text\":\"  long totalInCents;\",\"highlights\":[[")
        .endsWith("]}");
  }

  @Test
  void unknownWorkspaceIsExit2WithOneLine() {
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
    Cli.Result r = Cli.run(data, "search", "cart", "--workspace", "nope");
    assertThat(r.exit()).isEqualTo(Indexq.EXIT_USAGE);
    assertThat(r.err()).isEqualTo("indexq: unknown workspace 'nope'; registered: shop\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void noWorkspaceYetIsExit2() {
    Cli.Result r = Cli.run(data, "status");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no data directory at").doesNotContain("Exception");
    assertThat(data).doesNotExist(); // a mistyped --data creates nothing
    assertThat(Cli.run(data, "search", "x").err()).startsWith("indexq: no data directory at");
    assertThat(data).doesNotExist();
  }

  @Test
  void missingDirectoryIsExit2() {
    Cli.Result r = Cli.run(data, "index", tmp.resolve("nope").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("indexq: no such directory: ").hasLineCount(1);
  }

  @Test
  void dataDirectoryThatIsAFileIsExit2() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Cli.Result r = Cli.run(file, "index", src.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("indexq: data directory " + file + " is not a directory\n");
  }

  @Test
  void lockedDataDirectoryIsExit2() {
    try (DataDirectory held = DataDirectory.open(data, "test")) {
      Cli.Result r = Cli.run(data, "index", src.toString());
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("is in use by another indexq command").hasLineCount(1);
    }
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero(); // released
  }

  @Test
  void queueHeldByAnotherOwnerIsExit2NotAStackTrace() {
    TaskQueue queue =
        ChronicleTaskQueueProvider.newQueue(data.resolve("queue"), 100, SyncPolicy.NONE);
    try {
      Cli.Result r = Cli.run(data, "index", src.toString());
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err())
          .startsWith("indexq: the data directory is in use by another process: ")
          .hasLineCount(1);
    } finally {
      queue.close();
    }
  }

  @Test
  void verboseShowsTheStackTrace() {
    Cli.Result r = Cli.run(data, "--verbose", "search", "x", "-w", "nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("UsageException").contains("\tat ");
  }

  @Test
  void badOptionsAndMissingCommandAreExit2() {
    assertThat(Cli.runRaw().exit()).isEqualTo(2);
    Cli.Result r = Cli.runRaw("search");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter: 'QUERY'").hasLineCount(1);
    assertThat(Cli.runRaw("--queue", "kafka", "status").exit()).isEqualTo(2);
    assertThat(Cli.runRaw("search", "x", "--limit", "0", "--data", data.toString()).exit())
        .isEqualTo(2);
  }

  @Test
  void badQueryIsExit2() {
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
    Cli.Result r = Cli.run(data, "search", "AND (");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).hasLineCount(1);
  }

  @Test
  void memoryQueueWorksToo() {
    Cli.Result r = Cli.run(data, "--queue", "memory", "index", src.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(Cli.run(data, "--queue", "memory", "search", "cents").out()).contains("Cart.java");
  }

  @Test
  void deadLettersStartEmpty() {
    Cli.Result list = Cli.run(data, "dead-letters", "list");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).isEqualTo("no dead letters\n");
    assertThat(Cli.run(data, "dead-letters", "list", "--json").out())
        .isEqualTo("{\"deadLetters\":[]}\n");
    assertThat(Cli.run(data, "dead-letters", "clear").out()).isEqualTo("cleared 0 dead letters\n");
    assertThat(Cli.run(data, "dead-letters").exit()).isEqualTo(2);
  }

  @Test
  void aDamagedQueueIsOneLineAndRepairRebuildsFromTheFiles() throws Exception {
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
    Path queue = data.resolve("queue");
    java.util.List<Path> files;
    try (var walk = Files.walk(queue)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) { // truncate and corrupt every queue file, whatever the layout
      byte[] b = Files.readAllBytes(f);
      byte[] garbage = new byte[Math.max(16, b.length / 2)];
      java.util.Arrays.fill(garbage, (byte) 0x7f);
      Files.write(f, garbage);
    }
    Cli.Result broken = Cli.run(data, "index", src.toString());
    assertThat(broken.exit()).as(broken.toString()).isNotZero();
    assertThat(broken.err())
        .as(broken.toString())
        .contains("indexq repair")
        .doesNotContain("\tat ")
        .hasLineCount(1);

    Cli.Result repair = Cli.run(data, "repair");
    assertThat(repair.exit()).as(repair.toString()).isZero();
    assertThat(repair.out())
        .contains("set the task queue and the index aside in ", "indexed 3 files");
    assertThat(Cli.run(data, "search", "totalInCents").out()).contains("Cart.java");
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
  }

  @Test
  void smallFixes() {
    Cli.Result typo = Cli.runRaw("serach", "x");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("did you mean", "'search'").hasLineCount(1);
    assertThat(Cli.runRaw("--version").out()).startsWith("indexq 0.").doesNotContain("unknown");
    assertThat(Cli.run(data, "index", src.toString()).exit()).isZero();
    String longQuery = "x".repeat(5000);
    Cli.Result tooLong = Cli.run(data, "search", longQuery);
    assertThat(tooLong.exit()).isEqualTo(2);
    assertThat(tooLong.err()).contains("too long").doesNotContain("xxxx").hasLineCount(1);
  }

  @Test
  void aDirectoryWithASpaceIsIndexedUnderAValidName() throws Exception {
    Path spaced = Files.createDirectories(tmp.resolve("my proj"));
    Files.writeString(spaced.resolve("a.txt"), "spaced out");
    Cli.Result noName = Cli.run(data, "index", spaced.toString());
    assertThat(noName.exit()).isEqualTo(2);
    assertThat(noName.err()).contains("-w NAME", "-w my-proj");
    Cli.Result r = Cli.run(data, "index", spaced.toString(), "-w", "proj");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(Cli.run(data, "search", "spaced", "-w", "proj").out()).contains("a.txt:1:");
  }

  private String statusJson(String workspace) {
    Cli.Result r =
        workspace == null
            ? Cli.run(data, "status", "--json")
            : Cli.run(data, "status", "--json", "--workspace", workspace);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.out().strip();
  }
}
