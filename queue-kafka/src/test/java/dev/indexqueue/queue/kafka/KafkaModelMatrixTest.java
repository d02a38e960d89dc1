package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexingService;
import dev.indexqueue.tck.Budget;
import dev.indexqueue.tck.CheckingBackend;
import dev.indexqueue.tck.MapWorkspaceSource;
import dev.indexqueue.tck.Model;
import dev.indexqueue.tck.RecordingBackend;
import dev.indexqueue.tck.ScenarioCheck;
import dev.indexqueue.tck.Scenarios;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tck's model-based property (as tck-matrix's {@code ModelMatrixTest} runs it for the local
 * queues) with the {@code kafka} queue kind: QuickTheories scenarios (few workspaces and paths, all
 * task types, several priorities, four producer threads) through a service on a fresh topic; the
 * backend's documents must equal the sequential model applied in acceptance order, and each
 * workspace must be applied in acceptance order by one lane at a time.
 *
 * <p>It lives here rather than in tck-matrix to keep Kafka's jars (and the in-process cluster) out
 * of that module. Budget: {@code indexq.kafka.examples} scenarios per cell (default 8: each
 * scenario creates two topics and joins a consumer group).
 */
@ExtendWith(SharedCluster.class)
class KafkaModelMatrixTest {
  private static final int MAX_STEPS = 24;
  private static final int PRODUCERS = 4;

  @ParameterizedTest(name = "kafka × lanes={0} × coalescing={1}")
  @CsvSource({"1, true", "2, false", "4, true"})
  void backendEqualsTheSequentialModel(int lanes, boolean coalescing) {
    int examples = Budget.of("indexq.kafka.examples", 8);
    AtomicInteger runs = new AtomicInteger();
    while (runs.get() < examples) {
      qt().withExamples(examples - runs.get() + 1)
          .forAll(Scenarios.scenarios(MAX_STEPS, PRODUCERS))
          .checkAssert(
              scenario -> {
                runs.incrementAndGet();
                Map<String, String> config =
                    SharedCluster.get().queueConfig(TestCluster.newTopic("matrix"), lanes);
                config.put("kafka.consumer.session.timeout.ms", "6000");
                MapWorkspaceSource source = Scenarios.source();
                CheckingBackend backend = CheckingBackend.wrap(new RecordingBackend());
                try {
                  ScenarioCheck.Outcome outcome =
                      ScenarioCheck.run(
                          scenario,
                          IndexingService.builder()
                              .queue("kafka", config)
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
                  ((RecordingBackend) backend.delegate()).assertNoViolations();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new AssertionError(e);
                }
              });
    }
    System.out.printf(
        "model matrix kafka × lanes=%d × coalescing=%s: %d scenarios%n",
        lanes, coalescing, runs.get());
    assertThat(runs.get()).isGreaterThanOrEqualTo(examples);
  }
}
