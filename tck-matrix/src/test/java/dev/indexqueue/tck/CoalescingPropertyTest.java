package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Coalescing never loses an update: for random operation lists over few paths, the backend ends
 * equal to the sequential model, with coalescing on and off. The worker is held at a gate while the
 * tasks are submitted, so everything is pending at once and coalescing has the most to drop.
 */
class CoalescingPropertyTest {

  @ParameterizedTest(name = "lanes={0} partitions={1} coalescing={2}")
  @CsvSource({"1,1,true", "1,1,false", "2,2,true", "2,4,false"})
  void finalStateEqualsTheSequentialModel(int lanes, int partitions, boolean coalescing) {
    qt().withExamples(Budget.examples(200))
        .forAll(Scenarios.scenarios(40, 1))
        .checkAssert(scenario -> check(scenario, lanes, partitions, coalescing));
  }

  private static void check(Scenario scenario, int lanes, int partitions, boolean coalescing) {
    MapWorkspaceSource source = Scenarios.source();
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    try {
      ScenarioCheck.run(
          scenario,
          IndexingService.builder()
              .queue(MemoryTaskQueueProvider.newQueue(partitions, 1024))
              .backend(backend)
              .workspaceSource(source)
              .lanes(lanes)
              .batchSize(7)
              .coalescing(coalescing)
              .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5)),
          backend,
          new Model(source),
          gate::open);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    backend.assertNoViolations();
  }

  @Test
  void churnIsCoalesced() throws InterruptedException {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(10_000))
            .backend(backend)
            .build();
    service.submit(IndexTask.indexFile("ws", "hold", "the worker takes this one and waits"));
    org.awaitility.Awaitility.await().until(() -> gate.waiting() == 1);
    for (int i = 0; i < 1000; i++) {
      service.submit(IndexTask.indexFile("ws", "hot" + (i % 10), "v" + i));
    }
    gate.open();
    assertThat(service.awaitIndexReady("ws", Duration.ofSeconds(30))).isTrue();
    long coalesced = service.queueStatus().coalesced();
    service.close();
    assertThat(coalesced).isEqualTo(990);
    assertThat(backend.log()).hasSize(11);
    for (int k = 0; k < 10; k++) {
      assertThat(backend.contents("ws")).containsEntry("hot" + k, "v" + (990 + k));
    }
  }
}
