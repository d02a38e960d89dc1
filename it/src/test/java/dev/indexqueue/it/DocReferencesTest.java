package dev.indexqueue.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every reference to a file of the repository, in the READMEs and other markdown, the poms, scripts
 * and the comments of the Java sources, resolves inside the repository: paths relative to the
 * referring file or to the root ({@code docs/STACK.md}, {@code it/src/it/quickstart}), markdown
 * links with their anchors, and design references ({@code docs/DESIGN.md §3.9}) to an existing
 * section. And docs/STACK.md names the versions the parent pom uses.
 */
class DocReferencesTest {
  private static final Path ROOT = ReadmeSnippetsTest.ROOT;

  /** A path with a slash, maybe after dot segments, or a capitalized markdown file name alone. */
  private static final Pattern PATH =
      Pattern.compile(
          "(?<![\\w@:/.$\\-])((?:\\.\\.?/)*[\\w.\\-]+(?:/[\\w.\\-]+)+/?|[A-Z][\\w\\-]*\\.md)(?![\\w/\\-])");

  /** {@code [text](target)}, target not a URL. */
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

  /** A design reference: the document's path, then a section or a range of sections after §. */
  private static final Pattern DESIGN =
      Pattern.compile(
          "(?<![\\w/.\\-])((?:[\\w.\\-]+/)*DESIGN\\.md)\\s*§\\s*(\\d+(?:\\.\\d+)?)"
              + "(?:\\s*[–-]\\s*(\\d+(?:\\.\\d+)?))?");

