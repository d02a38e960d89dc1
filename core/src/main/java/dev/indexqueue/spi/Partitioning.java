package dev.indexqueue.spi;

import java.nio.charset.StandardCharsets;

/**
 * The stable function that maps a workspace to its partition: the same in every queue (memory,
 * Chronicle, Kafka), in every process and in every release. Stateless and thread-safe.
 *
 * <p>{@code partition = (murmur2(utf8(workspace)) & 0x7fffffff) % partitions}, with Kafka's murmur2
 * (seed {@code 0x9747b28c}). That is exactly what a Kafka producer's default partitioner computes
 * for a record whose key is the workspace name serialized as UTF-8 (Kafka's {@code
 * StringSerializer}), so a producer outside IndexQueue that keys its records by workspace writes
 * each task to the partition IndexQueue reads it from.
 */
public final class Partitioning {
  /** The most partitions a queue may have. */
  public static final int MAX_PARTITIONS = 4096;

  private Partitioning() {}

  /**
   * The partition of a workspace.
   *
   * @param workspace a workspace name
   * @param partitions the number of partitions, 1 to {@value #MAX_PARTITIONS}
   * @return a partition in {@code [0, partitions)}
   * @throws IllegalArgumentException when {@code partitions} is out of range
   */
  public static int partitionOf(String workspace, int partitions) {
    checkPartitions(partitions);
    if (partitions == 1) {
      return 0;
    }
    return (murmur2(workspace.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
  }

  /**
   * Checks a partition count.
   *
   * @param partitions the number of partitions
   * @return {@code partitions}
   * @throws IllegalArgumentException naming {@code partitions} when it is not in 1 to {@value
   *     #MAX_PARTITIONS}
   */
  public static int checkPartitions(int partitions) {
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "partitions: must be between 1 and " + MAX_PARTITIONS + ", was: " + partitions);
    }
    return partitions;
  }

  /**
   * Kafka's 32-bit murmur2 hash ({@code org.apache.kafka.common.utils.Utils.murmur2}), reproduced
   * here so that core needs no Kafka classes.
   *
   * @param data the bytes to hash
   * @return the hash
   */
  public static int murmur2(byte[] data) {
    int length = data.length;
    final int seed = 0x9747b28c;
    final int m = 0x5bd1e995;
    final int r = 24;
    int h = seed ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      final int i4 = i * 4;
      int k =
          (data[i4] & 0xff)
              + ((data[i4 + 1] & 0xff) << 8)
              + ((data[i4 + 2] & 0xff) << 16)
              + ((data[i4 + 3] & 0xff) << 24);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    switch (length % 4) {
      case 3:
        h ^= (data[(length & ~3) + 2] & 0xff) << 16;
      // fall through
      case 2:
        h ^= (data[(length & ~3) + 1] & 0xff) << 8;
      // fall through
      case 1:
        h ^= data[length & ~3] & 0xff;
        h *= m;
      // fall through
      default:
        break;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
