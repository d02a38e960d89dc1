package dev.indexqueue.queue.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive hold of one queue directory: a lock file ({@value #FILE}) at its top, locked with
 * {@link FileChannel#tryLock()}, which keeps a second queue, in this or another process, out of the
 * whole directory (every partition's logs). The file holds the holder's process id, for the message
 * another process gets. Thread-safe; {@link #close()} twice is a no-op.
 *
 * <p>The operating system releases the lock when the holding process dies, however it dies, so a
 * killed process never leaves the directory locked.
 */
final class DirectoryLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);

  /** The lock file's name. */
  static final String FILE = "indexqueue.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code directory} (which must exist) without waiting.
   *
   * @throws IllegalStateException naming the directory and the lock file when this process or
   *     another one holds it
   * @throws UncheckedIOException when the lock file cannot be created or locked
   */
  static DirectoryLock acquire(Path directory) {
    Path file = directory.resolve(FILE);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("directory: cannot create the lock file " + file, e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new IllegalStateException(
          "The chronicle queue in "
              + directory
              + " is already open in this process (lock file "
              + file
              + "); close it before opening it again",
          e);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
    if (lock == null) {
      String holder = "";
      try {
        String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
        holder = pid.isEmpty() ? "" : " (process " + pid + ")";
      } catch (IOException ignored) {
        // the message just lacks the process id
      }
      closeQuietly(ch);
      throw new IllegalStateException(
          "The chronicle queue in "
              + directory
              + " is held by another process"
              + holder
              + ": lock file "
              + file
              + " is locked. One queue directory serves one process at a time.");
    }
    try {
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
    } catch (IOException e) {
      LOG.debug("cannot write the process id into {}: {}", file, e.toString());
    }
    return new DirectoryLock(file, ch, lock);
  }

  /** The lock file. */
  Path file() {
    return file;
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      LOG.debug("releasing the lock {}: {}", file, e.toString());
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", c, e.toString());
    }
  }
}