  @Test
  void everyReferenceResolves() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : scannedFiles()) {
      problems.addAll(problems(file, text(file)));
    }
    assertThat(problems).as("references that do not resolve").isEmpty();
  }

  @Test
  void theCheckFindsWhatDoesNotResolve() {
    // the check itself must be able to fail: a design reference without its directory, a missing
    // section, a missing file, a path out of the repository and a missing anchor
    Path readme = ROOT.resolve("README.md");
    String text =
        "See DESIGN.md §3, docs/DESIGN.md §99, docs/NOPE.md, ../shared/STACK.md and"
            + " [x](queue-chronicle/README.md#no-such-heading); docs/DESIGN.md §3.9 is fine.";
    List<String> problems = problems(readme, text);
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("'DESIGN.md §3' must name docs/DESIGN.md"))
        .anySatisfy(p -> assertThat(p).contains("no section §99"))
        .anySatisfy(p -> assertThat(p).contains("'docs/NOPE.md' does not resolve"))
        .anySatisfy(p -> assertThat(p).contains("'../shared/STACK.md' does not resolve"))
        .anySatisfy(p -> assertThat(p).contains("no heading #no-such-heading"))
        .noneMatch(p -> p.contains("§3.9"));
    assertThat(problems(readme, "docs/DESIGN.md §3.9, [j](queue-chronicle/README.md#jvm-options)"))
        .isEmpty();
  }

  @Test
  void stackMdNamesThePomsVersions() throws IOException {
    String pom = text(ROOT.resolve("pom.xml"));
    List<String> rows =
        text(ROOT.resolve("docs/STACK.md")).lines().filter(l -> l.startsWith("| `")).toList();
    List<String> problems = new ArrayList<>();
    Matcher property = Pattern.compile("<([\\w.\\-]+\\.version)>([^<$]+)</").matcher(pom);
    while (property.find()) {
      check(rows, property.group(1), property.group(2), problems);
    }
    String plugins =
        pom.substring(pom.indexOf("<pluginManagement>"), pom.indexOf("</pluginManagement>"));
    Matcher plugin =
        Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>([^<$]+)</version>")
            .matcher(plugins);
    while (plugin.find()) {
      check(rows, plugin.group(1), plugin.group(2), problems);
    }
    assertThat(problems).as("docs/STACK.md against pom.xml").isEmpty();
  }

  private static void check(List<String> rows, String name, String version, List<String> out) {
    List<String> row = rows.stream().filter(r -> r.startsWith("| `" + name + "` |")).toList();
    if (row.isEmpty()) {
      out.add(name + " " + version + " has no row in docs/STACK.md");
    } else if (!row.get(0).contains("| " + version + " |")) {
      out.add(name + " is " + version + " in pom.xml, not in docs/STACK.md: " + row.get(0));
    }
  }

  /** What in {@code text}, the content of {@code file}, does not resolve. */
  static List<String> problems(Path file, String text) {
    String where = ROOT.relativize(file).toString();
    Set<String> problems = new LinkedHashSet<>();
    boolean markdown = file.toString().endsWith(".md");
    String scanned = scannedText(file, text);

    Matcher design = DESIGN.matcher(scanned);
    while (design.find()) {
      String ref = design.group(0);
      Path target = resolve(file, design.group(1));
      if (target == null || !target.equals(ROOT.resolve("docs/DESIGN.md"))) {
        problems.add(where + ": '" + ref + "' must name docs/DESIGN.md, the design document");
        continue;
      }
      for (String section : new String[] {design.group(2), design.group(3)}) {
        if (section != null && !designSections().contains(section)) {
          problems.add(where + ": '" + ref + "': docs/DESIGN.md has no section §" + section);
        }
      }
    }

    if (markdown) {
      Matcher link = LINK.matcher(scanned);
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*") || target.startsWith("#")) {
          continue;
        }
        String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        Path resolved = resolve(file, path);
        if (resolved == null) {
          problems.add(where + ": link (" + target + ") does not resolve in the repository");
        } else if (target.contains("#")) {
          String anchor = target.substring(target.indexOf('#') + 1);
          if (!anchors(resolved).contains(anchor)) {
            problems.add(where + ": link (" + target + "): no heading #" + anchor);
          }
        }
      }
    }

    Matcher path = PATH.matcher(scanned);
    while (path.find()) {
      String ref = path.group(1);
      while (ref.endsWith(".")) {
        ref = ref.substring(0, ref.length() - 1);
      }
      if (isRepositoryReference(ref) && resolve(file, ref) == null) {
        problems.add(where + ": '" + ref + "' does not resolve in the repository");
      }
    }
    return new ArrayList<>(problems);
  }

  /**
   * Whether a path-like token names a file of this repository (rather than an example path such as
   * {@code guide/intro.md}): it starts with {@code ./} or {@code ../}, or with a top-level entry of
   * the repository or {@code docs}, or is a markdown file name alone. Build output and ignored
   * paths ({@code target/}, {@code .indexq/}) and elisions ({@code .../}) are not references.
   */
  private static boolean isRepositoryReference(String ref) {
    if (ref.contains("...") || ref.contains("…")) {
      return false;
    }
    for (String segment : ref.split("/")) {
      if (segment.equals("target") || segment.equals(".indexq") || segment.equals(".git")) {
        return false;
      }
    }
    String first = ref.split("/")[0];
    return ref.startsWith("./")
        || ref.startsWith("../")
        || first.equals("docs")
        || (ref.contains("/") && Files.exists(ROOT.resolve(first)))
        || ref.matches("[A-Z][\\w\\-]*\\.md");
  }

  /**
   * {@code ref} relative to the file's directory, else to the repository root; null when neither
   * exists inside the repository.
   */
  private static Path resolve(Path file, String ref) {
    for (Path base : List.of(file.getParent(), ROOT)) {
      Path p = base.resolve(ref).normalize();
      if (p.startsWith(ROOT) && Files.exists(p)) {
        return p;
      }
    }
    return null;
  }

  /** Markdown: without fenced code (example output); Java and Groovy: the comments only. */
  private static String scannedText(Path file, String text) {
    String name = file.getFileName().toString();
    if (name.endsWith(".md")) {
      return text.replaceAll("(?ms)^```.*?^```", "");
    }
    if (name.endsWith(".java") || name.endsWith(".groovy")) {
      Matcher comment = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*").matcher(text);
      StringBuilder comments = new StringBuilder();
      while (comment.find()) {
        comments.append(comment.group()).append('\n');
      }
      return comments.toString();
    }
    return text;
  }

  /** §N for each {@code ## N.} heading, §N.M for {@code ### N.M} and the items M. of section N. */
  private static Set<String> designSections() {
    Set<String> sections = new LinkedHashSet<>();
    String current = null;
    for (String line : text(ROOT.resolve("docs/DESIGN.md")).lines().toList()) {
      Matcher h2 = Pattern.compile("^## (\\d+)\\. ").matcher(line);
      Matcher h3 = Pattern.compile("^### (\\d+\\.\\d+) ").matcher(line);
      Matcher item = Pattern.compile("^(\\d+)\\. ").matcher(line);
      if (h2.find()) {
        current = h2.group(1);
        sections.add(current);
      } else if (h3.find()) {
        sections.add(h3.group(1));
      } else if (item.find() && current != null) {
        sections.add(current + "." + item.group(1));
      }
    }
    return sections;
  }

  /** The GitHub anchors of a markdown file's headings. */
  private static Set<String> anchors(Path markdown) {
    if (!markdown.toString().endsWith(".md")) {
      return Set.of();
    }
    return text(markdown)
        .replaceAll("(?ms)^```.*?^```", "")
        .lines()
        .filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT))
        .map(h -> h.replaceAll("[^\\p{L}\\p{N} _\\-]", "").replace(' ', '-'))
        .collect(Collectors.toSet());
  }

  private static List<Path> scannedFiles() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                Path rel = ROOT.relativize(p);
                for (Path segment : rel) {
                  String s = segment.toString();
                  if (s.equals("target") || (s.startsWith(".") && !s.equals(".ci"))) {
                    return false;
                  }
                }
                String name = p.getFileName().toString();
                return name.endsWith(".md")
                    || name.endsWith(".java")
                    || name.endsWith(".xml")
                    || name.endsWith(".groovy")
                    || name.endsWith(".sh")
                    || name.endsWith(".properties")
                    || rel.toString().equals(".ci/run")
                    || rel.toString().equals("indexq");
              })
          .sorted()
          .toList();
    }
  }

  private static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
