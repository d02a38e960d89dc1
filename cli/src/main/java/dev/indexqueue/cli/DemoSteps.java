package dev.indexqueue.cli;

import dev.indexqueue.SearchHit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the demos ({@code indexq demo} here, {@code indexq cluster-demo} in its own module) print
 * the same way: numbered steps with the time since the start and the time each step took, a search
 * compared with the files it must find, and the removal of their temporary directory. Thread-safe:
 * steps and lines are printed under the writer's monitor, so threads of one demo may print at once;
 * one step runs at a time.
 */
public final class DemoSteps {
  private final PrintWriter out;
  private final long start = System.nanoTime();
  private long stepStart;
  private int step;

  /** Steps printed to {@code out}; the demo's time starts now. */
  public DemoSteps(PrintWriter out) {
    this.out = out;
  }

  /** The writer the steps go to (lock it to print lines that must stay together). */
  public PrintWriter out() {
    return out;
  }

  /** Nanoseconds since this object was made: the demo's whole time so far. */
  public long elapsedNanos() {
    return System.nanoTime() - start;
  }

  /** Starts the next step: {@code [ 123 ms] 4. what}. */
  public void begin(String what) {
    synchronized (out) {
      step++;
      stepStart = System.nanoTime();
      out.printf(Locale.ROOT, "[%6.0f ms] %d. %s%n", (stepStart - start) / 1e6, step, what);
      out.flush();
    }
  }

  /** Ends the step: its result (may be empty) and how long it took. */
  public void end(String result) {
    synchronized (out) {
      out.printf(
          Locale.ROOT,
          "             %s(%.0f ms)%n",
          result.isEmpty() ? "" : result + " ",
          (System.nanoTime() - stepStart) / 1e6);
      out.flush();
    }
  }

  /**
   * Prints one search against the files it must find ({@code label} before it, such as the
   * workspace, and {@code example} after it, both may be empty), and the missing and unexpected
   * files when they differ. Returns whether they are the same.
   */
  public boolean searchMatches(
      String label, String query, List<SearchHit> hits, Set<String> expected, String example) {
    Set<String> found = new TreeSet<>();
    for (SearchHit h : hits) {
      found.add(h.path());
    }
    boolean match = found.equals(expected);
    synchronized (out) {
      out.printf(
          Locale.ROOT,
          "      %ssearch %-10s -> %3d files, expected %3d: %s%s%n",
          label,
          "'" + query + "'",
          found.size(),
          expected.size(),
          match ? "OK" : "MISMATCH",
          example);
      if (!match) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(found);
        Set<String> unexpected = new TreeSet<>(found);
        unexpected.removeAll(expected);
        out.println("        missing: " + missing + "\n        unexpected: " + unexpected);
      }
      out.flush();
    }
    return match;
  }

  /** Deletes {@code dir} and everything below it; what is already gone is skipped. */
  public static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            Files.deleteIfExists(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
