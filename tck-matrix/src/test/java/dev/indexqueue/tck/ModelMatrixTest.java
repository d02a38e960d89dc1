package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.IndexingService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The heart of the tck: the model-based property over the matrix {queue} × {lanes 1, 2, 4} ×
 * {coalescing on, off} × {backend}. QuickTheories generates scenarios (few workspaces and paths so
 * tasks collide, all four task types, several priorities, four producer threads); each runs through
 * a fresh {@link IndexingService}; after {@code awaitIndexReady} the backend's documents must equal
 * the sequential {@link Model} applied in acceptance order, and the {@link CheckingBackend} must
 * have seen every workspace applied in acceptance order by one lane at a time. On failure
 * QuickTheories prints the seed (replay with {@code -DQT_SEED=<seed>}) and the scenario, one task
 * per line.
 *
 * <p>Budget: {@code indexq.examples} scenarios per cell (200 in CI, 10,000 with {@code -Pstress}).
 * New queues and backends join through {@link QueueKind} and {@link BackendKind}.
 */
class ModelMatrixTest {
  private static final int MAX_STEPS = 24;
  private static final int PRODUCERS = 4;

  @TempDir Path dir;

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (QueueKind queue : QueueKind.values()) {
      for (int lanes : new int[] {1, 2, 4}) {
        for (boolean coalescing : new boolean[] {true, false}) {
          for (BackendKind backend : BackendKind.values()) {
            cells.add(Arguments.of(queue, lanes, coalescing, backend));
          }
        }
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} × lanes={1} × coalescing={2} × {3}")
  @MethodSource("cells")
  void backendEqualsTheSequentialModel(
      QueueKind queue, int lanes, boolean coalescing, BackendKind backend) {
    int examples = Budget.examples(200);
    AtomicInteger runs = new AtomicInteger();
    AtomicLong coalesced = new AtomicLong();
    // QuickTheories 0.26 runs about as many examples as asked for, sometimes a few fewer (it skips
    // some duplicates): top up with fresh seeds until the budget is met
    while (runs.get() < examples) {
      qt().withExamples(examples - runs.get() + 1)
          .forAll(Scenarios.scenarios(MAX_STEPS, PRODUCERS))
          .checkAssert(
              scenario -> {
                runs.incrementAndGet();
                coalesced.addAndGet(check(scenario, queue, lanes, coalescing, backend, runs.get()));
              });
    }
    System.out.printf(
        "model matrix %s × lanes=%d × coalescing=%s × %s: %d scenarios, %d tasks coalesced%n",
        queue, lanes, coalescing, backend, runs.get(), coalesced.get());
    assertThat(runs.get()).as("scenarios run").isGreaterThanOrEqualTo(examples);
    if (!coalescing) {
      assertThat(coalesced.get()).isZero();
    }
  }

  private Path scratch;

  /**
   * Where scenarios keep their queue and index files: a RAM file system when the machine has one
   * (fsync there is free, so the 24 cells fit the CI budget; the durability of the real disk is the
   * crash test's business), else the JUnit temporary directory. Each run's files are deleted after
   * it.
   */
  private Path scratch() {
    if (scratch == null) {
      Path shm = Path.of("/dev/shm");
      try {
        scratch =
            Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "indexq-matrix-")
                : dir;
      } catch (IOException e) {
        scratch = dir;
      }
    }
    return scratch;
  }

  @org.junit.jupiter.api.AfterEach
  void deleteScratch() throws IOException {
    if (scratch != null && !scratch.equals(dir)) {
      deleteTree(scratch);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private long check(
      Scenario scenario,
      QueueKind queueKind,
      int lanes,
      boolean coalescing,
      BackendKind backendKind,
      int run) {
    Path cell = scratch().resolve("run-" + run);
    try {
      Files.createDirectories(cell.resolve("queue"));
      Files.createDirectories(cell.resolve("index"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MapWorkspaceSource source = Scenarios.source();
    CheckingBackend backend = CheckingBackend.wrap(backendKind.open(cell.resolve("index")));
    try {
      ScenarioCheck.Outcome outcome =
          ScenarioCheck.run(
              scenario,
              IndexingService.builder()
                  .queue(queueKind.create(cell.resolve("queue"), lanes, 1024))
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
      if (backend.delegate() instanceof RecordingBackend recording) {
        recording.assertNoViolations();
      }
      return outcome.coalesced();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      try {
        deleteTree(cell);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
