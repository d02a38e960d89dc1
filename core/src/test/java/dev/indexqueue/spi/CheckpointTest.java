package dev.indexqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {

  @ParameterizedTest
  @ValueSource(strings = {"1x1:0", "1x2:7,-", "2x2:120,3,98,-", "4x1:-,-,-,-", "3x2:0,0,1,2,3,4"})
  void theTextFormRoundTrips(String text) {
    Checkpoint cp = Checkpoint.parse(text);
    assertThat(cp.encode()).isEqualTo(text);
    assertThat(Checkpoint.parse(cp.encode())).isEqualTo(cp).hasSameHashCodeAs(cp);
  }

  @Test
  void noneIsTheEmptyText() {
    assertThat(Checkpoint.none().encode()).isEmpty();
    assertThat(Checkpoint.parse("")).isSameAs(Checkpoint.none());
    assertThat(Checkpoint.none().isNone()).isTrue();
    assertThat(Checkpoint.none().isComplete()).isFalse();
    assertThat(Checkpoint.none().covers(0, 0)).isFalse();
    assertThat(Checkpoint.none().position(0, 0)).isEqualTo(Checkpoint.NOT_COVERED);
    assertThat(Checkpoint.none()).hasToString("Checkpoint[none]");
  }

  @Test
  void positionsArePartitionMajor() {
    Checkpoint cp = Checkpoint.of(2, 2, 10, 11, 20, Checkpoint.NOT_COVERED);
    assertThat(cp.position(0, 0)).isEqualTo(10);
    assertThat(cp.position(0, 1)).isEqualTo(11);
    assertThat(cp.position(1, 0)).isEqualTo(20);
    assertThat(cp.covers(1, 1)).isFalse();
    assertThat(cp.position(1, 1)).isEqualTo(Checkpoint.NOT_COVERED);
    assertThat(cp.covers(2, 0)).isFalse();
    assertThat(cp.covers(0, 2)).isFalse();
    assertThat(cp.covers(-1, 0)).isFalse();
    assertThat(cp.isComplete()).isFalse();
    assertThat(cp.layout()).isEqualTo("2x2");
    assertThat(cp.hasLayout(2, 2)).isTrue();
    assertThat(cp.hasLayout(2, 1)).isFalse();
    assertThat(cp).hasToString("Checkpoint[2x2:10,11,20,-]");
  }

  @Test
  void ofCopiesItsPositions() {
    long[] positions = {1, 2};
    Checkpoint cp = Checkpoint.of(1, 2, positions);
    positions[0] = 99;
    assertThat(cp.position(0, 0)).isEqualTo(1);
  }

  @Test
  void mergeTakesWhatTheNewerCoversAndKeepsTheRest() {
    Checkpoint older = Checkpoint.of(2, 1, 5, 7);
    Checkpoint partial = Checkpoint.of(2, 1, Checkpoint.NOT_COVERED, 9);
    assertThat(older.mergedWith(partial)).isEqualTo(Checkpoint.of(2, 1, 5, 9));
    assertThat(partial.mergedWith(older)).isEqualTo(older);
    assertThat(Checkpoint.none().mergedWith(partial)).isSameAs(partial);
    assertThat(older.mergedWith(Checkpoint.none())).isSameAs(older);
    // merging never changes either operand
    assertThat(older).isEqualTo(Checkpoint.of(2, 1, 5, 7));
  }

  @Test
  void mergeRefusesAnotherLayoutNamingBoth() {
    assertThatThrownBy(
            () -> Checkpoint.of(2, 2, 0, 0, 0, 0).mergedWith(Checkpoint.of(4, 2, new long[8])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "checkpoint: cannot merge a 4x2 checkpoint into a 2x2 one (the queue's partitions"
                + " changed)");
  }

  @Test
  void ofValidatesEachValueNamingTheRule() {
    assertThatThrownBy(() -> Checkpoint.of(0, 1))
        .hasMessage("partitions: must be between 1 and 4096, was: 0");
    assertThatThrownBy(() -> Checkpoint.of(4097, 1))
        .hasMessage("partitions: must be between 1 and 4096, was: 4097");
    assertThatThrownBy(() -> Checkpoint.of(1, 3, 0, 0, 0))
        .hasMessage("bands: must be 1 or 2, was: 3");
    assertThatThrownBy(() -> Checkpoint.of(2, 2, 0, 0, 0))
        .hasMessage("positions: must hold partitions × bands = 4 values, had 3");
    assertThatThrownBy(() -> Checkpoint.of(1, 1, -2))
        .hasMessage("positions: must be at least 0, or -1 (not covered), was: -2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "12|must look like <partitions>x<bands>:<positions>",
        "1:2x3|must look like <partitions>x<bands>:<positions>",
        "ax1:0|not a valid checkpoint (For input string: \"a\")",
        "1x1:zero|not a valid checkpoint (For input string: \"zero\")",
        "1x1:-5|not a valid checkpoint (negative position -5)",
        "2x1:0|not a valid checkpoint (positions: must hold partitions × bands = 2 values, had 1)",
        "1x1:0,1|not a valid checkpoint (positions: must hold partitions × bands = 1 values, had"
            + " 2)",
        "0x1:0|not a valid checkpoint (partitions: must be between 1 and 4096, was: 0)",
        "1x3:0,0,0|not a valid checkpoint (bands: must be 1 or 2, was: 3)",
        "1x1:|not a valid checkpoint (For input string: \"\")"
      })
  void parseNamesWhatIsWrongAndQuotesTheText(String text, String why) {
    assertThatThrownBy(() -> Checkpoint.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("checkpoint: ")
        .hasMessageContaining(why)
        .hasMessageEndingWith("was: \"" + text + "\"");
  }

  @Test
  void parseRefusesNullAndShortensALongText() {
    assertThatThrownBy(() -> Checkpoint.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint: is required, was: null");
    String longText = "9".repeat(200);
    assertThatThrownBy(() -> Checkpoint.parse(longText))
        .hasMessageEndingWith("was: \"" + "9".repeat(80) + "…\"");
  }
}
