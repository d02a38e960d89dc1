package dev.indexqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runnable examples run, and the README's quick start is QuickStart's body. */
class ExamplesTest {

  @Test
  void readmeQuickStartIsQuickStartJava() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    String readme = Files.readString(root.resolve("README.md"));
    int section = readme.indexOf("## Java quick start");
    assertThat(section).as("README has a '## Java quick start' section").isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    String block = readme.substring(start, readme.indexOf("```", start));

    String java =
        Files.readString(
            root.resolve("examples/src/main/java/dev/indexqueue/examples/QuickStart.java"));
    String body =
        java.substring(
            java.indexOf("// README:begin\n") + "// README:begin\n".length(),
            java.indexOf("    // README:end"));
    assertThat(block).isEqualTo(body.replaceAll("(?m)^    ", ""));
  }

  @Test
  void quickStartPrintsTheHit() throws Exception {
    assertThat(capture(() -> QuickStart.main(new String[0])))
        .contains("guide/intro.md:1: Hello, getUserName!");
  }

  @Test
  void workspaceManagerExampleEndsComplete() throws Exception {
    assertThat(capture(() -> WorkspaceManagerExample.main(new String[0])))
        .contains("found README.md", "complete: true");
  }

  @Test
  void concurrentWritersExampleCoalesces() throws Exception {
    assertThat(capture(() -> ConcurrentWritersExample.main(new String[0])))
        .contains("16000 tasks from 8 threads")
        .contains("doc-9.txt");
  }

  interface Main {
    void run() throws Exception;
  }

  private static synchronized String capture(Main main) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(old);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    old.print(s);
    return s;
  }
}
