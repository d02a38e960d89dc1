package dev.indexqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.SearchHit;
import dev.indexqueue.examples.custom.GrepBackend;
import dev.indexqueue.examples.custom.GrepBackendProvider;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.tck.Budget;
import dev.indexqueue.tck.MapWorkspaceSource;
import dev.indexqueue.tck.Model;
import dev.indexqueue.tck.Scenario;
import dev.indexqueue.tck.ScenarioCheck;
import dev.indexqueue.tck.Scenarios;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The custom {@code grep} backend: found by name through {@code META-INF/services}, and checked
 * with the tck's scenario model (random concurrent scenarios of all four task types must leave the
 * backend equal to the sequential model). {@link GrepBackendContractTest} runs the tck's contract
 * suite on it.
 */
class CustomBackendExampleTest {

  @Test
  void isFoundByItsNameAndSearches() throws Exception {
    assertThat(Providers.indexBackendNames(getClass().getClassLoader())).contains("grep", "lucene");
    try (IndexingService service =
        IndexingService.builder().queue("memory", Map.of()).backend("grep", Map.of()).build()) {
      service.submit(
          IndexTask.indexFile("notes", "todo.txt", "buy milk\ncall Alice about the Queue"));
      service.submit(IndexTask.indexFile("notes", "done.txt", "wrote the queue backend"));
      service.submit(IndexTask.removeFile("notes", "done.txt"));
      assertThat(service.awaitIndexReady("notes", Duration.ofSeconds(10))).isTrue();
      List<SearchHit> hits = service.search("notes", "queue alice", 10).hits();
      assertThat(hits).extracting(SearchHit::path).containsExactly("todo.txt");
      SearchHit.MatchLine line = hits.get(0).lines().get(0);
      assertThat(line.lineNumber()).isEqualTo(2);
      assertThat(line.highlights())
          .extracting(r -> line.text().substring(r.start(), r.end()))
          .containsExactly("Alice", "Queue");
      assertThat(service.indexStatus("notes").indexedFiles()).isEqualTo(1);
    }
  }

  @Test
  void refusesUnknownSettings() {
    assertThatThrownBy(() -> Providers.indexBackend("grep", Map.of("directory", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'directory'");
  }

  @Test
  void concurrentScenariosEqualTheSequentialModel() {
    qt().withExamples(Budget.examples(200) / 4 + 1)
        .forAll(Scenarios.scenarios(30, 3))
        .checkAssert(CustomBackendExampleTest::check);
  }

  private static void check(Scenario scenario) {
    MapWorkspaceSource source = Scenarios.source();
    IndexBackend backend =
        Providers.indexBackendProvider(GrepBackendProvider.NAME, GrepBackend.class.getClassLoader())
            .create(Map.of());
    try {
      ScenarioCheck.run(
          scenario,
          IndexingService.builder()
              .queue("memory", Map.of())
              .backend(backend)
              .workspaceSource(source)
              .lanes(2),
          backend,
          new Model(source),
          ScenarioCheck.nothing());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void theExampleRuns() throws Exception {
    CustomBackendExample.main(new String[0]);
  }
}
