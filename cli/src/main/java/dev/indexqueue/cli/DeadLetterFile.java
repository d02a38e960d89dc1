package dev.indexqueue.cli;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.IndexTaskType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead letters of a data directory, kept across CLI runs in a tab-separated file (the service
 * keeps its dead-letter store in memory, so each command appends what it collected before it shuts
 * down). Only the task's identity is kept, not its content: a replay indexes the file as it is now.
 * Not thread-safe: used by one command under the data directory lock.
 */
public final class DeadLetterFile {
  /** The file's name inside the data directory. */
  public static final String FILE = "dead-letters.tsv";

  /**
   * One stored dead letter.
   *
   * @param sequence the task's sequence number when it failed
   * @param type the task type
   * @param workspace the workspace
   * @param path the path, or {@code null} for workspace-wide tasks
   * @param attempts how often it was tried
   * @param permanent whether the failure was permanent
   * @param lastFailure when it last failed
   * @param error the error
   */
  public record Entry(
      long sequence,
      IndexTaskType type,
      String workspace,
      String path,
      int attempts,
      boolean permanent,
      Instant lastFailure,
      String error) {}

  private final Path file;

  /**
   * The dead-letter file of a data directory.
   *
   * @param dataDir the data directory
   */
  public DeadLetterFile(Path dataDir) {
    this.file = dataDir.resolve(FILE);
  }

  /** The stored entries, oldest first. */
  public List<Entry> read() {
    List<Entry> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", -1);
        if (f.length != 8) {
          continue;
        }
        out.add(
            new Entry(
                Long.parseLong(f[0]),
                IndexTaskType.valueOf(f[1]),
                f[2],
                f[3].isEmpty() ? null : unescape(f[3]),
                Integer.parseInt(f[4]),
                Boolean.parseBoolean(f[5]),
                Instant.parse(f[6]),
                unescape(f[7])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dead letters " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("the dead-letter file " + file + " is damaged: " + e, e);
    }
    return out;
  }

  /**
   * Appends dead letters.
   *
   * @param letters what the service collected
   */
  public void append(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    for (DeadLetter d : letters) {
      b.append(d.sequence())
          .append('\t')
          .append(d.task().type())
          .append('\t')
          .append(d.task().workspace())
          .append('\t')
          .append(d.task().path() == null ? "" : escape(d.task().path()))
          .append('\t')
          .append(d.attempts())
          .append('\t')
          .append(d.permanent())
          .append('\t')
          .append(d.lastFailure())
          .append('\t')
          .append(escape(d.error()))
          .append('\n');
    }
    try {
      Files.writeString(
          file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dead letters " + file, e);
    }
  }

  /**
   * Removes every stored entry.
   *
   * @return how many were removed
   */
  public int clear() {
    int n = read().size();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the dead letters " + file, e);
    }
    return n;
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
