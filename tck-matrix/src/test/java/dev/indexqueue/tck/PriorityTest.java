package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Priorities order workspaces, never the tasks of one workspace; an urgent task's earlier tasks
 * inherit its priority; age raises priority. A gated backend holds the worker while the test lines
 * tasks up, so no test depends on timing.
 */
class PriorityTest {

  private static List<String> appliedPaths(RecordingBackend backend) {
    return backend.log().stream()
        .map(QueuedTask::task)
        .map(t -> t.workspace() + "/" + t.path())
        .toList();
  }

  @Test
  void theMostUrgentWorkspaceGoesFirstAndOrderWithinAWorkspaceHolds() throws Exception {
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .batchSize(1)
            .priorityAging(Duration.ofDays(1))
            .build();
    service.submit(IndexTask.indexFile("hold", "x", "taken first; waits at the gate"));
    await().until(() -> gate.waiting() == 1);
    service.submit(IndexTask.indexFile("low", "1", "a").withPriority(5));
    service.submit(IndexTask.indexFile("normal", "1", "a"));
    service.submit(IndexTask.indexFile("urgent", "1", "a").withPriority(-3));
    // within "low", a more urgent later task must not jump ahead of the earlier one
    service.submit(IndexTask.indexFile("low", "2", "b").withPriority(-10));
    service.submit(IndexTask.indexFile("normal", "2", "b"));
    service.submit(IndexTask.indexFile("urgent", "2", "b").withPriority(7));
    gate.open();
    for (String ws : List.of("low", "normal", "urgent")) {
      assertThat(service.awaitIndexReady(ws, Duration.ofSeconds(30))).isTrue();
    }
    service.close();

    // low/2 (-10) is the most urgent task: low/1 before it inherits its priority, so both go
    // first, in order; then urgent/1 (-3); then the normal workspace; urgent/2 (7) last
    assertThat(appliedPaths(backend))
        .containsExactly(
            "hold/x", "low/1", "low/2", "urgent/1", "normal/1", "normal/2", "urgent/2");
    backend.assertNoViolations();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "aging step {0} s")
  @org.junit.jupiter.params.provider.CsvSource({"1,old/1", "86400,fresh/1"})
  void ageRaisesPrioritySoNothingStarves(long agingSeconds, String appliedFirst) throws Exception {
    ManualClock clock = new ManualClock();
    RecordingBackend backend = new RecordingBackend();
    RecordingBackend.Gate gate = backend.gate();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(100))
            .backend(backend)
            .batchSize(1)
            .clock(clock)
            .priorityAging(Duration.ofSeconds(agingSeconds))
            // a commit after each batch is due at once: the maintainer never waits on the clock
            // (a timed wait would move it by the wait), so only the test moves time
            .commitPolicy(dev.indexqueue.CommitPolicy.everyBatch())
            .refreshInterval(Duration.ofDays(365))
            .build();
    service.submit(IndexTask.indexFile("hold", "x", "taken first"));
    await().until(() -> gate.waiting() == 1);
    service.submit(IndexTask.indexFile("old", "1", "a").withPriority(10));
    service.submit(IndexTask.indexFile("hold", "y", "b").withPriority(-100));
    gate.release(1); // hold/x done; the worker reads old/1 and hold/y, takes hold/y and waits
    await().until(() -> gate.waiting() == 1 && backend.log().size() == 1);
    clock.advance(Duration.ofSeconds(30)); // old/1 has now waited 30 s
    service.submit(IndexTask.indexFile("fresh", "1", "c").withPriority(0));
    gate.open();
    assertThat(service.awaitIndexReady("fresh", Duration.ofSeconds(30))).isTrue();
    assertThat(service.awaitIndexReady("old", Duration.ofSeconds(30))).isTrue();
    service.close();
    // aging 1 s: old/1 (priority 10, waited 30 s → effective -20) beats fresh/1 (priority 0);
    // aging 1 day: it has not aged a level, and fresh/1 goes first
    assertThat(appliedPaths(backend).subList(0, 3))
        .containsExactly("hold/x", "hold/y", appliedFirst);
    backend.assertNoViolations();
  }
}
