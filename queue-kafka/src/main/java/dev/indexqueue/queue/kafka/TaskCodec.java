package dev.indexqueue.queue.kafka;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.Predecessor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The record format of a task on the topic. Stateless and thread-safe.
 *
 * <ul>
 *   <li><b>Key</b>: the workspace name, UTF-8 (as Kafka's {@code StringSerializer} writes it), so
 *       Kafka's default partitioner and {@code Partitioning.partitionOf} agree.
 *   <li><b>Value</b>, big-endian: {@code version} (1 byte, {@value #VERSION}), {@code type} (1
 *       byte: the {@link IndexTaskType} ordinal), {@code priority} (int), {@code timestamp} (long
 *       epoch seconds, int nanoseconds), {@code path} and {@code content} (each an int length, -1
 *       for absent, then that many UTF-8 bytes).
 *   <li><b>Header</b> {@value #PREDECESSOR_HEADER} (only when the task has a predecessor): the band
 *       (1 byte) and the position (long) of the workspace's previous task in the same partition.
 * </ul>
 *
 * A record that does not decode (another producer's bytes, a truncated value, an invalid task) is
 * reported by {@link #decode} with a {@link CorruptRecordException} naming what is wrong.
 */
final class TaskCodec {
  /** The value format's version byte. */
  static final byte VERSION = 1;

  /** The header that carries the predecessor. */
  static final String PREDECESSOR_HEADER = "iq-pred";

  private static final IndexTaskType[] TYPES = IndexTaskType.values();

  private TaskCodec() {}

  /** A record that is not a task of this format. */
  static final class CorruptRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptRecordException(String message) {
      super(message);
    }
  }

  static byte[] key(String workspace) {
    return workspace.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(IndexTask t) {
    byte[] path = t.path() == null ? null : t.path().getBytes(StandardCharsets.UTF_8);
    byte[] content = t.content() == null ? null : t.content().getBytes(StandardCharsets.UTF_8);
    int size =
        1
            + 1
            + 4
            + 8
            + 4
            + 4
            + (path == null ? 0 : path.length)
            + 4
            + (content == null ? 0 : content.length);
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION);
    b.put((byte) t.type().ordinal());
    b.putInt(t.priority());
    b.putLong(t.timestamp().getEpochSecond());
    b.putInt(t.timestamp().getNano());
    putBytes(b, path);
    putBytes(b, content);
    return b.array();
  }

  private static void putBytes(ByteBuffer b, byte[] bytes) {
    if (bytes == null) {
      b.putInt(-1);
    } else {
      b.putInt(bytes.length);
      b.put(bytes);
    }
  }

  static byte[] predecessor(Predecessor p) {
    return ByteBuffer.allocate(9).put((byte) p.band()).putLong(p.position()).array();
  }

  static Predecessor predecessor(byte[] header) throws CorruptRecordException {
    if (header == null) {
      return null;
    }
    if (header.length != 9) {
      throw new CorruptRecordException(
          "header " + PREDECESSOR_HEADER + " must hold 9 bytes, had " + header.length);
    }
    ByteBuffer b = ByteBuffer.wrap(header);
    int band = b.get();
    long position = b.getLong();
    try {
      return new Predecessor(band, position);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("header " + PREDECESSOR_HEADER + ": " + e.getMessage());
    }
  }

  /**
   * The workspace a record key names, or {@code null} when the key is absent or not a valid
   * workspace name.
   */
  static String workspaceOrNull(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      String ws = utf8(key);
      return IndexTask.isValidWorkspace(ws) ? ws : null;
    } catch (CorruptRecordException e) {
      return null;
    }
  }

  /**
   * Whether {@link #decode} gives back exactly {@code t} from {@link #key} and {@link #value}: its
   * path and content are well-formed UTF-16 (UTF-8 encoding replaces a lone surrogate).
   */
  static boolean roundTrips(IndexTask t) {
    return wellFormed(t.path()) && wellFormed(t.content());
  }

  private static boolean wellFormed(String s) {
    if (s == null) {
      return true;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /** Decodes a record's key and value into a task. */
  static IndexTask decode(byte[] key, byte[] value) throws CorruptRecordException {
    if (key == null) {
      throw new CorruptRecordException("the record has no key (the workspace)");
    }
    if (value == null) {
      throw new CorruptRecordException("the record has no value");
    }
    String workspace = utf8(key);
    ByteBuffer b = ByteBuffer.wrap(value);
    try {
      byte version = b.get();
      if (version != VERSION) {
        throw new CorruptRecordException(
            "unknown format version " + version + " (this reader knows " + VERSION + ")");
      }
      int type = b.get();
      if (type < 0 || type >= TYPES.length) {
        throw new CorruptRecordException("unknown task type " + type);
      }
      int priority = b.getInt();
      long seconds = b.getLong();
      int nanos = b.getInt();
      String path = string(b, "path");
      String content = string(b, "content");
      if (b.hasRemaining()) {
        throw new CorruptRecordException(b.remaining() + " unexpected trailing bytes");
      }
      return new IndexTask(
          TYPES[type], workspace, path, content, priority, Instant.ofEpochSecond(seconds, nanos));
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptRecordException("the value is truncated (" + value.length + " bytes)");
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new CorruptRecordException("not a valid task: " + e.getMessage());
    }
  }

  private static String string(ByteBuffer b, String field) throws CorruptRecordException {
    int n = b.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > b.remaining()) {
      throw new CorruptRecordException(
          field + " length " + n + " is out of range (" + b.remaining() + " bytes left)");
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return utf8(bytes);
  }

  private static String utf8(byte[] bytes) throws CorruptRecordException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptRecordException("not valid UTF-8");
    }
  }
}
