package dev.indexqueue.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * The file a running {@code indexq serve} writes into its data directory ({@value #FILE}): where it
 * listens, its token (so the file is readable by its owner only) and its process. Commands read it
 * to talk to the server instead of opening the directory. A file left by a killed server is stale:
 * its process is gone (or the process id now belongs to a process started at another time), and
 * {@link #find} ignores and removes it. Stateless and thread-safe; the file is replaced atomically.
 */
final class ServerFile {
  /** The file's name inside the data directory. */
  static final String FILE = "indexq-server.json";

  /**
   * What the file holds.
   *
   * @param pid the server's process id
   * @param started when that process started (ISO-8601), to tell a reused process id
   * @param url the base URL, such as {@code http://127.0.0.1:7700}
   * @param token the token every request must carry, or null
   * @param version the server's version
   */
  record Info(long pid, String started, String url, String token, String version) {}

  private ServerFile() {}

  /** Writes the file for this process (owner-only permissions where the file system has them). */
  static void write(Path dataDir, String url, String token) {
    ProcessHandle self = ProcessHandle.current();
    Info info =
        new Info(
            self.pid(),
            self.info().startInstant().map(Instant::toString).orElse(""),
            url,
            token,
            Indexq.version());
    Path file = dataDir.resolve(FILE);
    try {
      Path tmp = Files.createTempFile(dataDir, ".indexq-server", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's own permissions protect it
        }
        Files.writeString(tmp, Jsons.write(info), StandardCharsets.UTF_8);
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the server file " + file, e);
    }
  }

  /** Removes the file when it is this process's. */
  static void remove(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    Optional<Info> info = read(file);
    if (info.isPresent() && info.get().pid() == ProcessHandle.current().pid()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // the next reader finds it stale
      }
    }
  }

  /**
   * The server that holds {@code dataDir}, when one runs. A stale file (its process is gone) is
   * removed and ignored.
   */
  static Optional<Info> find(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    Optional<Info> info = read(file);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    if (!alive(info.get())) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // ignored all the same
      }
      return Optional.empty();
    }
    return info;
  }

  /** Whether the file's process runs: same process id and same start time. */
  static boolean alive(Info info) {
    Optional<ProcessHandle> p = ProcessHandle.of(info.pid());
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    if (info.started() == null || info.started().isEmpty()) {
      return true;
    }
    return p.get().info().startInstant().map(i -> i.toString().equals(info.started())).orElse(true);
  }

  private static Optional<Info> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // unreadable: not ours to use
    }
    try {
      return Optional.of(Jsons.MAPPER.readValue(text, Info.class));
    } catch (JsonProcessingException e) {
      return Optional.empty(); // half-written or damaged: treated as no server
    }
  }
}
