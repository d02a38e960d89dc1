package dev.indexqueue.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The documents every benchmark indexes: deterministic synthetic source files, or the text files of
 * a real directory.
 *
 * <p><b>Synthetic</b> (the default): document {@code i} is generated from {@code (seed, i)} alone,
 * so every benchmark and every run sees the same text. Words are drawn from a fixed vocabulary of
 * {@value #VOCABULARY} entries with Zipf frequencies (exponent 1.0), and look like code: plain
 * words, camelCase and PascalCase identifiers, snake_case and SCREAMING_CASE names, numbers with
 * units, dotted calls, and punctuation. A document is about {@code targetBytes} (default 1 KB) of
 * lines of 4–12 tokens, under a path such as {@code src/mod17/pkg3/FooBarService42.java}.
 *
 * <p><b>Real</b>: with {@code -Dindexq.corpus.dir=/some/dir} the regular, non-hidden, UTF-8 files
 * under 1 MiB of that directory are used (in path order, repeated under {@code r1/}, {@code r2/}, …
 * when more documents are asked for than there are files).
 */
public final class Corpus {
  /** Vocabulary size of the synthetic corpus. */
  public static final int VOCABULARY = 5_000;

  /** The seed used by every benchmark. */
  public static final long SEED = 20_240_607L;

  /** The system property naming a real corpus directory. */
  public static final String DIR_PROPERTY = "indexq.corpus.dir";

  private static final String[] BASE = {
    "get",
    "set",
    "user",
    "name",
    "index",
    "queue",
    "task",
    "file",
    "path",
    "search",
    "commit",
    "value",
    "count",
    "list",
    "map",
    "node",
    "tree",
    "read",
    "write",
    "open",
    "close",
    "buffer",
    "lane",
    "batch",
    "token",
    "parse",
    "query",
    "result",
    "error",
    "state",
    "config",
    "builder",
    "service",
    "handler",
    "request",
    "response",
    "cache",
    "key",
    "size",
    "offset",
    "length",
    "stream",
    "reader",
    "writer",
    "lock",
    "thread",
    "worker",
    "event",
    "listener",
    "manager",
    "factory",
    "provider",
    "context",
    "session",
    "client",
    "server",
    "socket",
    "message",
    "record",
    "field",
    "type",
    "class",
    "method",
    "module",
    "package",
    "source",
    "target",
    "input",
    "output",
    "format",
    "encode",
    "decode",
    "hash",
    "check",
    "valid",
    "update",
    "remove",
    "insert",
    "delete",
    "select",
    "apply",
    "merge",
    "split",
    "join",
    "filter",
    "sort",
    "order",
    "limit",
    "range",
    "start",
    "stop",
    "begin",
    "end",
    "first",
    "last",
    "next",
    "prev",
    "min",
    "max",
    "sum",
    "total",
    "time",
    "date",
    "retry",
    "policy",
    "store",
    "load",
    "save",
    "sync",
    "flush",
    "refresh",
    "visible",
    "durable",
    "segment",
    "document",
    "term",
    "score",
    "match",
    "line",
    "text",
    "word",
    "char",
    "byte",
    "array",
    "vector"
  };

  private static final String[] PUNCT = {
    "(", ")", "{", "}", ";", "=", "==", "->", ",", "+", "//", "&&"
  };

  private final String[] paths;
  private final String[] contents;
  private final String description;

  private Corpus(String[] paths, String[] contents, String description) {
    this.paths = paths;
    this.contents = contents;
    this.description = description;
  }

  /**
   * The corpus of {@code docs} documents: the directory of {@value #DIR_PROPERTY} when set,
   * otherwise synthetic documents of about {@code targetBytes} each.
   */
  public static Corpus load(int docs, int targetBytes) {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir != null && !dir.isBlank()) {
      return directory(Path.of(dir), docs);
    }
    return synthetic(SEED, docs, targetBytes);
  }

  /** {@code docs} synthetic documents of about {@code targetBytes} each. */
  public static Corpus synthetic(long seed, int docs, int targetBytes) {
    Vocabulary v = Vocabulary.of(seed);
    String[] paths = new String[docs];
    String[] contents = new String[docs];
    for (int i = 0; i < docs; i++) {
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
      paths[i] = v.path(r, i);
      contents[i] = v.document(r, targetBytes);
    }
    return new Corpus(
        paths, contents, "synthetic(seed=" + seed + ", docs=" + docs + ", ~" + targetBytes + " B)");
  }

  /** The text files of {@code dir}, repeated under {@code rN/} prefixes up to {@code docs}. */
  public static Corpus directory(Path dir, int docs) {
    List<Path> files = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the corpus directory " + dir, e);
    }
    List<String> rel = new ArrayList<>();
    for (Path f : files) {
      String r = dir.relativize(f).toString().replace('\\', '/');
      if (r.startsWith(".") || r.contains("/.")) {
        continue;
      }
      try {
        if (Files.size(f) > 1 << 20) {
          continue;
        }
        String text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Files.readAllBytes(f)))
                .toString();
        if (text.indexOf('\0') >= 0) {
          continue;
        }
        rel.add(r);
        texts.add(text);
      } catch (CharacterCodingException e) {
        // binary: skip
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    if (rel.isEmpty()) {
      throw new IllegalArgumentException(DIR_PROPERTY + ": no UTF-8 text files under " + dir);
    }
    String[] paths = new String[docs];
    String[] contents = new String[docs];
    for (int i = 0; i < docs; i++) {
      int round = i / rel.size();
      int k = i % rel.size();
      paths[i] = round == 0 ? rel.get(k) : "r" + round + "/" + rel.get(k);
      contents[i] = texts.get(k);
    }
    return new Corpus(
        paths, contents, "directory(" + dir + ", " + rel.size() + " files, docs=" + docs + ")");
  }

  /** Number of documents. */
  public int size() {
    return paths.length;
  }

  /** The path of document {@code i} (a valid task path). */
  public String path(int i) {
    return paths[i];
  }

  /** The text of document {@code i}. */
  public String content(int i) {
    return contents[i];
  }

  /** Where the documents come from, for reports. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  /** The fixed vocabulary with its Zipf sampler. */
  private static final class Vocabulary {
    final String[] words;
    final double[] cumulative;

    private Vocabulary(String[] words) {
      this.words = words;
      this.cumulative = new double[words.length];
      double sum = 0;
      for (int k = 0; k < words.length; k++) {
        sum += 1.0 / (k + 1);
        cumulative[k] = sum;
      }
      for (int k = 0; k < words.length; k++) {
        cumulative[k] /= sum;
      }
    }

    static Vocabulary of(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      String[] w = new String[VOCABULARY];
      for (int k = 0; k < w.length; k++) {
        w[k] = word(r, k);
      }
      return new Vocabulary(w);
    }

    /** One vocabulary entry: the shape depends on its rank, so frequent ones are mixed. */
    private static String word(SplittableRandom r, int k) {
      String a = BASE[r.nextInt(BASE.length)];
      String b = BASE[r.nextInt(BASE.length)];
      String c = BASE[r.nextInt(BASE.length)];
      switch (k % 8) {
        case 0:
        case 1:
          return a + (k >= BASE.length ? Integer.toString(k % 97) : "");
        case 2:
          return a + cap(b) + (k % 3 == 0 ? cap(c) : ""); // camelCase
        case 3:
          return cap(a) + cap(b) + (k % 5 == 0 ? Integer.toString(k % 100) : ""); // PascalCase
        case 4:
          return a + "_" + b + (k % 4 == 0 ? "_" + c : ""); // snake_case
        case 5:
          return (a + "_" + b).toUpperCase(Locale.ROOT); // SCREAMING_CASE
        case 6:
          return a + "." + b + "()"; // a call
        default:
          return Integer.toString(r.nextInt(100_000)) + (k % 2 == 0 ? "ms" : "");
      }
    }

    private static String cap(String s) {
      return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    String next(SplittableRandom r) {
      double u = r.nextDouble();
      int lo = 0;
      int hi = cumulative.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cumulative[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return words[lo];
    }

    String path(SplittableRandom r, int i) {
      String w = BASE[r.nextInt(BASE.length)];
      String x = BASE[r.nextInt(BASE.length)];
      String ext =
          switch (i % 4) {
            case 0, 1 -> ".java";
            case 2 -> ".py";
            default -> ".md";
          };
      return "src/mod" + (i / 1000) + "/pkg" + (i % 10) + "/" + cap(w) + cap(x) + i + ext;
    }

    String document(SplittableRandom r, int targetBytes) {
      StringBuilder sb = new StringBuilder(targetBytes + 80);
      while (sb.length() < targetBytes) {
        int indent = r.nextInt(4) * 2;
        for (int s = 0; s < indent; s++) {
          sb.append(' ');
        }
        int tokens = 4 + r.nextInt(9);
        for (int t = 0; t < tokens; t++) {
          if (t > 0) {
            sb.append(' ');
          }
          if (r.nextInt(6) == 0) {
            sb.append(PUNCT[r.nextInt(PUNCT.length)]);
          } else {
            sb.append(next(r));
          }
        }
        sb.append('\n');
      }
      return sb.toString();
    }
  }
}
