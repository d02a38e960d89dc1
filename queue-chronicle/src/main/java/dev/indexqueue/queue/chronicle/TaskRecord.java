package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import dev.indexqueue.spi.Predecessor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The binary layout of one task in a queue file. Stateless and thread-safe (the encoding buffer
 * belongs to the caller). Writes version {@value #VERSION}; reads versions 1 and 2.
 *
 * <p>All integers are little-endian. Version 2 (every record this build writes):
 *
 * <pre>
 * offset  size  field
 *      0     1  version (2)
 *      1     1  type: 1 INDEX_FILE, 2 REMOVE_FILE, 3 REMOVE_WORKSPACE, 4 REINDEX_WORKSPACE
 *      2     4  priority
 *      6     8  timestamp, seconds since the epoch
 *     14     4  timestamp, nanoseconds of the second
 *     18     2  partition of the log the record belongs to
 *     20     1  band of the log the record belongs to
 *     21     1  predecessor band: 0 or 1, or 0xFF when the task has no predecessor
 *     22     8  predecessor position (0 when none)
 *     30     2  workspace length n (UTF-8 bytes), then n bytes
 *              4  path length, -1 when absent, then the bytes
 *              4  content length, -1 when absent, then the bytes
 *   len-12     8  position (the task's place in its log)
 *    len-4     4  CRC32C of bytes [0, len-4)
 * </pre>
 *
 * <p>Version 1, written by the single-log queue of earlier releases, lacks bytes 18 to 29: its
 * records belong to partition 0, band 0 and have no predecessor. It is read so that a directory of
 * that format can be drained after the upgrade (see {@link QueueLayout}).
 *
 * <p>The position comes last so the body can be encoded and check-summed before the position is
 * assigned, and only the last 12 bytes are added under the append lock. The partition and band let
 * a record found in the wrong log's files be reported instead of read.
 */
final class TaskRecord {
  static final byte VERSION = 2;

  /** The version of the single-log format of earlier releases. */
  static final byte VERSION_1 = 1;

  /**
   * Bytes of the fixed fields of a version 1 record, the shortest there is: header 18, workspace
   * length 2, path and content lengths 8, tail 12. Every record's position is at {@code len - 12}.
   */
  static final int MIN_LENGTH = 18 + 2 + 4 + 4 + 12;

  /** Bytes of the fixed fields of a version 2 record. */
  static final int MIN_LENGTH_V2 = MIN_LENGTH + 12;

  private static final int NO_PREDECESSOR = 0xff;

  private TaskRecord() {}

  /** A growable per-thread encoding buffer with its running checksum. */
  static final class Encoder {
    byte[] buf = new byte[512];
    int length;
    final CRC32C crc = new CRC32C();

    /**
     * Encodes the body of a version 2 record (everything but position and checksum) and checksums
     * it. Afterwards {@link #finish(long)} appends position and checksum.
     */
    void encodeBody(int partition, int band, IndexTask task, Predecessor predecessor) {
      byte[] ws = task.workspace().getBytes(StandardCharsets.UTF_8);
      byte[] path = task.path() == null ? null : task.path().getBytes(StandardCharsets.UTF_8);
      byte[] content =
          task.content() == null ? null : task.content().getBytes(StandardCharsets.UTF_8);
      long need =
          (long) MIN_LENGTH_V2
              + ws.length
              + (path == null ? 0 : path.length)
              + (content == null ? 0 : content.length);
      if (need > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            "task: its record would be " + need + " bytes, more than a queue record can hold");
      }
      if (buf.length < need) {
        buf = new byte[(int) Math.max(need, Math.min(Integer.MAX_VALUE - 16L, buf.length * 2L))];
      }
      int p = 0;
      buf[p++] = VERSION;
      buf[p++] = typeCode(task.type());
      p = putInt(buf, p, task.priority());
      p = putLong(buf, p, task.timestamp().getEpochSecond());
      p = putInt(buf, p, task.timestamp().getNano());
      buf[p++] = (byte) partition;
      buf[p++] = (byte) (partition >>> 8);
      buf[p++] = (byte) band;
      buf[p++] = (byte) (predecessor == null ? NO_PREDECESSOR : predecessor.band());
      p = putLong(buf, p, predecessor == null ? 0 : predecessor.position());
      buf[p++] = (byte) ws.length;
      buf[p++] = (byte) (ws.length >>> 8);
      System.arraycopy(ws, 0, buf, p, ws.length);
      p += ws.length;
      p = putBytes(buf, p, path);
      p = putBytes(buf, p, content);
      length = p;
      crc.reset();
      crc.update(buf, 0, p);
    }

    /** Appends position and checksum; the record is {@code buf[0, length)} afterwards. */
    void finish(long position) {
      int p = putLong(buf, length, position);
      crc.update(buf, length, 8);
      p = putInt(buf, p, (int) crc.getValue());
      length = p;
    }

    /** The record length once {@link #finish} ran; the body length before. */
    int length() {
      return length;
    }
  }

  /** What a decoded record holds. */
  record Decoded(
      int version,
      int partition,
      int band,
      long position,
      IndexTask task,
      Predecessor predecessor) {}

  /** The position stored in a record of {@code len} bytes, without verifying anything. */
  static long positionOf(byte[] b, int len) {
    return getLong(b, len - 12);
  }

  /**
   * Decodes and verifies one record.
   *
   * @param b the record's bytes, {@code [0, len)}
   * @param len the record length
   * @param where names the file and index, for error messages
   * @throws IllegalStateException naming {@code where} when the record is short, has a wrong
   *     checksum, an unknown version or type, or fields that break the task rules
   */
  static Decoded decode(byte[] b, int len, String where) {
    if (len < MIN_LENGTH) {
      throw corrupt(where, "short record: " + len + " bytes, at least " + MIN_LENGTH + " needed");
    }
    CRC32C crc = new CRC32C();
    crc.update(b, 0, len - 4);
    int stored = getInt(b, len - 4);
    if ((int) crc.getValue() != stored) {
      throw corrupt(
          where,
          "checksum mismatch: stored "
              + Integer.toHexString(stored)
              + ", computed "
              + Integer.toHexString((int) crc.getValue())
              + " over "
              + (len - 4)
              + " bytes");
    }
    int version = b[0];
    if (version != VERSION && version != VERSION_1) {
      throw corrupt(
          where,
          "unknown record version "
              + version
              + " (this build reads "
              + VERSION_1
              + " and "
              + VERSION
              + ")");
    }
    IndexTaskType type = typeOf(b[1], where);
    int priority = getInt(b, 2);
    long seconds = getLong(b, 6);
    int nanos = getInt(b, 14);
    int p = 18;
    int partition = 0;
    int band = 0;
    Predecessor predecessor = null;
    if (version == VERSION) {
      if (len < MIN_LENGTH_V2) {
        throw corrupt(
            where, "short record: " + len + " bytes, at least " + MIN_LENGTH_V2 + " needed");
      }
      partition = (b[18] & 0xff) | (b[19] & 0xff) << 8;
      band = b[20] & 0xff;
      int predBand = b[21] & 0xff;
      long predPosition = getLong(b, 22);
      if (predBand != NO_PREDECESSOR) {
        if (predBand > 1 || predPosition < 0) {
          throw corrupt(where, "bad predecessor: band " + predBand + ", position " + predPosition);
        }
        predecessor = new Predecessor(predBand, predPosition);
      }
      p = 30;
    }
    int wsLen = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    p += 2;
    int bodyEnd = len - 12;
    if (p + wsLen > bodyEnd) {
      throw corrupt(where, "short record: workspace of " + wsLen + " bytes runs past the end");
    }
    String ws = new String(b, p, wsLen, StandardCharsets.UTF_8);
    p += wsLen;
    int[] cursor = {p};
    String path = getString(b, cursor, bodyEnd, "path", where);
    String content = getString(b, cursor, bodyEnd, "content", where);
    if (cursor[0] != bodyEnd) {
      throw corrupt(
          where, "record length mismatch: fields end at " + cursor[0] + ", position at " + bodyEnd);
    }
    long position = getLong(b, bodyEnd);
    try {
      return new Decoded(
          version,
          partition,
          band,
          position,
          new IndexTask(type, ws, path, content, priority, Instant.ofEpochSecond(seconds, nanos)),
          predecessor);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Corrupt chronicle queue record in " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes and verifies one record of the log (partition, band): {@link #decode} plus a check that
   * the record belongs to that log (version 1 records belong to partition 0, band 0).
   *
   * @throws IllegalStateException naming {@code where} when the record is bad or belongs to another
   *     log (a file moved between log directories)
   */
  static Decoded decode(int partition, int band, byte[] b, int len, String where) {
    Decoded d = decode(b, len, where);
    if (d.partition() != partition || d.band() != band) {
      throw corrupt(
          where,
          "the record belongs to partition "
              + d.partition()
              + ", band "
              + d.band()
              + (d.version() == VERSION_1 ? " (a record of the single-log format)" : "")
              + ", not to this log (partition "
              + partition
              + ", band "
              + band
              + "): was a file moved between log directories?");
    }
    return d;
  }

  private static String getString(byte[] b, int[] cursor, int end, String field, String where) {
    int p = cursor[0];
    if (p + 4 > end) {
      throw corrupt(where, "short record: no room for the " + field + " length");
    }
    int n = getInt(b, p);
    p += 4;
    if (n == -1) {
      cursor[0] = p;
      return null;
    }
    if (n < 0 || n > end - p) {
      throw corrupt(where, "short record: " + field + " of " + n + " bytes runs past the end");
    }
    cursor[0] = p + n;
    return new String(b, p, n, StandardCharsets.UTF_8);
  }

  static IllegalStateException corrupt(String where, String what) {
    return new IllegalStateException(
        "Corrupt chronicle queue record in "
            + where
            + ": "
            + what
            + ". The record and every task after it are kept; restore the file from a backup"
            + " or remove the queue directory to start over (tasks in it are then lost).");
  }

  static byte typeCode(IndexTaskType type) {
    switch (type) {
      case INDEX_FILE:
        return 1;
      case REMOVE_FILE:
        return 2;
      case REMOVE_WORKSPACE:
        return 3;
      case REINDEX_WORKSPACE:
        return 4;
      default:
        throw new IllegalArgumentException("type: no record code for " + type);
    }
  }

  private static IndexTaskType typeOf(byte code, String where) {
    switch (code) {
      case 1:
        return IndexTaskType.INDEX_FILE;
      case 2:
        return IndexTaskType.REMOVE_FILE;
      case 3:
        return IndexTaskType.REMOVE_WORKSPACE;
      case 4:
        return IndexTaskType.REINDEX_WORKSPACE;
      default:
        throw corrupt(where, "unknown task type code " + code);
    }
  }

  private static int putBytes(byte[] buf, int p, byte[] v) {
    if (v == null) {
      return putInt(buf, p, -1);
    }
    p = putInt(buf, p, v.length);
    System.arraycopy(v, 0, buf, p, v.length);
    return p + v.length;
  }

  static int putInt(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
    b[p + 2] = (byte) (v >>> 16);
    b[p + 3] = (byte) (v >>> 24);
    return p + 4;
  }

  static int putLong(byte[] b, int p, long v) {
    putInt(b, p, (int) v);
    putInt(b, p + 4, (int) (v >>> 32));
    return p + 8;
  }

  static int getInt(byte[] b, int p) {
    return (b[p] & 0xff)
        | (b[p + 1] & 0xff) << 8
        | (b[p + 2] & 0xff) << 16
        | (b[p + 3] & 0xff) << 24;
  }

  static long getLong(byte[] b, int p) {
    return (getInt(b, p) & 0xffffffffL) | ((long) getInt(b, p + 4)) << 32;
  }
}
