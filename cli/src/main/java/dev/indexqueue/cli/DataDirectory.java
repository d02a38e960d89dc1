package dev.indexqueue.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The CLI's data directory ({@code --data}, default {@code ./.indexq}), held exclusively: it holds
 * the Lucene index ({@code index/}), the Chronicle queue ({@code queue/}), the workspace registry
 * and the dead letters, and one {@code indexq} process at a time may use it (a lock file, {@value
 * #LOCK_FILE}, holding the owner's process id and command). Not thread-safe: one command owns it;
 * {@link #close()} releases the lock.
 */
public final class DataDirectory implements AutoCloseable {
  /** The lock file's name. */
  public static final String LOCK_FILE = "indexq.lock";

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectory(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the directory when missing and locks it.
   *
   * @param dir the data directory
   * @param command what this process does, written into the lock file for others' error messages
   * @throws UsageException when the directory cannot be used or another process holds it
   */
  public static DataDirectory open(Path dir, String command) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new UsageException("data directory " + abs + " is not a directory");
    }
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new UsageException("cannot create the data directory " + abs + ": " + reason(e), e);
    }
    if (!Files.isReadable(abs) || !Files.isWritable(abs) || !Files.isExecutable(abs)) {
      throw new UsageException("cannot use the data directory " + abs + ": permission denied");
    }
    Path lockFile = abs.resolve(LOCK_FILE);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UsageException("cannot use the data directory " + abs + ": " + reason(e), e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      close(ch);
      throw new UsageException(
          "data directory " + abs + " is in use by another indexq command in this process", e);
    } catch (IOException e) {
      close(ch);
      throw new UsageException("cannot lock the data directory " + abs + ": " + reason(e), e);
    }
    if (lock == null) {
      String holder = "";
      try {
        String owner = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        holder = owner.isEmpty() ? "" : " (" + owner + ")";
      } catch (IOException ignored) {
        // the message just lacks the owner
      }
      close(ch);
      throw new UsageException(
          "data directory "
              + abs
              + " is in use by another indexq process"
              + holder
              + "; stop it or pick another --data directory");
    }
    try {
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + ": indexq " + command)
                  .getBytes(StandardCharsets.UTF_8)),
          0);
    } catch (IOException e) {
      // the lock holds; only the owner's description is missing
    }
    return new DataDirectory(abs, ch, lock);
  }

  /**
   * Who holds a data directory's lock now, without taking it for longer than a check: the owner's
   * description ({@code pid N: indexq watch ...}), or empty when nobody holds it.
   */
  public static java.util.Optional<String> heldBy(Path dir) {
    Path lockFile = dir.resolve(LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return java.util.Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        return java.util.Optional.of("a command of this process");
      }
      if (lock != null) {
        lock.release();
        return java.util.Optional.empty();
      }
      String owner = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
      return java.util.Optional.of(owner.isEmpty() ? "another process" : owner);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** The directory, absolute. */
  public Path path() {
    return dir;
  }

  /** Where the Lucene index lives. */
  public Path index() {
    return dir.resolve("index");
  }

  /** Where the Chronicle queue lives. */
  public Path queue() {
    return dir.resolve("queue");
  }

  /** Releases the lock. Closing twice is a no-op. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // the channel's close releases it too
    }
    close(channel);
  }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
