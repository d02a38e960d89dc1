package dev.indexqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  @Test
  void retryBackoffCapsGrowExponentiallyUpToTheMaximum() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(10), Duration.ofMillis(100), 2.0);
    assertThat(p.backoffCap(1)).isEqualTo(Duration.ofMillis(10));
    assertThat(p.backoffCap(2)).isEqualTo(Duration.ofMillis(20));
    assertThat(p.backoffCap(4)).isEqualTo(Duration.ofMillis(80));
    assertThat(p.backoffCap(5)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoffCap(60)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void fullJitterDrawsBetweenZeroAndTheCap() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.backoff(3, 0.0)).isEqualTo(Duration.ZERO);
    assertThat(p.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(20));
    assertThat(p.backoff(3, 0.999999)).isLessThan(p.backoffCap(3));
  }

  @Test
  void retryPolicyValidates() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1))
        .hasMessage("maxAttempts: must be at least 1, was: 0");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
        .hasMessage("maxBackoff: must be at least initialBackoff (PT2S), was: PT1S");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.5))
        .hasMessage("multiplier: must be a finite number >= 1.0, was: 0.5");
  }

  @Test
  void commitPolicyValidates() {
    assertThatThrownBy(() -> CommitPolicy.of(0, Duration.ofSeconds(1)))
        .hasMessage("maxTasks: must be at least 1, was: 0");
    assertThatThrownBy(() -> CommitPolicy.of(1, Duration.ZERO))
        .hasMessage("interval: must be positive, was: PT0S");
    assertThat(CommitPolicy.defaults().maxTasks()).isEqualTo(10_000);
  }

  @Test
  void builderRejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> IndexingService.builder().lanes(0))
        .hasMessage("lanes: must be between 1 and 256, was: 0");
    assertThatThrownBy(() -> IndexingService.builder().batchSize(-1))
        .hasMessage("batchSize: must be between 1 and 1000000, was: -1");
    assertThatThrownBy(() -> IndexingService.builder().refreshInterval(Duration.ZERO))
        .hasMessage("refreshInterval: must be positive, was: PT0S");
    assertThatThrownBy(() -> IndexingService.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("queue: is required; call queue(...) on the builder");
  }
}
