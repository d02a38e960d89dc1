package dev.indexqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchResultsTest {
  private static final SearchHit HIT =
      new SearchHit("ws", "a.txt", 1f, List.of(new SearchHit.MatchLine(1, "alpha", List.of())));

  @Test
  void totalHitsCountsAtLeastTheHitsAndTheHitsAreCopied() {
    List<SearchHit> hits = new ArrayList<>(List.of(HIT));
    SearchResults r = new SearchResults(7, hits);
    hits.clear();
    assertThat(r.hits()).containsExactly(HIT);
    assertThat(r.totalHits()).isEqualTo(7);
    assertThat(r.hasMore()).isTrue();
    assertThat(new SearchResults(1, List.of(HIT)).hasMore()).isFalse();
    assertThat(new SearchResults(0, List.of()).hasMore()).isFalse();
    assertThatThrownBy(() -> new SearchResults(0, List.of(HIT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("totalHits: must be at least the number of hits (1), was: 0");
    assertThatThrownBy(() -> new SearchResults(1, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aPathOnlyHitHasNoLines() {
    SearchHit path = new SearchHit("ws", "docs/zebra.md", 1f, true, List.of());
    assertThat(path.pathOnly()).isTrue();
    assertThat(HIT.pathOnly()).isFalse();
    assertThatThrownBy(() -> new SearchHit("ws", "a.txt", 1f, true, HIT.lines()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lines: must be empty for a path-only hit, was: 1 lines");
  }

  @Test
  void queriesAreBoundedAndTheErrorNeverRepeatsTheQuery() {
    SearchResults.checkQuery("x".repeat(SearchResults.MAX_QUERY_LENGTH));
    SearchResults.checkQuery("|+|");
    String secret = "password=hunter2 ".repeat(100);
    assertThatThrownBy(() -> SearchResults.checkQuery(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("query: must be at most 1024 characters, was 1700 characters")
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(() -> SearchResults.checkQuery(" \t\n"))
        .hasMessage("query: must not be blank");
    assertThatThrownBy(() -> SearchResults.checkQuery(null)).hasMessage("query: must not be null");
  }
}
