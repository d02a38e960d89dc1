package dev.indexqueue.index.lucene;

import static dev.indexqueue.index.lucene.TestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures code search against a whole-token scan of a real corpus: every identifier, camelCase
 * part and operator the scan finds in a file must find that file (recall), every line shown must
 * hold what matched (no fragment-only lines), highlights must cover exactly the matched text, and a
 * file's real occurrences are never passed over for other lines.
 *
 * <p>The scan is independent of the analyzer: plain regular expressions over each line.
 *
 * <ul>
 *   <li>identifier: a maximal run of letters, marks, digits, {@code _} and {@code $}; it matches a
 *       query identifier when equal ignoring case, or when its camelCase/snake_case parts hold the
 *       query's parts in a row ({@code UserName} in {@code getUserName}); a query with one part
 *       that differs from the whole ({@code _foo}) matches only whole;
 *   <li>part: the pieces of an identifier split at {@code _}, {@code $}, lower→upper case,
 *       upper→Upper+lower ({@code HTMLParser}: HTML, Parser), letter↔digit changes, and around each
 *       Han, Hiragana and Katakana character;
 *   <li>operator: a maximal run of {@code !#%&*+-/:<=>?@\^|~} and Unicode math/other symbols;
 *   <li>annotation: {@code @} followed by an identifier, not preceded by an operator character.
 * </ul>
 *
 * <p>Corpus: a few hundred JDK sources read from {@code src.zip} of the JDK (skipped when absent)
 * plus {@link ScalaSnippets}; {@code -Dindexq.quality.corpus=DIR} measures any other tree instead,
 * e.g. a Scala code base:
 *
 * <pre>
 * mvn -B -ntp -o -pl index-lucene -am verify -Dtest=SearchQualityTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dindexq.quality.corpus=/tmp/cats
 * </pre>
 *
 * Sample sizes: {@code -Dindexq.quality.identifiers} (150), {@code .parts} (60), {@code .operators}
 * (150), {@code .annotations} (30); identifiers longer than 64 characters and the query keywords
 * AND, OR, NOT are not sampled.
 */
class SearchQualityTest {
  static final String JDK_SRC_ZIP = "/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip";

  /** The JDK packages measured by default: a few hundred files of varied code. */
  static final List<String> JDK_PREFIXES =
      List.of(
          "java.base/java/util/concurrent/",
          "java.base/java/util/function/",
          "java.base/java/util/stream/",
          "java.base/java/util/regex/");

  static final String ID_CHARS = "\\p{L}\\p{M}\\p{Nd}_$";
  static final String OP_CHARS = "!#%&*+\\-/:<=>?@\\\\^|~\\p{Sm}\\p{So}";
  static final Pattern IDENTIFIER = Pattern.compile("[" + ID_CHARS + "]+");
  static final Pattern OPERATOR = Pattern.compile("[" + OP_CHARS + "]+");
  static final Pattern ANNOTATION = Pattern.compile("(?<![" + OP_CHARS + "])@[" + ID_CHARS + "]+");
  static final String CJK = "[\\p{IsIdeographic}\\p{IsHiragana}\\p{IsKatakana}]";
  static final Pattern PART_BOUNDARY =
      Pattern.compile(
          "(?<=\\p{Ll})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})|(?<=\\p{L})(?=\\p{Nd})"
              + "|(?<=\\p{Nd})(?=\\p{L})|(?<="
              + CJK
              + ")|(?="
              + CJK
              + ")");
  static final Pattern ASCII_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  @TempDir Path dir;

  record Doc(String path, String content, String[] lines) {}

  /** A query, its kind, and the (doc, line) pairs the scan says it matches. */
  record Query(String kind, String text, Map<Integer, Set<Integer>> truth) {}

  // ------------------------------------------------------------------------------ the corpus

  static List<Doc> corpus() throws IOException {
    String other = System.getProperty("indexq.quality.corpus", "");
    List<Doc> docs = new ArrayList<>();
    if (!other.isBlank()) {
      Path root = Path.of(other);
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : (Iterable<Path>) files.sorted()::iterator) {
          String rel = root.relativize(p).toString().replace('\\', '/');
          if (!Files.isRegularFile(p) || rel.startsWith(".") || rel.contains("/.")) {
            continue;
          }
          String text = decode(Files.readAllBytes(p));
          if (text != null) {
            docs.add(doc(rel, text));
          }
        }
      }
      return docs;
    }
    Path zip = Path.of(JDK_SRC_ZIP);
    assumeTrue(
        Files.isRegularFile(zip), "no JDK sources at " + zip + ": the measurement is skipped");
    try (ZipFile z = new ZipFile(zip.toFile())) {
      List<? extends ZipEntry> entries =
          z.stream()
              .filter(e -> e.getName().endsWith(".java"))
              .filter(e -> JDK_PREFIXES.stream().anyMatch(e.getName()::startsWith))
              .sorted((a, b) -> a.getName().compareTo(b.getName()))
              .toList();
      for (ZipEntry e : entries) {
        String text = decode(z.getInputStream(e).readAllBytes());
        if (text != null) {
          docs.add(doc(e.getName(), text));
        }
      }
    }
    ScalaSnippets.files().forEach((p, c) -> docs.add(doc(p, c)));
    return docs;
  }

  /** UTF-8 text without NUL, or null (a binary). */
  static String decode(byte[] bytes) {
    if (bytes.length > 1_000_000) {
      return null;
    }
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return s.indexOf('\0') >= 0 ? null : s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static Doc doc(String path, String content) {
    return new Doc(path, content, content.split("\r?\n", -1));
  }

  // ------------------------------------------------------------------------------ the scan

  static List<String> parts(String identifier) {
    List<String> out = new ArrayList<>();
    for (String segment : identifier.split("[_$]+")) {
      for (String p : PART_BOUNDARY.split(segment)) {
        if (!p.isEmpty()) {
          out.add(p.toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  /** Whether {@code identifier} matches the query identifier {@code q} (see the class comment). */
  static boolean identifierMatches(String identifier, String q) {
    if (identifier.equalsIgnoreCase(q)) {
      return true;
    }
    List<String> qp = parts(q);
    boolean partsApply = qp.size() >= 2 || (qp.size() == 1 && qp.get(0).equalsIgnoreCase(q));
    return partsApply && Collections.indexOfSubList(parts(identifier), qp) >= 0;
  }

  /** Occurrences of each distinct identifier, operator and annotation: token → doc → lines. */
  static final class Scan {
    final Map<String, Map<Integer, Set<Integer>>> identifiers = new HashMap<>();
    final Map<String, Map<Integer, Set<Integer>>> operators = new HashMap<>();
    final Map<String, Map<Integer, Set<Integer>>> annotations = new HashMap<>();

    Scan(List<Doc> docs) {
      for (int d = 0; d < docs.size(); d++) {
        String[] lines = docs.get(d).lines();
        for (int l = 0; l < lines.length; l++) {
          add(identifiers, IDENTIFIER.matcher(lines[l]), d, l, false);
          add(operators, OPERATOR.matcher(lines[l]), d, l, false);
          add(annotations, ANNOTATION.matcher(lines[l]), d, l, true);
        }
      }
    }

    private static void add(
        Map<String, Map<Integer, Set<Integer>>> into, Matcher m, int doc, int line, boolean lc) {
      while (m.find()) {
        String t = lc ? m.group().toLowerCase(Locale.ROOT) : m.group();
        into.computeIfAbsent(t, k -> new TreeMap<>())
            .computeIfAbsent(doc, k -> new TreeSet<>())
            .add(line);
      }
    }

    /** Distinct identifiers by each of their parts and by their lower-case form. */
    private Map<String, Set<String>> byPart;

    /** Where an identifier query matches. */
    Map<Integer, Set<Integer>> identifierTruth(String q) {
      if (byPart == null) {
        byPart = new HashMap<>();
        for (String id : identifiers.keySet()) {
          byPart.computeIfAbsent(id.toLowerCase(Locale.ROOT), k -> new HashSet<>()).add(id);
          for (String p : parts(id)) {
            byPart.computeIfAbsent(p, k -> new HashSet<>()).add(id);
          }
        }
      }
      Set<String> candidates =
          new HashSet<>(byPart.getOrDefault(q.toLowerCase(Locale.ROOT), Set.of()));
      List<String> qp = parts(q);
      if (!qp.isEmpty()) {
        candidates.addAll(byPart.getOrDefault(qp.get(0), Set.of()));
      }
      Map<Integer, Set<Integer>> out = new TreeMap<>();
      for (String id : candidates) {
        if (identifierMatches(id, q)) {
          identifiers
              .get(id)
              .forEach((d, ls) -> out.computeIfAbsent(d, k -> new TreeSet<>()).addAll(ls));
        }
      }
      return out;
    }

    /**
     * Where an operator query matches: the runs equal to it, less the lone {@code @} of an
     * annotation.
     */
    Map<Integer, Set<Integer>> operatorTruth(List<Doc> docs, String op) {
      Map<Integer, Set<Integer>> out = new TreeMap<>();
      operators
          .getOrDefault(op, Map.of())
          .forEach(
              (d, ls) -> {
                for (int l : ls) {
                  if (lineHasOperator(docs.get(d).lines()[l], op)) {
                    out.computeIfAbsent(d, k -> new TreeSet<>()).add(l);
                  }
                }
              });
      return out;
    }
  }

  static boolean lineHasOperator(String line, String op) {
    Matcher m = OPERATOR.matcher(line);
    while (m.find()) {
      if (m.group().equals(op) && !isAnnotationAt(line, m)) {
        return true;
      }
    }
    return false;
  }

  static boolean isAnnotationAt(String line, Matcher op) {
    return op.group().equals("@")
        && op.end() < line.length()
        && IDENTIFIER.matcher(line.substring(op.end(), op.end() + 1)).matches();
  }

  // ------------------------------------------------------------------------------ the queries

  static int sample(String name, int dflt) {
    return Integer.getInteger("indexq.quality." + name, dflt);
  }

  static List<Query> queries(List<Doc> docs, Scan scan) {
    SplittableRandom r = new SplittableRandom(15);
    List<Query> out = new ArrayList<>();
    // identifiers: the issue's examples when present, then a sample of the distinct ones
    List<String> ids = new ArrayList<>(new TreeSet<>(scan.identifiers.keySet()));
    ids.removeIf(
        id ->
            !ASCII_IDENTIFIER.matcher(id).matches()
                || id.length() > 64
                || Set.of("AND", "OR", "NOT").contains(id));
    List<String> chosen = new ArrayList<>();
    for (String must : List.of("tailRecM", "leftMap", "Functor", "ReentrantLock")) {
      if (ids.contains(must)) {
        chosen.add(must);
      }
    }
    Collections.shuffle(ids, new java.util.Random(r.nextLong()));
    for (String id : ids) {
      if (chosen.size() >= sample("identifiers", 100)) {
        break;
      }
      if (!chosen.contains(id)) {
        chosen.add(id);
      }
    }
    for (String id : chosen) {
      out.add(new Query("identifier", id, scan.identifierTruth(id)));
    }
    // parts of multi-part identifiers
    Set<String> partSet = new TreeSet<>();
    for (String id : ids) {
      List<String> p = parts(id);
      if (p.size() >= 2) {
        for (String part : p) {
          if (part.length() >= 2 && part.chars().allMatch(Character::isLetter)) {
            partSet.add(part);
          }
        }
      }
    }
    List<String> partList = new ArrayList<>(partSet);
    partList.removeIf(p -> Set.of("and", "or", "not").contains(p));
    Collections.shuffle(partList, new java.util.Random(r.nextLong()));
    for (String p : partList.subList(0, Math.min(sample("parts", 40), partList.size()))) {
      out.add(new Query("part", p, scan.identifierTruth(p)));
    }
    // operators: the issue's ones, then a sample of the rest
    List<String> ops = new ArrayList<>(new TreeSet<>(scan.operators.keySet()));
    ops.removeIf(op -> op.length() > 16);
    List<String> chosenOps = new ArrayList<>();
    for (String must : List.of("|+|", ">>=", "<*>", "*>", "===", "::", "->", "=!=")) {
      if (ops.contains(must)) {
        chosenOps.add(must);
      }
    }
    Collections.shuffle(ops, new java.util.Random(r.nextLong()));
    for (String op : ops) {
      if (chosenOps.size() >= sample("operators", 100)) {
        break;
      }
      if (!chosenOps.contains(op)) {
        chosenOps.add(op);
      }
    }
    for (String op : chosenOps) {
      Map<Integer, Set<Integer>> truth = scan.operatorTruth(docs, op);
      if (!truth.isEmpty()) {
        out.add(new Query("operator", op, truth));
      }
    }
    List<String> anns = new ArrayList<>(new TreeSet<>(scan.annotations.keySet()));
    anns.removeIf(a -> a.length() > 64 || !ASCII_IDENTIFIER.matcher(a.substring(1)).matches());
    List<String> chosenAnns = new ArrayList<>();
    if (anns.contains("@tailrec")) {
      chosenAnns.add("@tailrec");
    }
    Collections.shuffle(anns, new java.util.Random(r.nextLong()));
    for (String a : anns) {
      if (chosenAnns.size() >= sample("annotations", 20)) {
        break;
      }
      if (!chosenAnns.contains(a)) {
        chosenAnns.add(a);
      }
    }
    for (String a : chosenAnns) {
      out.add(new Query("annotation", a, scan.annotations.get(a)));
    }
    return out;
  }

  // ------------------------------------------------------------------------------ judging lines

  /** Whether {@code line} holds what {@code q} asks for. */
  static boolean lineMatches(Query q, String line) {
    switch (q.kind()) {
      case "operator" -> {
        return lineHasOperator(line, q.text());
      }
      case "annotation" -> {
        Matcher m = ANNOTATION.matcher(line);
        while (m.find()) {
          if (m.group().equalsIgnoreCase(q.text())) {
            return true;
          }
        }
        return false;
      }
      default -> {
        Matcher m = IDENTIFIER.matcher(line);
        while (m.find()) {
          if (identifierMatches(m.group(), q.text())) {
            return true;
          }
        }
        return false;
      }
    }
  }

  /** Whether a highlighted text is exactly what {@code q} matches. */
  static boolean highlightMatches(Query q, String text) {
    if (q.kind().equals("operator")) {
      return text.equals(q.text());
    }
    return normalize(text).equals(normalize(q.text()));
  }

  private static String normalize(String s) {
    return s.replaceAll("[_$]", "").toLowerCase(Locale.ROOT);
  }

  /** Whether {@code line} holds the query identifier whole (not only as parts of another). */
  static boolean wholeOn(Query q, String line) {
    if (!q.kind().equals("identifier")) {
      return false;
    }
    Matcher m = IDENTIFIER.matcher(line);
    while (m.find()) {
      if (m.group().equalsIgnoreCase(q.text())) {
        return true;
      }
    }
    return false;
  }

  /** The figures of one kind of query. */
  static final class Figures {
    int queries;
    int errors;
    long truthFiles;
    long foundFiles;
    long extraFiles;
    long lines;
    long wrongLines;
    long highlights;
    long wrongHighlights;
    long missedOccurrences;
    long bestNotFirst;
    long totalMismatches;
    long pathOnly;
    long wrongPathOnly;
    final List<String> examples = new ArrayList<>();

    void example(String s) {
      if (examples.size() < 8) {
        examples.add(s);
      }
    }

    String line(String kind) {
      return String.format(
          Locale.ROOT,
          "%-10s queries %4d  errors %3d  recall %6.2f%% (%d/%d files)  extra files %d  lines %d"
              + "  wrong lines %d (%.2f%%)  wrong highlights %d/%d  missed occurrences %d"
              + "  best line not first %d  total!=hits %d  path-only hits %d (wrong %d)",
          kind,
          queries,
          errors,
          truthFiles == 0 ? 100.0 : 100.0 * foundFiles / truthFiles,
          foundFiles,
          truthFiles,
          extraFiles,
          lines,
          wrongLines,
          lines == 0 ? 0.0 : 100.0 * wrongLines / lines,
          wrongHighlights,
          highlights,
          missedOccurrences,
          bestNotFirst,
          totalMismatches,
          pathOnly,
          wrongPathOnly);
    }
  }

  // ------------------------------------------------------------------------------ the test

  @Test
  void identifiersPartsAndOperatorsReachFullRecallAndEveryLineHoldsTheMatch() throws Exception {
    long t0 = System.nanoTime();
    List<Doc> docs = corpus();
    assertThat(docs).isNotEmpty();
    long c0 = System.nanoTime();
    Scan scan = new Scan(docs);
    List<Query> queries = queries(docs, scan);
    long scanNanos = System.nanoTime() - c0;
    Map<String, Integer> docByPath = new HashMap<>();
    for (int i = 0; i < docs.size(); i++) {
      docByPath.put(docs.get(i).path(), i);
    }
    long chars = docs.stream().mapToLong(d -> d.content().length()).sum();
    Map<String, Figures> figures = new LinkedHashMap<>();
    long indexNanos;
    long searchNanos = 0;
    try (LuceneIndexBackend b = LuceneIndexBackend.open(LuceneIndexOptions.of(dir))) {
      long i0 = System.nanoTime();
      List<IndexTask> tasks = new ArrayList<>();
      for (Doc d : docs) {
        tasks.add(IndexTask.indexFile("q", d.path(), d.content()));
        if (tasks.size() == 200) {
          b.apply(batch(tasks.toArray(IndexTask[]::new)));
          tasks.clear();
        }
      }
      b.apply(batch(tasks.toArray(IndexTask[]::new)));
      b.makeVisible();
      indexNanos = System.nanoTime() - i0;
      for (Query q : queries) {
        Figures f = figures.computeIfAbsent(q.kind(), k -> new Figures());
        f.queries++;
        f.truthFiles += q.truth().size();
        long s0 = System.nanoTime();
        SearchResults results;
        try {
          results = b.search("q", q.text(), docs.size());
        } catch (IllegalArgumentException e) {
          f.errors++;
          f.example("error for " + q.text() + ": " + e.getMessage());
          continue;
        } finally {
          searchNanos += System.nanoTime() - s0;
        }
        if (results.totalHits() != results.hits().size()) {
          f.totalMismatches++;
        }
        Set<Integer> missed = new TreeSet<>(q.truth().keySet());
        for (SearchHit hit : results.hits()) {
          missed.remove(docByPath.get(hit.path()));
        }
        for (int d : missed) {
          int line = q.truth().get(d).iterator().next();
          f.example(
              "missed file for "
                  + q.text()
                  + ": "
                  + docs.get(d).path()
                  + ":"
                  + (line + 1)
                  + ": "
                  + docs.get(d).lines()[line].strip());
        }
        for (SearchHit hit : results.hits()) {
          int d = docByPath.get(hit.path());
          Set<Integer> truthLines = q.truth().get(d);
          if (hit.pathOnly()) {
            f.pathOnly++;
            if (!hit.lines().isEmpty() || truthLines != null || !lineMatches(q, hit.path())) {
              f.wrongPathOnly++;
              f.example("wrong path-only hit for " + q.text() + ": " + hit.path());
            }
            continue;
          }
          if (truthLines == null) {
            f.extraFiles++;
            f.example("extra file for " + q.text() + ": " + hit.path());
            continue;
          }
          f.foundFiles++;
          String[] lines = docs.get(d).lines();
          int right = 0;
          for (SearchHit.MatchLine l : hit.lines()) {
            f.lines++;
            String full = lines[l.lineNumber() - 1];
            if (lineMatches(q, full)) {
              right++;
            } else {
              f.wrongLines++;
              f.example("wrong line for " + q.text() + ": " + hit.path() + ":" + l.lineNumber());
            }
            for (SearchHit.Range r : l.highlights()) {
              f.highlights++;
              String h = l.text().substring(r.start(), r.end());
              if (!highlightMatches(q, h)) {
                f.wrongHighlights++;
                f.example("wrong highlight for " + q.text() + ": '" + h + "' in " + l.text());
              }
            }
          }
          int want = Math.min(truthLines.size(), LuceneReads.MAX_MATCH_LINES);
          if (right < want) {
            f.missedOccurrences++;
            f.example(
                "missed occurrence of "
                    + q.text()
                    + " in "
                    + hit.path()
                    + ": lines "
                    + truthLines
                    + ", shown "
                    + hit.lines().stream().map(SearchHit.MatchLine::lineNumber).toList());
          }
          boolean anyWhole = false;
          for (int l : truthLines) {
            anyWhole |= wholeOn(q, lines[l]);
          }
          if (anyWhole
              && !hit.lines().isEmpty()
              && !wholeOn(q, lines[hit.lines().get(0).lineNumber() - 1])) {
            f.bestNotFirst++;
            f.example("best line not first for " + q.text() + " in " + hit.path());
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "[quality] corpus %s: %d files, %.1f MB; scan %.0f ms; indexed in %.0f ms; %d queries in"
            + " %.0f ms; total %.1f s%n",
        System.getProperty("indexq.quality.corpus", "JDK " + JDK_PREFIXES + " + Scala snippets"),
        docs.size(),
        chars / 1e6,
        scanNanos / 1e6,
        indexNanos / 1e6,
        queries.size(),
        searchNanos / 1e6,
        (System.nanoTime() - t0) / 1e9);
    figures.forEach(
        (kind, f) -> {
          System.out.println("[quality] " + f.line(kind));
          f.examples.forEach(e -> System.out.println("[quality]     " + e));
        });
    figures.forEach(
        (kind, f) -> {
          assertThat(f.errors).as("%s: queries refused", kind).isZero();
          assertThat(f.foundFiles).as("%s: files found (recall)", kind).isEqualTo(f.truthFiles);
          assertThat(f.extraFiles).as("%s: files found that do not hold it", kind).isZero();
          assertThat(f.wrongLines).as("%s: lines without the match", kind).isZero();
          assertThat(f.wrongHighlights).as("%s: highlights not exactly the match", kind).isZero();
          assertThat(f.missedOccurrences).as("%s: occurrences passed over", kind).isZero();
          assertThat(f.bestNotFirst).as("%s: best line not first", kind).isZero();
          assertThat(f.totalMismatches).as("%s: totalHits != hits", kind).isZero();
          assertThat(f.wrongPathOnly).as("%s: wrong path-only hits", kind).isZero();
        });
    assertThat(figures.keySet()).contains("identifier", "part", "operator", "annotation");
  }
}
