package dev.indexqueue.queue.chronicle;

import dev.indexqueue.spi.Partitioning;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of a queue directory: how many partitions and bands it has, recorded in {@value
 * #FILE}, and one sub-directory per (partition, band) log, {@code p<partition>-<band>}. Decides,
 * when a queue opens, whether the directory can serve the layout asked for: it creates a new one,
 * upgrades one of the single-log format of earlier releases, migrates an empty one to another
 * layout, or refuses. Stateless; its methods run on the opening thread while the caller holds the
 * {@link DirectoryLock}.
 *
 * <pre>
 * &lt;directory&gt;/
 *   indexqueue.lock                 the directory lock (DirectoryLock)
 *   indexqueue-layout.properties    format=2, partitions=P, bands=B
 *   p0-0/                           log (partition 0, band 0): Chronicle's metadata.cq4t and
 *                                   cycle files (*.cq4), indexqueue-ack.dat, *.discard
 *   p0-1/  p1-0/  p1-1/  ...        one directory per log, P × B in all
 * </pre>
 *
 * <p><b>Opening</b> with P partitions and B bands:
 *
 * <ul>
 *   <li>A new (or empty) directory gets the log directories, then the layout file: a directory with
 *       a layout file always has every log directory of it, so a missing one means it was deleted,
 *       and the open fails naming it.
 *   <li>A directory of the single-log format of earlier releases (no layout file; Chronicle files
 *       and {@value AckFile#NAME} at its top) is first upgraded in place to the layout 1 × 1: its
 *       files move into {@code p0-0/} (one rename each; an interrupted upgrade is completed by the
 *       next open), then the layout file is written. Its records (format version 1) are read as
 *       partition 0, band 0 with no predecessor, at their positions, which is how a backend
 *       committed by that release reads its single checkpoint number. So such a directory opened
 *       with 1 partition and 1 band continues where it stopped; with another layout it follows the
 *       next rule.
 *   <li>A directory of another layout is migrated when it holds no unacknowledged task: the missing
 *       log directories are created, the layout file is rewritten, the log directories outside the
 *       new layout are deleted (a log kept keeps its positions), and a warning says so. When it
 *       holds tasks, the open fails with an {@link IllegalStateException} naming the directory,
 *       both layouts, the tasks held and the ways out (open it with the old layout to drain it, or
 *       set it aside and reindex). Tasks are never dropped silently.
 * </ul>
 */
final class QueueLayout {
  private static final Logger LOG = LoggerFactory.getLogger(QueueLayout.class);

  /** The layout file's name. */
  static final String FILE = "indexqueue-layout.properties";

  /** The directory format this build writes (1 was the single log of earlier releases). */
  static final int FORMAT = 2;

  private static final Pattern LOG_DIR = Pattern.compile("p(\\d{1,4})-([01])");

  private QueueLayout() {}

  /**
   * A number of partitions and bands. Immutable.
   *
   * @param partitions 1 to {@value Partitioning#MAX_PARTITIONS}
   * @param bands 1 or 2
   */
  record Layout(int partitions, int bands) {
    Layout {
      Partitioning.checkPartitions(partitions);
      if (bands < 1 || bands > 2) {
        throw new IllegalArgumentException("bands: must be 1 or 2, was: " + bands);
      }
    }

    boolean contains(int partition, int band) {
      return partition < partitions && band < bands;
    }

    @Override
    public String toString() {
      return partitions
          + (partitions == 1 ? " partition" : " partitions")
          + " × "
          + bands
          + (bands == 1 ? " band" : " bands");
    }
  }

  /** Opens one log of a directory (to count what an old layout holds). */
  @FunctionalInterface
  interface LogOpener {
    ChronicleLog open(Path directory, int partition, int band);
  }

  /** The directory of log (partition, band). */
  static Path logDirectory(Path directory, int partition, int band) {
    return directory.resolve("p" + partition + "-" + band);
  }

  /**
   * Makes {@code directory} a directory of layout {@code wanted}: creates, upgrades or migrates it
   * as the class comment says, or refuses.
   *
   * @throws IllegalStateException when the directory holds tasks under another layout, when its
   *     layout file is corrupt, or when a log directory is missing
   */
  static void prepare(Path directory, Layout wanted, LogOpener opener) {
    Layout stored = read(directory);
    boolean upgraded = false;
    if (stored == null) {
      if (hasSingleLogFiles(directory)) {
        upgradeSingleLog(directory);
        stored = new Layout(1, 1);
        upgraded = true;
      } else {
        List<Path> withFiles = new ArrayList<>();
        for (Path d : logDirectories(directory)) {
          if (!isEmptyDirectory(d)) {
            withFiles.add(d);
          }
        }
        if (withFiles.equals(List.of(logDirectory(directory, 0, 0)))) {
          // an upgrade interrupted after the last file moved, before the layout file was written
          write(directory, new Layout(1, 1));
          stored = new Layout(1, 1);
          upgraded = true;
          LOG.warn(
              "chronicle queue {}: completed the interrupted upgrade of the single-log format",
              directory);
        } else if (!withFiles.isEmpty()) {
          throw new IllegalStateException(
              "The chronicle queue in "
                  + directory
                  + " has no layout file ("
                  + FILE
                  + ") but its log directories "
                  + withFiles
                  + " hold files: it was not written by this queue, or its layout file was"
                  + " deleted. Restore "
                  + FILE
                  + " (format="
                  + FORMAT
                  + ", partitions=..., bands=...) or move the directory aside");
        } else {
          create(directory, wanted);
          return;
        }
      }
    }
    if (stored.equals(wanted)) {
      requireLogDirectories(directory, stored);
      deleteStrayLogs(directory, stored, opener);
      return;
    }
    // another layout: count what it holds
    long held = 0;
    StringBuilder perLog = new StringBuilder();
    for (int p = 0; p < stored.partitions(); p++) {
      for (int b = 0; b < stored.bands(); b++) {
        Path d = logDirectory(directory, p, b);
        if (!Files.isDirectory(d)) {
          continue; // reported by requireLogDirectories if it is ever opened with this layout
        }
        try (ChronicleLog log = opener.open(d, p, b)) {
          long n = log.size();
          if (n > 0) {
            held += n;
            perLog
                .append(perLog.length() == 0 ? "" : ", ")
                .append("partition ")
                .append(p)
                .append(" band ")
                .append(b)
                .append(": ")
                .append(n);
          }
        }
      }
    }
    if (held > 0) {
      throw new IllegalStateException(
          "The chronicle queue in "
              + directory
              + " has the layout "
              + stored
              + (upgraded
                  ? " (the single log of an earlier release, upgraded in place)"
                  : " (" + FILE + ")")
              + " but is opened with "
              + wanted
              + ", and it holds "
              + held
              + " unacknowledged task(s) ("
              + perLog
              + ") whose positions belong to its own layout. Either open it once more with"
              + " partitions="
              + stored.partitions()
              + " and bands="
              + stored.bands()
              + " (a service with at most "
              + stored.partitions()
              + " lane(s)) and shut that service down, which applies every task, then open it"
              + " with the new layout; or, if those tasks may be dropped, move the directory aside"
              + " and reindex the workspaces from their files.");
    }
    migrate(directory, stored, wanted, opener);
  }

  /** A new directory: every log directory first, then the layout file. */
  private static void create(Path directory, Layout layout) {
    createLogDirectories(directory, layout);
    write(directory, layout);
  }

  private static void migrate(Path directory, Layout from, Layout to, LogOpener opener) {
    createLogDirectories(directory, to);
    write(directory, to);
    int deleted = deleteStrayLogs(directory, to, opener);
    LOG.warn(
        "chronicle queue {}: migrated from {} to {}: every task was acknowledged, so nothing was"
            + " lost; {} log directories deleted. The backend's checkpoint of the old layout no"
            + " longer applies, so the service starts from the queue's new logs.",
        directory,
        from,
        to,
        deleted);
  }

  private static void createLogDirectories(Path directory, Layout layout) {
    try {
      for (int p = 0; p < layout.partitions(); p++) {
        for (int b = 0; b < layout.bands(); b++) {
          Files.createDirectories(logDirectory(directory, p, b));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the log directories in " + directory, e);
    }
  }

  private static void requireLogDirectories(Path directory, Layout layout) {
    for (int p = 0; p < layout.partitions(); p++) {
      for (int b = 0; b < layout.bands(); b++) {
        Path d = logDirectory(directory, p, b);
        if (!Files.isDirectory(d)) {
          throw new IllegalStateException(
              "The chronicle queue in "
                  + directory
                  + " lacks the directory "
                  + d
                  + " of its log (partition "
                  + p
                  + ", band "
                  + b
                  + "), which its layout file ("
                  + FILE
                  + ": "
                  + layout
                  + ") says exists: was it deleted? Its tasks are lost; restore it from a"
                  + " backup, or move the queue directory aside and reindex the workspaces from"
                  + " their files.");
        }
      }
    }
  }

  /**
   * Deletes the log directories outside {@code layout} (left by a migration that was interrupted
   * after the layout file was written); each must hold no unacknowledged task.
   *
   * @return how many were deleted
   */
  private static int deleteStrayLogs(Path directory, Layout layout, LogOpener opener) {
    int deleted = 0;
    for (Path d : logDirectories(directory)) {
      Matcher m = LOG_DIR.matcher(d.getFileName().toString());
      if (!m.matches()) {
        continue;
      }
      int p = Integer.parseInt(m.group(1));
      int b = Integer.parseInt(m.group(2));
      if (layout.contains(p, b)) {
        continue;
      }
      if (!isEmptyDirectory(d)) {
        long n;
        try (ChronicleLog log = opener.open(d, p, b)) {
          n = log.size();
        }
        if (n > 0) {
          throw new IllegalStateException(
              "The chronicle queue in "
                  + directory
                  + " has the layout "
                  + layout
                  + " ("
                  + FILE
                  + ") but the directory "
                  + d
                  + ", outside it, holds "
                  + n
                  + " unacknowledged task(s). Restore the layout file that matches the log"
                  + " directories, or move the queue directory aside and reindex the workspaces");
        }
      }
      deleteRecursively(d);
      deleted++;
    }
    return deleted;
  }

  // ------------------------------------------------------------------ the single-log format

  /** Whether the top of {@code directory} holds files of the single-log format. */
  static boolean hasSingleLogFiles(Path directory) {
    return !singleLogFiles(directory).isEmpty();
  }

  private static List<Path> singleLogFiles(Path directory) {
    try (Stream<Path> s = Files.list(directory)) {
      return s.filter(Files::isRegularFile)
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return n.endsWith(SingleChronicleQueue.SUFFIX)
                    || n.endsWith(SingleChronicleQueue.SUFFIX + "t") // metadata.cq4t
                    || n.endsWith(SingleChronicleQueue.DISCARD_FILE_SUFFIX)
                    || n.equals(AckFile.NAME)
                    || n.equals(AckFile.NAME + ".tmp");
              })
          // the ack file last: while it stays at the top, an interrupted upgrade is recognized
          .sorted(
              Comparator.comparing((Path f) -> f.getFileName().toString().startsWith(AckFile.NAME))
                  .thenComparing(f -> f.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the chronicle queue directory " + directory, e);
    }
  }

  /**
   * Moves the files of the single-log format into {@code p0-0/} (one atomic rename each), then
   * writes the layout file 1 × 1. Interrupted at any point, the next open completes it.
   */
  private static void upgradeSingleLog(Path directory) {
    Path target = logDirectory(directory, 0, 0);
    List<Path> files = singleLogFiles(directory);
    try {
      Files.createDirectories(target);
      for (Path f : files) {
        Path to = target.resolve(f.getFileName());
        if (f.getFileName().toString().equals(AckFile.NAME + ".tmp")) {
          Files.deleteIfExists(f); // an interrupted write of the ack file: the old value stands
          continue;
        }
        if (Files.exists(to)) {
          throw new IllegalStateException(
              "Cannot upgrade the chronicle queue in "
                  + directory
                  + " from the single-log format: "
                  + f
                  + " and "
                  + to
                  + " both exist");
        }
        move(f, to);
      }
      forceDirectory(target);
      forceDirectory(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot upgrade the chronicle queue in "
              + directory
              + " from the single-log format (moving its files into "
              + target
              + ")",
          e);
    }
    write(directory, new Layout(1, 1));
    LOG.warn(
        "chronicle queue {}: upgraded from the single-log format of earlier releases to the layout"
            + " 1 partition × 1 band: moved {} file(s) into {}",
        directory,
        files.size(),
        target);
  }

  // ------------------------------------------------------------------ the layout file

  /**
   * Reads the layout file; null when there is none.
   *
   * @throws IllegalStateException naming the file when it is unreadable, of another format, or
   *     holds a value out of range
   */
  static Layout read(Path directory) {
    Path file = directory.resolve(FILE);
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("Cannot read the chronicle queue layout file " + file, e);
    }
    Set<String> keys = new TreeSet<>(props.stringPropertyNames());
    if (!keys.equals(Set.of("format", "partitions", "bands"))) {
      throw corruptLayout(file, "keys " + keys + ", expected [bands, format, partitions]");
    }
    int format = intValue(file, props, "format");
    if (format != FORMAT) {
      throw corruptLayout(
          file,
          "format "
              + format
              + ": this build reads format "
              + FORMAT
              + (format > FORMAT ? " (the directory was written by a newer release)" : ""));
    }
    try {
      return new Layout(intValue(file, props, "partitions"), intValue(file, props, "bands"));
    } catch (IllegalArgumentException e) {
      throw corruptLayout(file, e.getMessage());
    }
  }

  private static int intValue(Path file, Properties props, String key) {
    String v = props.getProperty(key).trim();
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw corruptLayout(file, key + ": not a number: \"" + v + "\"");
    }
  }

  private static IllegalStateException corruptLayout(Path file, String what) {
    return new IllegalStateException(
        "Corrupt chronicle queue layout file "
            + file
            + ": "
            + what
            + ". It must hold format="
            + FORMAT
            + ", partitions=<1 to "
            + Partitioning.MAX_PARTITIONS
            + "> and bands=<1 or 2>, as the log directories p<partition>-<band> beside it say");
  }

  /** Replaces the layout file atomically (a temporary file, forced, renamed over it). */
  static void write(Path directory, Layout layout) {
    Path file = directory.resolve(FILE);
    Path temp = directory.resolve(FILE + ".tmp");
    String text =
        "# IndexQueue chronicle queue layout: one log directory p<partition>-<band> per (partition,"
            + " band).\n"
            + "# Written when the directory is created or migrated; do not edit.\n"
            + "format="
            + FORMAT
            + "\npartitions="
            + layout.partitions()
            + "\nbands="
            + layout.bands()
            + "\n";
    try {
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bb = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        ch.force(true);
      }
      move(temp, file);
      forceDirectory(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the chronicle queue layout file " + file, e);
    }
  }

  // ------------------------------------------------------------------ files

  /** The log directories {@code p<n>-<b>} in {@code directory}, by name. */
  static List<Path> logDirectories(Path directory) {
    try (Stream<Path> s = Files.list(directory)) {
      return s.filter(Files::isDirectory)
          .filter(d -> LOG_DIR.matcher(d.getFileName().toString()).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the chronicle queue directory " + directory, e);
    }
  }

  private static boolean isEmptyDirectory(Path d) {
    try (Stream<Path> s = Files.list(d)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + d, e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes renames in {@code directory} durable; best effort (not every platform allows it). */
  private static void forceDirectory(Path directory) {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot force the directory {}: {}", directory, e.toString());
    }
  }

  private static void deleteRecursively(Path d) {
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the log directory " + d, e);
    }
  }
}
