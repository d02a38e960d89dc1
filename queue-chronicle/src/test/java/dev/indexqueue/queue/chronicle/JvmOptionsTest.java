package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The option lists in the jar are the parent pom's, the printing main works as users run it, and
 * the README's Maven snippets hold the same lists.
 */
class JvmOptionsTest {
  private static final String JDK24_ONLY = "--sun-misc-unsafe-memory-access=allow";

  @TempDir Path dir;

  @Test
  void theJarsListIsThePomsListForThisJava() {
    // surefire passes the parent pom's indexq.jvm.options (base + the JDK 24+ extras when this
    // build's Java is 24+), from which the build generated the resource
    String pom = System.getProperty("indexq.jvm.options");
    assertThat(pom).as("system property indexq.jvm.options (set by surefire)").isNotBlank();
    assertThat(JvmOptions.forJava(Runtime.version().feature()))
        .containsExactlyElementsOf(List.of(pom.trim().split("\\s+")));
  }

  @Test
  void java24AndLaterGetTheExtrasAfterTheBaseList() {
    List<String> java17 = JvmOptions.forJava(17);
    List<String> java24 = JvmOptions.forJava(24);
    assertThat(java17)
        .contains(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dchronicle.analytics.disable=true")
        .doesNotContain(JDK24_ONLY);
    assertThat(JvmOptions.forJava(23)).isEqualTo(java17);
    assertThat(java24.subList(0, java17.size())).isEqualTo(java17);
    assertThat(java24.subList(java17.size(), java24.size()))
        .containsExactly("--enable-native-access=ALL-UNNAMED", JDK24_ONLY);
    assertThat(JvmOptions.forJava(25)).isEqualTo(java24);
  }

  @Test
  void printsOneLineOrOnePerLine() {
    Run line = run("--java", "17");
    assertThat(line.code).isZero();
    assertThat(line.out).isEqualTo(String.join(" ", JvmOptions.forJava(17)) + "\n");
    Run lines = run("--lines", "--java", "25");
    assertThat(lines.code).isZero();
    assertThat(lines.out.lines()).containsExactlyElementsOf(JvmOptions.forJava(25));
    assertThat(run().out.trim())
        .isEqualTo(String.join(" ", JvmOptions.forJava(Runtime.version().feature())));
    assertThat(run("--help").out).contains("usage:", "--lines");
  }

  @Test
  void badArgumentsGetOneClearLineAndExitCode2() {
    Run tooOld = run("--java", "11");
    assertThat(tooOld.code).isEqualTo(2);
    assertThat(tooOld.err)
        .startsWith("JvmOptions: --java needs a Java feature version of 17 or later")
        .contains("got '11'")
        .doesNotContain("Exception");
    assertThat(run("--java", "x1").err).contains("got 'x1'");
    assertThat(run("--java").err).contains("got nothing");
    Run unknown = run("--json");
    assertThat(unknown.code).isEqualTo(2);
    assertThat(unknown.err).startsWith("JvmOptions: unknown argument '--json'");
    assertThat(unknown.out).isEmpty();
  }

  @Test
  void plainJavaWithThePrintedAtFileOpensAQueue() throws Exception {
    // as the README shows: print the options into an @file, then start java with it
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    Path options = dir.resolve("jvm.options");
    Process print =
        new ProcessBuilder(java, "-cp", cp, JvmOptions.class.getName(), "--lines")
            .redirectOutput(options.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(print.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(print.exitValue()).isZero();
    assertThat(Files.readAllLines(options))
        .containsExactlyElementsOf(JvmOptions.forJava(Runtime.version().feature()));

    Process open =
        new ProcessBuilder(
                java,
                "@" + options,
                "-XX:TieredStopAtLevel=1",
                "-cp",
                cp,
                JvmOptionsChildTest.class.getName(),
                dir.resolve("queue").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(open.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(open.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("opened").doesNotContain("refused");
  }

  @Test
  void theReadmeSnippetsHoldTheJarsLists() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String properties = snippet(readme, "chronicle-properties");
    String profile = snippet(readme, "chronicle-profile");
    assertThat(element(properties, "chronicle.jvm.options"))
        .isEqualTo(String.join(" ", JvmOptions.forJava(17)));
    assertThat(element(properties, "chronicle.jvm.options.jdk24")).isEmpty();
    List<String> extras = new ArrayList<>(JvmOptions.forJava(24));
    extras.removeAll(JvmOptions.forJava(17));
    assertThat(profile).contains("<jdk>[24,)</jdk>");
    assertThat(element(profile, "chronicle.jvm.options.jdk24")).isEqualTo(String.join(" ", extras));
    assertThat(snippet(readme, "chronicle-surefire"))
        .contains("<argLine>${chronicle.jvm.options} ${chronicle.jvm.options.jdk24}</argLine>");
    assertThat(snippet(readme, "chronicle-exec"))
        .contains("${chronicle.jvm.options} ${chronicle.jvm.options.jdk24} -classpath %classpath");
  }

  /** The fenced block that follows {@code <!-- snippet:NAME -->} in a markdown text. */
  static String snippet(String markdown, String name) {
    String marker = "<!-- snippet:" + name + " -->\n```";
    int at = markdown.indexOf(marker);
    assertThat(at).as("README has a snippet marked " + name).isNotNegative();
    int start = markdown.indexOf('\n', at + marker.length()) + 1;
    return markdown.substring(start, markdown.indexOf("```", start));
  }

  private static String element(String xml, String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">(.*?)</" + Pattern.quote(name) + ">")
            .matcher(xml);
    assertThat(m.find()).as("<" + name + "> in " + xml).isTrue();
    return m.group(1);
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JvmOptions.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}
