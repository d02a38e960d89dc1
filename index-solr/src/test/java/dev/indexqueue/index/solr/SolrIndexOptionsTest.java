package dev.indexqueue.index.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The options' copies keep every other field, and a copy is validated as the original is. */
class SolrIndexOptionsTest {
  private final SolrIndexOptions base =
      SolrIndexOptions.zk("localhost:2181/solr", "docs")
          .creating(2, 2)
          .withCredentials("indexer", "secret");

  @Test
  void withRequestTimeoutChangesOnlyTheTimeout() {
    SolrIndexOptions o = base.withRequestTimeout(Duration.ofSeconds(15));

    assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o).usingRecursiveComparison().ignoringFields("requestTimeout").isEqualTo(base);
    assertThat(base.requestTimeout()).isEqualTo(SolrIndexOptions.DEFAULT_REQUEST_TIMEOUT);
  }

  @Test
  void aRequestTimeoutOutsideOneSecondToOneHourIsRefusedNamingIt() {
    assertThatThrownBy(() -> base.withRequestTimeout(Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestTimeout: must be between 1 s and 1 h, was: PT0.999S");
    assertThatThrownBy(() -> base.withRequestTimeout(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("requestTimeout: must be between 1 s and 1 h");
    assertThatThrownBy(() -> base.withRequestTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requestTimeout");
  }
}
