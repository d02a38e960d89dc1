package dev.indexqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.indexqueue.BackpressurePolicy;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {
  private static final Set<String> KEYS = Set.of("dir", "n", "x", "mode");

  @Test
  void unknownKeysAreNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> ProviderConfig.of("test queue", Map.of("nn", "1"), KEYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test queue config: unknown key 'nn'; known keys: [dir, mode, n, x]");
  }

  @Test
  void readsAndValidatesValues() {
    ProviderConfig c =
        ProviderConfig.of(
            "t", Map.of("dir", " /tmp/q ", "n", "1_000", "x", "2.5", "mode", "reject"), KEYS);
    assertThat(c.requiredPath("dir")).isEqualTo(Path.of("/tmp/q"));
    assertThat(c.longValue("n", 7, 1, 10_000)).isEqualTo(1000);
    assertThat(c.doubleValue("x", 1, 0, 3)).isEqualTo(2.5);
    assertThat(c.enumValue("mode", BackpressurePolicy.class, BackpressurePolicy.BLOCK))
        .isEqualTo(BackpressurePolicy.REJECT);
    ProviderConfig empty = ProviderConfig.of("t", Map.of(), KEYS);
    assertThat(empty.longValue("n", 7, 1, 10)).isEqualTo(7);
    assertThat(empty.get("x")).isNull();
  }

  @Test
  void badValuesNameTheKeyAndTheRule() {
    ProviderConfig c =
        ProviderConfig.of("t", Map.of("dir", " ", "n", "12x", "x", "9", "mode", "sometimes"), KEYS);
    assertThatThrownBy(() -> c.requiredPath("dir"))
        .hasMessage("dir: is required for the t, was: \" \"");
    assertThatThrownBy(() -> c.longValue("n", 0, 0, 5))
        .hasMessage("n: must be an integer, was: \"12x\"");
    assertThatThrownBy(() -> c.doubleValue("x", 0, 0, 5))
        .hasMessage("x: must be between 0.0 and 5.0, was: 9");
    assertThatThrownBy(() -> c.enumValue("mode", BackpressurePolicy.class, null))
        .hasMessage("mode: must be one of [BLOCK, REJECT], was: \"sometimes\"");
    assertThatThrownBy(
            () -> ProviderConfig.of("t", Map.of("n", "99"), KEYS).longValue("n", 0, 0, 5))
        .hasMessage("n: must be between 0 and 5, was: 99");
    assertThatThrownBy(() -> ProviderConfig.of("t", Map.of(), KEYS).requiredPath("dir"))
        .hasMessage("dir: is required for the t, was: absent");
  }
}
