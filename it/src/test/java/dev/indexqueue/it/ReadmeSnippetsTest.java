package dev.indexqueue.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Users copy the READMEs' snippets: the consumer projects under src/it, which the build compiles
 * and runs, are made of exactly those snippets.
 */
class ReadmeSnippetsTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path CONSUMERS = ROOT.resolve("it/src/it");

  @Test
  void theQuickStartsAreTheReadmesCode() throws IOException {
    String readme = quickStartBlock();
    assertThat(body(CONSUMERS.resolve("quickstart/src/main/java/com/example/QuickStart.java")))
        .isEqualTo(readme);
    assertThat(body(CONSUMERS.resolve("modulepath/src/main/java/com/example/QuickStart.java")))
        .isEqualTo(readme);
  }

  @Test
  void theChronicleQuickStartIsTheReadmesCodeWithTheReadmesChronicleLine() throws IOException {
    String line = snippet(read(ROOT.resolve("README.md")), "chronicle-queue-line").strip();
    assertThat(line).startsWith(".queue(\"chronicle\"");
    String readme = quickStartBlock();
    List<String> memory =
        readme.lines().filter(l -> l.contains(".queue(\"memory\"")).collect(Collectors.toList());
    assertThat(memory).as("the quick start's queue line").hasSize(1);
    String indent = memory.get(0).substring(0, memory.get(0).indexOf('.'));
    String expected = readme.replace(memory.get(0), indent + line);
    assertThat(
            body(
                CONSUMERS.resolve("quickstart/src/main/java/com/example/ChronicleQuickStart.java")))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "chronicle-properties",
        "chronicle-profile",
        "chronicle-surefire",
        "chronicle-exec"
      })
  void theConsumerPomHoldsQueueChroniclesSnippet(String name) throws IOException {
    String readme = snippet(read(ROOT.resolve("queue-chronicle/README.md")), name);
    String pom = read(CONSUMERS.resolve("quickstart/pom.xml"));
    String begin = "<!-- snippet:" + name + " -->\n";
    String end = "<!-- /snippet:" + name + " -->";
    assertThat(pom).as("quickstart/pom.xml marks the snippet " + name).contains(begin, end);
    int start = pom.indexOf(begin) + begin.length();
    String region = pom.substring(start, pom.lastIndexOf('\n', pom.indexOf(end, start)) + 1);
    assertThat(dedent(region)).isEqualTo(dedent(readme));
  }

  private static String quickStartBlock() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    int section = readme.indexOf("## Java quick start");
    assertThat(section).as("README has a '## Java quick start' section").isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** The fenced block right after the line {@code <!-- snippet:NAME -->} of a markdown text. */
  static String snippet(String markdown, String name) {
    String marker = "<!-- snippet:" + name + " -->\n```";
    int at = markdown.indexOf(marker);
    assertThat(at).as("a snippet marked " + name).isNotNegative();
    int start = markdown.indexOf('\n', at + marker.length()) + 1;
    return markdown.substring(start, markdown.indexOf("```", start));
  }

  /** The lines between {@code // README:begin} and {@code // README:end}, dedented. */
  private static String body(Path java) throws IOException {
    String text = read(java);
    String begin = "// README:begin\n";
    int start = text.indexOf(begin);
    int end = text.indexOf("// README:end");
    assertThat(start).as(java + " has README markers").isNotNegative();
    assertThat(end).as(java + " has README markers").isGreaterThan(start);
    return dedent(text.substring(start + begin.length(), text.lastIndexOf('\n', end) + 1));
  }

  /** Removes the indentation all non-blank lines share. */
  static String dedent(String text) {
    int common =
        text.lines()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return text.lines()
        .map(l -> l.isBlank() ? "" : l.substring(common))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  static String read(Path file) throws IOException {
    return Files.readString(file);
  }
}
