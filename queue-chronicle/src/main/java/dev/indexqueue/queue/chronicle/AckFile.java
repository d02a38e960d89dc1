package dev.indexqueue.queue.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The acknowledged position of one log and its high-water mark (a position below which every task
 * was written), in a small file replaced atomically (write a temporary file, optionally force it,
 * rename it over the old one), so a crash leaves either the old or the new values. Thread-safe:
 * writes are serialized and never lower a stored value.
 *
 * <p>The high-water mark lets a reopened queue detect a file truncated at a record boundary, which
 * no record checksum can see: records below the mark must all be present.
 *
 * <p>Layout (25 bytes, little-endian): magic {@code IQAK}, version 2, the acknowledged position (8
 * bytes), the high-water mark (8 bytes), the CRC32C of the 21 bytes before it.
 */
final class AckFile {
  static final String NAME = "indexqueue-ack.dat";
  private static final int MAGIC = 0x4b41_5149; // "IQAK" little-endian
  private static final byte VERSION = 2;
  private static final int LENGTH = 25;

  /** What the file holds. */
  record State(long acknowledged, long highWater) {}

  private final Path file;
  private final Path temp;

  /** The acknowledged position last read or written. Guarded by {@code this}. */
  private long storedAck;

  /** The high-water mark last read or written. Guarded by {@code this}. */
  private long storedHighWater;

  AckFile(Path directory) {
    this.file = directory.resolve(NAME);
    this.temp = directory.resolve(NAME + ".tmp");
  }

  Path path() {
    return file;
  }

  /**
   * Reads the acknowledged position and high-water mark: zeros when the file does not exist (a new
   * queue).
   *
   * @throws IllegalStateException naming the file when it is short or corrupt
   */
  synchronized State read() {
    byte[] b;
    try {
      Files.deleteIfExists(temp); // a write that a crash interrupted: the old value stands
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new State(0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the acknowledged position from " + file, e);
    }
    if (b.length != LENGTH) {
      throw new IllegalStateException(
          "Corrupt chronicle queue metadata file "
              + file
              + ": "
              + b.length
              + " bytes, expected "
              + LENGTH
              + " (truncated or overwritten)");
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(b, 0, LENGTH - 4);
    if (bb.getInt(0) != MAGIC || b[4] != VERSION || bb.getInt(LENGTH - 4) != (int) crc.getValue()) {
      throw new IllegalStateException(
          "Corrupt chronicle queue metadata file "
              + file
              + ": bad magic, version or checksum (expected magic IQAK, version "
              + VERSION
              + ")");
    }
    long position = bb.getLong(5);
    long highWater = bb.getLong(13);
    if (position < 0 || highWater < position) {
      throw new IllegalStateException(
          "Corrupt chronicle queue metadata file "
              + file
              + ": acknowledged position "
              + position
              + ", high-water mark "
              + highWater);
    }
    storedAck = position;
    storedHighWater = highWater;
    return new State(position, highWater);
  }

  /**
   * Replaces the stored values atomically; a value lower than the stored one keeps the stored one.
   *
   * @param acknowledged the new acknowledged position
   * @param highWater a position below which every task was written
   * @param force whether to force the file to the device before the rename
   */
  synchronized void write(long acknowledged, long highWater, boolean force) {
    long position = Math.max(acknowledged, storedAck);
    long hw = Math.max(Math.max(highWater, storedHighWater), position);
    if (position == storedAck && hw == storedHighWater && Files.exists(file)) {
      return;
    }
    ByteBuffer bb = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    bb.putInt(MAGIC).put(VERSION).putLong(position).putLong(hw);
    CRC32C crc = new CRC32C();
    crc.update(bb.array(), 0, LENGTH - 4);
    bb.putInt((int) crc.getValue());
    bb.flip();
    try {
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        if (force) {
          ch.force(true);
        }
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot store the acknowledged position " + position + " in " + file, e);
    }
    storedAck = position;
    storedHighWater = hw;
  }
}
