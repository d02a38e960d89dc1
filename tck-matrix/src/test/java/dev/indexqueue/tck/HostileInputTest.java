package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexedDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.generators.SourceDSL;

/**
 * Fuzzed input: at least 10,000 generated tasks with hostile strings ({@link HostileInputs}). Each
 * is either rejected, at construction or at submit, with an {@link IllegalArgumentException} whose
 * message starts with the field it names ({@code workspace:}, {@code path:}, {@code content:},
 * {@code type:} or {@code timestamp:}) and nothing enqueued (the accepted count says so), or
 * accepted and then applied correctly: the backend's documents equal the model's. Never a worker
 * failure: the service stays RUNNING with no dead letters. Runs for every queue × backend.
 */
class HostileInputTest {
  private static final int TASKS_PER_RUN = 500;
  private static final long MAX_CONTENT_BYTES = 64 * 1024;

  @TempDir Path dir;

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (QueueKind queue : QueueKind.values()) {
      for (BackendKind backend : BackendKind.values()) {
        cells.add(Arguments.of(queue, backend));
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("cells")
  void hostileTasksAreRejectedByFieldOrAppliedCorrectly(QueueKind queue, BackendKind backend) {
    int total = Math.max(10_000, Budget.examples(200) * 50);
    int runs = (total + TASKS_PER_RUN - 1) / TASKS_PER_RUN;
    AtomicInteger run = new AtomicInteger();
    AtomicInteger tasks = new AtomicInteger();
    AtomicInteger acceptedTotal = new AtomicInteger();
    // QuickTheories 0.26 runs about as many examples as asked for, sometimes fewer: top up
    while (tasks.get() < total) {
      qt().withExamples(runs - run.get() + 1)
          .forAll(SourceDSL.lists().of(HostileInputs.raws()).ofSize(TASKS_PER_RUN))
          .checkAssert(
              raws -> {
                tasks.addAndGet(raws.size());
                acceptedTotal.addAndGet(check(raws, queue, backend, run.incrementAndGet()));
              });
    }
    System.out.printf(
        "hostile input %s × %s: %d tasks in %d runs, %d accepted%n",
        queue, backend, tasks.get(), run.get(), acceptedTotal.get());
    assertThat(tasks.get()).as("tasks generated").isGreaterThanOrEqualTo(total);
    assertThat(acceptedTotal.get()).as("some tasks are accepted").isPositive();
    assertThat(acceptedTotal.get()).as("some tasks are rejected").isLessThan(tasks.get());
  }

  private int check(
      List<HostileInputs.Raw> raws, QueueKind queueKind, BackendKind backendKind, int run) {
    Path cell = dir.resolve("run-" + run);
    try {
      Files.createDirectories(cell.resolve("queue"));
      Files.createDirectories(cell.resolve("index"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MapWorkspaceSource source = HostileInputs.source();
    CheckingBackend backend = CheckingBackend.wrap(backendKind.open(cell.resolve("index")));
    IndexingService service =
        IndexingService.builder()
            .queue(queueKind.create(cell.resolve("queue"), 2, 1024))
            .backend(backend)
            .workspaceSource(source)
            .lanes(2)
            .batchSize(32)
            .maxContentBytes(MAX_CONTENT_BYTES)
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5))
            .build();
    try {
      List<IndexTask> accepted = new ArrayList<>();
      for (HostileInputs.Raw raw : raws) {
        IndexTask task;
        try {
          task = raw.build();
        } catch (IllegalArgumentException e) {
          assertNamesAField(e, raw, "construction");
          continue;
        }
        long before = service.queueStatus().accepted();
        try {
          service.submit(task);
          accepted.add(task);
        } catch (IllegalArgumentException e) {
          assertNamesAField(e, raw, "submit");
          assertThat(service.queueStatus().accepted())
              .as("nothing enqueued on rejection of %s", raw)
              .isEqualTo(before);
        }
      }
      TreeSet<String> workspaces = new TreeSet<>();
      for (IndexTask t : accepted) {
        workspaces.add(t.workspace());
      }
      for (String ws : workspaces) {
        assertThat(service.awaitIndexReady(ws, Duration.ofMinutes(1)))
            .as("awaitIndexReady(%s)", ws)
            .isTrue();
      }
      QueueStatus status = service.queueStatus();
      assertThat(status.state()).as("service state").isEqualTo(LifecycleState.RUNNING);
      assertThat(status.workerRunning()).as("workers running").isTrue();
      assertThat(status.deadLettered()).as("dead letters").isZero();
      assertThat(status.failure()).as("failure").isNull();
      assertThat(status.accepted()).as("accepted count").isEqualTo(accepted.size());
      Model model = new Model(source).applyAll(accepted);
      for (String ws : workspaces) {
        Map<String, String> expected = new TreeMap<>();
        model.contents(ws).forEach((p, c) -> expected.put(p, ContentHash.of(c)));
        Map<String, String> actual = new TreeMap<>();
        for (IndexedDocument d : backend.documents(ws)) {
          actual.put(d.path(), d.contentHash());
        }
        assertThat(actual).as("documents of %s", HostileInputs.escape(ws)).isEqualTo(expected);
      }
      backend.assertNoViolations();
      return accepted.size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      service.close();
    }
  }

  private static void assertNamesAField(
      IllegalArgumentException e, HostileInputs.Raw raw, String where) {
    String message = String.valueOf(e.getMessage());
    assertThat(HostileInputs.FIELDS.stream().anyMatch(message::startsWith))
        .as("rejection at %s of %s names its field: %s", where, raw, message)
        .isTrue();
  }
}
