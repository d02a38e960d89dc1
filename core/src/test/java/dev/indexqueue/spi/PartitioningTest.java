package dev.indexqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitioningTest {

  /** Kafka's own test vectors for its murmur2 ({@code UtilsTest.testMurmur2}). */
  @ParameterizedTest
  @CsvSource({
    "21, -973932308",
    "foobar, -790332482",
    "a-little-bit-long-string, -985981536",
    "a-little-bit-longer-string, -1486304829",
    "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8, -58897971"
  })
  void murmur2MatchesKafka(String key, int hash) {
    assertThat(Partitioning.murmur2(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(hash);
  }

  @Test
  void murmur2OfRawBytesMatchesKafka() {
    assertThat(Partitioning.murmur2(new byte[] {'a', 'b', 'c'})).isEqualTo(479470107);
  }

  @Test
  void theTailOfEveryLengthCounts() {
    // lengths 0 to 3 past a multiple of 4 take the three tail branches and none
    assertThat(Partitioning.murmur2(new byte[0]))
        .isNotEqualTo(Partitioning.murmur2(new byte[] {0}));
    for (int n = 1; n <= 8; n++) {
      byte[] a = new byte[n];
      byte[] b = new byte[n];
      b[n - 1] = 1;
      assertThat(Partitioning.murmur2(a)).as("length %d", n).isNotEqualTo(Partitioning.murmur2(b));
    }
  }

  @Test
  void aPartitionIsKafkasDefaultPartitionerOfTheUtf8Name() {
    for (String ws : new String[] {"21", "foobar", "docs", "ws-a", "ümlaut-ws", "x"}) {
      for (int partitions : new int[] {2, 3, 4, 12, 4096}) {
        int expected =
            (Partitioning.murmur2(ws.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
        assertThat(Partitioning.partitionOf(ws, partitions))
            .as("%s of %d", ws, partitions)
            .isEqualTo(expected)
            .isBetween(0, partitions - 1);
      }
      assertThat(Partitioning.partitionOf(ws, 1)).isZero();
    }
    // "21" hashes to -973932308: (h & 0x7fffffff) = 1173551340, and 1173551340 % 12 == 0
    assertThat(Partitioning.partitionOf("21", 12)).isEqualTo(0);
    assertThat(Partitioning.partitionOf("foobar", 4)).isEqualTo(2);
  }

  @Test
  void partitionCountsAreChecked() {
    assertThat(Partitioning.checkPartitions(1)).isEqualTo(1);
    assertThat(Partitioning.checkPartitions(Partitioning.MAX_PARTITIONS)).isEqualTo(4096);
    assertThatThrownBy(() -> Partitioning.partitionOf("ws", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partitions: must be between 1 and 4096, was: 0");
    assertThatThrownBy(() -> Partitioning.checkPartitions(4097))
        .hasMessage("partitions: must be between 1 and 4096, was: 4097");
  }
}
