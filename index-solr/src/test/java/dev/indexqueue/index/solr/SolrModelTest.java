package dev.indexqueue.index.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.tck.Budget;
import dev.indexqueue.tck.CheckingBackend;
import dev.indexqueue.tck.MapWorkspaceSource;
import dev.indexqueue.tck.Model;
import dev.indexqueue.tck.ScenarioCheck;
import dev.indexqueue.tck.Scenarios;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The model matrix's {@code solr} backend kind: the tck's model-based property (generated scenarios
 * of all four task types, urgent and normal priorities, four producers) through a fresh service on
 * the Solr backend: after {@code awaitIndexReady} the documents equal the sequential model, and
 * every workspace was applied in acceptance order by one lane at a time. It lives here, not in
 * tck-matrix, so that solr-test-framework stays off that module's classpath; the budget is small
 * (each scenario empties the collection and commits through Solr): {@code indexq.solr.examples}
 * scenarios per cell, default 5.
 */
class SolrModelTest {
  private static final String COLLECTION = "model";

  @ParameterizedTest(name = "memory × lanes={0} × coalescing={1} × solr")
  @CsvSource({"1, true", "2, false"})
  void backendEqualsTheSequentialModel(int lanes, boolean coalescing) {
    SolrTestCluster cluster = SolrTestCluster.shared();
    int examples = Budget.of("indexq.solr.examples", 5);
    AtomicInteger runs = new AtomicInteger();
    qt().withExamples(examples)
        .forAll(Scenarios.scenarios(24, 4))
        .checkAssert(
            scenario -> {
              // a fresh collection per scenario: empty the shared one (creating one is slower)
              SolrIndexBackendProvider.open(cluster.options(COLLECTION)).close();
              cluster.empty(COLLECTION);
              MapWorkspaceSource source = Scenarios.source();
              CheckingBackend backend =
                  CheckingBackend.wrap(SolrIndexBackendProvider.open(cluster.options(COLLECTION)));
              try {
                ScenarioCheck.Outcome outcome =
                    ScenarioCheck.run(
                        scenario,
                        IndexingService.builder()
                            .queue(MemoryTaskQueueProvider.newQueue(lanes, 1024))
                            .backend(backend)
                            .workspaceSource(source)
                            .lanes(lanes)
                            .batchSize(4)
                            .coalescing(coalescing)
                            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5)),
                        backend,
                        new Model(source),
                        ScenarioCheck.nothing());
                backend.assertNoViolations();
                ScenarioCheck.assertAppliedInAcceptanceOrder(outcome, backend.log(), coalescing);
                runs.incrementAndGet();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
              }
            });
    System.out.printf(
        "model matrix memory × lanes=%d × coalescing=%s × solr: %d scenarios%n",
        lanes, coalescing, runs.get());
    assertThat(runs.get()).isPositive();
  }
}
