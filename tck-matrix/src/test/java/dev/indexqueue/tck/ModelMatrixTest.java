package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.QuickTheory.qt;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.TaskId;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The heart of the tck: the model-based property over the matrix {queue} × {lanes, partitions} ×
 * {priorities flat, mixed} × {coalescing on, off} × {backend}. QuickTheories generates operation
 * lists ({@link Runs}): phases of tasks submitted by three producer threads at once (few workspaces
 * and paths so tasks collide, all four task types, urgent and normal tasks mixed in one workspace),
 * separated by restarts on the same queue and index: a crash (uncommitted work lost, the queue
 * keeps everything) or a stop without drain. Each phase runs a fresh {@link IndexingService}, so
 * replays follow predecessor chains across the bands of a partition; within a phase the backend may
 * also lose its uncommitted work ({@link CrashableBackend}), and the lanes rewind and replay
 * without a restart.
 *
 * <p>The checker, for every run:
 *
 * <ul>
 *   <li><b>order</b>: in each service's life, each workspace's tasks reach the backend in
 *       acceptance order, one lane at a time ({@link CheckingBackend}: positions per band, and
 *       never a task after one that names it as predecessor; and here by acceptance rank across
 *       bands and phases);
 *   <li><b>nothing lost</b>: every accepted task is applied in some life (without coalescing), or
 *       each workspace's last one is (with it); each {@link ShutdownReport} reconciles exactly,
 *       {@code accepted + replayed == applied + coalesced + deadLettered + remaining}, with the
 *       tasks the phase submitted as {@code accepted}; the next start replays at least what a stop
 *       left; the last drain leaves nothing, and the backend's committed checkpoint then equals the
 *       end of every log;
 *   <li><b>the model</b>: the final index (live, and reopened from its last commit) equals the
 *       sequential {@link Model} applied to each workspace's accepted tasks in acceptance order.
 * </ul>
 *
 * <p>On failure the cell and the seed are printed with the shrunk operation list, one step per
 * line: replay one with {@code -DQT_SEED=<seed> -Dtest=ModelMatrixTest}, and {@code
 * -Dindexq.matrix.cell=<part of the cell's name>} to run only that cell. Budget: {@code
 * indexq.examples} runs per cell (200 in CI, 50 on the JDK 25 run; a quarter of that for the Lucene
 * cells). New queues and backends join through {@link QueueKind} and {@link BackendKind}.
 */
class ModelMatrixTest {
  private static final int MAX_STEPS = 12;
  private static final int MAX_PHASES = 3;
  private static final int PRODUCERS = 3;
  private static final int CAPACITY = 1024;

  /** (lanes, partitions): one global log; one lane over 3; 2 lanes over 4; 3 lanes over 5. */
  private static final int[][] LAYOUTS = {{1, 1}, {1, 3}, {2, 4}, {3, 5}};

  @TempDir Path dir;

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (QueueKind queue : QueueKind.values()) {
      for (int[] layout : LAYOUTS) {
        for (Runs.Priorities priorities : Runs.Priorities.values()) {
          for (boolean coalescing : new boolean[] {true, false}) {
            cells.add(
                Arguments.of(
                    queue, layout[0], layout[1], priorities, coalescing, BackendKind.RECORDING));
          }
        }
      }
      // a real index: fewer cells (each run opens it once per phase), the richest layout
      for (boolean coalescing : new boolean[] {true, false}) {
        cells.add(Arguments.of(queue, 2, 4, Runs.Priorities.MIXED, coalescing, BackendKind.LUCENE));
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(
      name = "{0} × lanes={1} × partitions={2} × priorities={3} × coalescing={4} × {5}")
  @MethodSource("cells")
  void backendEqualsTheSequentialModel(
      QueueKind queue,
      int lanes,
      int partitions,
      Runs.Priorities priorities,
      boolean coalescing,
      BackendKind backend) {
    Cell cell = new Cell(queue, lanes, partitions, coalescing, backend);
    String only = System.getProperty("indexq.matrix.cell");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        only == null || (cell + " × priorities=" + priorities).contains(only),
        "not the cell asked for with -Dindexq.matrix.cell");
    // a Lucene run opens and commits a real index once per phase, and reopens it at each state
    // loss: a quarter of the budget keeps the two Lucene cells within the time of the sixteen
    // recording ones
    int examples =
        backend == BackendKind.LUCENE
            ? Math.max(10, Budget.examples(200) / 4)
            : Budget.examples(200);
    Long fixed = Long.getLong("QT_SEED");
    long seed = fixed != null ? fixed : System.nanoTime();
    AtomicInteger runs = new AtomicInteger();
    Stats stats = new Stats();
    // QuickTheories 0.26 runs about as many examples as asked for, sometimes a few fewer (it skips
    // some duplicates): top up with the next seeds until the budget is met
    for (int round = 0; runs.get() < examples; round++) {
      long s = seed + round;
      try {
        qt().withFixedSeed(s)
            .withExamples(examples - runs.get())
            .withShrinkCycles(50)
            .forAll(Runs.runs(MAX_STEPS, MAX_PHASES, PRODUCERS, priorities))
            .checkAssert(run -> check(run, cell, runs.incrementAndGet(), stats));
      } catch (AssertionError e) {
        throw new AssertionError(
            "model matrix "
                + cell
                + " × priorities="
                + priorities
                + " failed with seed "
                + s
                + " (replay: -DQT_SEED="
                + s
                + " -Dtest=ModelMatrixTest)\n"
                + e.getMessage(),
            e);
      }
      if (fixed != null) {
        break;
      }
    }
    System.out.printf(
        "model matrix %s × priorities=%s: %d runs from seed %d, %d tasks, %d restarts, %d"
            + " replayed, %d coalesced, %d urgent, %d state losses%n",
        cell,
        priorities,
        runs.get(),
        seed,
        stats.tasks.get(),
        stats.restarts.get(),
        stats.replayed.get(),
        stats.coalesced.get(),
        stats.urgent.get(),
        stats.losses.get());
    if (fixed == null) {
      assertThat(runs.get()).as("runs").isGreaterThanOrEqualTo(examples);
    }
    if (!coalescing) {
      assertThat(stats.coalesced.get()).as("coalesced with coalescing off").isZero();
    }
    if (examples >= 50) {
      // the generator does reach what the matrix is for
      assertThat(stats.restarts.get()).as("restarts").isPositive();
      assertThat(stats.replayed.get()).as("tasks replayed").isPositive();
      assertThat(stats.losses.get()).as("state losses").isPositive();
      if (priorities == Runs.Priorities.MIXED) {
        assertThat(stats.urgent.get()).as("urgent tasks").isPositive();
      }
    }
  }

  /** One cell of the matrix (without the priorities, which only the generator uses). */
  record Cell(QueueKind queue, int lanes, int partitions, boolean coalescing, BackendKind backend) {
    @Override
    public String toString() {
      return queue
          + " × lanes="
          + lanes
          + " × partitions="
          + partitions
          + " × coalescing="
          + coalescing
          + " × "
          + backend;
    }
  }

  /** What the runs of one cell exercised, to show the generator reaches what it is for. */
  static final class Stats {
    final AtomicLong tasks = new AtomicLong();
    final AtomicLong restarts = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong coalesced = new AtomicLong();
    final AtomicLong urgent = new AtomicLong();
    final AtomicLong losses = new AtomicLong();
  }

  private Path scratch;

  /**
   * Where runs keep their queue and index files: a RAM file system when the machine has one (fsync
   * there is free; the durability of the real disk is the crash test's business), else the JUnit
   * temporary directory. Each run's files are deleted after it.
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

  @AfterEach
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

  /** What a service that did not get somewhere in time was doing: its status and its threads. */
  private static String stuck(IndexingService service) {
    StringBuilder b = new StringBuilder();
    b.append(service.queueStatus()).append('\n');
    Thread.getAllStackTraces().entrySet().stream()
        .filter(t -> t.getKey().getName().startsWith("indexqueue-"))
        .forEach(
            t -> {
              b.append('"')
                  .append(t.getKey().getName())
                  .append("\" ")
                  .append(t.getKey().getState());
              for (StackTraceElement e : t.getValue()) {
                b.append("\n    at ").append(e);
              }
              b.append('\n');
            });
    return b.toString();
  }

  // ------------------------------------------------------------------------------ the checker

  private void check(Runs.Run run, Cell cell, int n, Stats stats) {
    Path files = scratch().resolve("run-" + n);
    try {
      Files.createDirectories(files.resolve("queue"));
      Files.createDirectories(files.resolve("index"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CrashableQueue queue =
        new CrashableQueue(
            cell.queue().create(files.resolve("queue"), cell.partitions(), CAPACITY));
    Supplier<IndexBackend> store = cell.backend().store(files.resolve("index"));
    MapWorkspaceSource source = Runs.source();
    // every accepted task, each workspace's in acceptance order, and its rank in that order
    Map<String, List<QueuedTask>> acceptedByWorkspace = new TreeMap<>();
    Map<TaskId, Integer> rank = new HashMap<>();
    Set<TaskId> appliedInSomeLife = new HashSet<>();
    long leftByStop = 0;
    try {
      for (int i = 0; i < run.phases().size(); i++) {
        Runs.Phase phase = run.phases().get(i);
        boolean last = i == run.phases().size() - 1;
        CrashableBackend crashable = new CrashableBackend(store);
        crashable.loseStateAt(phase.loseStateAt());
        CheckingBackend backend = CheckingBackend.wrap(crashable);
        IndexingService service =
            IndexingService.builder()
                .queue(queue)
                .backend(backend)
                .workspaceSource(source)
                .lanes(cell.lanes())
                .batchSize(run.batchSize())
                .readAhead(run.readAhead())
                .coalescing(cell.coalescing())
                .commitPolicy(CommitPolicy.of(5, Duration.ofDays(1)))
                .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5))
                .build();
        ShutdownReport report;
        try {
          long replayed = service.queueStatus().replayed();
          assertThat(replayed)
              .as("phase %d replays at least the tasks the previous one left unfinished", i)
              .isGreaterThanOrEqualTo(leftByStop);
          stats.replayed.addAndGet(replayed);
          List<Accepted> tickets = submit(service, phase, run.producers());
          List<QueuedTask> accepted = tickets.stream().map(Accepted::queued).toList();
          for (QueuedTask q : accepted) {
            List<QueuedTask> mine =
                acceptedByWorkspace.computeIfAbsent(q.task().workspace(), k -> new ArrayList<>());
            rank.put(q.id(), mine.size());
            mine.add(q);
            if (q.band() == 1) {
              stats.urgent.incrementAndGet();
            }
          }
          stats.tasks.addAndGet(accepted.size());
          if (!last) {
            stats.restarts.incrementAndGet();
            if (phase.waitFor() < accepted.size()) {
              Accepted a = tickets.get(phase.waitFor());
              assertThat(a.ticket().await(TaskStage.APPLIED, Duration.ofMinutes(1)))
                  .as(
                      () ->
                          "task "
                              + a.queued().id()
                              + " applied before the restart\n"
                              + stuck(service))
                  .isTrue();
            }
            if (phase.restart() == Runs.Restart.CRASH) {
              queue.crash(); // first: no acknowledge may follow a lost commit
              crashable.crash();
            }
            report = service.shutdown(Duration.ZERO);
            queue.restart();
          } else {
            // a loss while waiting may take away what an earlier wait saw: wait again for all,
            // once the service has learnt of every loss so far (a lane reports it, counted as a
            // retry; nothing else is retried here)
            int losses;
            do {
              losses = crashable.losses();
              int seen = losses;
              await()
                  .pollDelay(Duration.ZERO)
                  .pollInterval(Duration.ofMillis(5))
                  .atMost(Duration.ofMinutes(1))
                  .until(() -> service.queueStatus().retried() >= seen);
              for (String ws : Runs.WORKSPACES) {
                assertThat(service.awaitIndexReady(ws, Duration.ofMinutes(1)))
                    .as("awaitIndexReady(%s)", ws)
                    .isTrue();
              }
            } while (crashable.losses() != losses);
            QueueStatus status = service.queueStatus();
            assertThat(status.state()).as("state").isEqualTo(LifecycleState.RUNNING);
            assertThat(status.deadLettered()).as("dead letters").isZero();
            assertMatchesModel(backend, source, acceptedByWorkspace, "the live index");
            report = service.shutdown(Duration.ofMinutes(1));
            assertThat(report.timedOut()).as("the last drain timed out").isFalse();
            assertThat(report.remaining()).as("remaining after the last drain").isZero();
          }
          assertThat(report.accepted())
              .as("accepted in phase %d: %s", i, report)
              .isEqualTo(accepted.size());
          assertThat(report.accepted() + report.replayed())
              .as(
                  "phase %d: accepted + replayed == applied + coalesced + dead + remaining: %s",
                  i, report)
              .isEqualTo(
                  report.applied()
                      + report.coalesced()
                      + report.deadLettered()
                      + report.remaining());
          if (crashable.losses() == 0) {
            assertThat(report.replayed()).as("replayed: %s", report).isEqualTo(replayed);
          } else {
            // tasks finished before the loss were read and finished again
            assertThat(report.replayed())
                .as("replayed: %s", report)
                .isGreaterThanOrEqualTo(replayed);
            stats.losses.addAndGet(crashable.losses());
          }
          assertThat(report.deadLettered()).as("dead letters").isZero();
          stats.coalesced.addAndGet(report.coalesced());
          leftByStop = report.remaining();
        } finally {
          service.close();
        }
        backend.assertNoViolations();
        assertAppliedInRankOrder(crashable.log(), rank, acceptedByWorkspace, i);
        for (QueuedTask q : crashable.log()) {
          if (q != null) {
            appliedInSomeLife.add(q.id());
          }
        }
      }

      // nothing lost, nothing left
      for (Map.Entry<String, List<QueuedTask>> e : acceptedByWorkspace.entrySet()) {
        List<QueuedTask> all = e.getValue();
        if (cell.coalescing()) {
          QueuedTask lastOne = all.get(all.size() - 1);
          assertThat(appliedInSomeLife)
              .as("the last task of %s (nothing supersedes it) was applied", e.getKey())
              .contains(lastOne.id());
        } else {
          for (QueuedTask q : all) {
            assertThat(appliedInSomeLife)
                .as("without coalescing, task %s of %s was applied", q.id(), e.getKey())
                .contains(q.id());
          }
        }
      }
      try (IndexBackend reopened = store.get()) {
        Checkpoint cp = reopened.committedCheckpoint();
        assertThat(queue.size())
            .as("tasks left in the queue after the last drain: %s", describe(queue, cp))
            .isZero();
        for (int p = 0; p < queue.partitions(); p++) {
          for (int b = 0; b < queue.bands(); b++) {
            // never committed: nothing was ever accepted
            assertThat(cp.isNone() ? 0 : cp.position(p, b))
                .as("committed checkpoint of log (%d, %d): %s", p, b, cp)
                .isEqualTo(queue.endPosition(p, b));
          }
        }
        assertMatchesModel(reopened, source, acceptedByWorkspace, "the index reopened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      queue.delegate.close();
      try {
        deleteTree(files);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Each log's first and end position, the checkpoint, and the tasks the queue still holds. */
  private static String describe(CrashableQueue queue, Checkpoint cp) {
    StringBuilder b = new StringBuilder("checkpoint " + cp);
    for (int p = 0; p < queue.partitions(); p++) {
      for (int band = 0; band < queue.bands(); band++) {
        b.append("\n  log (")
            .append(p)
            .append(", ")
            .append(band)
            .append("): [")
            .append(queue.firstPosition(p, band))
            .append(", ")
            .append(queue.endPosition(p, band))
            .append(")");
        for (QueuedTask q : queue.read(p, band, 0, 1000)) {
          b.append("\n    ")
              .append(q.id())
              .append(' ')
              .append(q.task())
              .append(" after ")
              .append(q.predecessor());
        }
      }
    }
    b.append("\n  appended:");
    synchronized (queue.appended) {
      for (QueuedTask q : queue.appended) {
        b.append("\n    ")
            .append(q.id())
            .append(' ')
            .append(q.task().workspace())
            .append(' ')
            .append(q.task().type())
            .append(' ')
            .append(q.task().path())
            .append(" after ")
            .append(q.predecessor());
      }
    }
    return b.toString();
  }

  /** An accepted task with where it went, and its ticket. */
  record Accepted(QueuedTask queued, Ticket ticket) {}

  /**
   * Submits a phase: one thread per producer, concurrently; returns the accepted tasks in step
   * order (so each workspace's are in acceptance order: its producer's order).
   */
  private static List<Accepted> submit(IndexingService service, Runs.Phase phase, int producers)
      throws InterruptedException {
    Map<Integer, List<Accepted>> byProducer = new ConcurrentHashMap<>();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      List<IndexTask> mine =
          phase.steps().stream()
              .filter(s -> s.producer() == producer)
              .map(Scenario.Step::task)
              .toList();
      Thread t =
          new Thread(
              () -> {
                List<Accepted> accepted = new ArrayList<>();
                try {
                  start.await();
                  for (IndexTask task : mine) {
                    Ticket ticket = service.submit(task);
                    accepted.add(
                        new Accepted(
                            new QueuedTask(
                                ticket.id().partition(),
                                ticket.id().band(),
                                ticket.id().position(),
                                task),
                            ticket));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
                byProducer.put(producer, accepted);
              },
              "matrix-producer-" + p);
      threads.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.MINUTES.toMillis(1));
    }
    assertThat(errors).as("producer errors").isEmpty();
    // in step order, so that waitFor indexes a step
    Map<Integer, Integer> next = new HashMap<>();
    List<Accepted> out = new ArrayList<>();
    for (Scenario.Step s : phase.steps()) {
      int i = next.merge(s.producer(), 1, Integer::sum) - 1;
      Accepted a = byProducer.get(s.producer()).get(i);
      assertThat(a.queued().task()).isSameAs(s.task());
      out.add(a);
    }
    return out;
  }

  /**
   * Asserts that in one service's life each workspace's applied tasks are accepted tasks (the same
   * task at the same place), in increasing acceptance rank across both bands, between replays
   * (marked {@code null} in the log: a replay applies earlier tasks again).
   */
  private static void assertAppliedInRankOrder(
      List<QueuedTask> log,
      Map<TaskId, Integer> rank,
      Map<String, List<QueuedTask>> acceptedByWorkspace,
      int phase) {
    Map<String, Integer> lastRank = new HashMap<>();
    for (QueuedTask q : log) {
      if (q == null) {
        lastRank.clear();
        continue;
      }
      String ws = q.task().workspace();
      Integer r = rank.get(q.id());
      assertThat(r).as("phase %d applied %s, which was never accepted", phase, q.id()).isNotNull();
      assertThat(q.task())
          .as("the task applied at %s is the one accepted there", q.id())
          .isEqualTo(acceptedByWorkspace.get(ws).get(r).task());
      Integer before = lastRank.put(ws, r);
      assertThat(before == null || before < r)
          .as(
              "phase %d: %s's task of rank %d (%s) applied after its task of rank %s",
              phase, ws, r, q.id(), before)
          .isTrue();
    }
  }

  private static void assertMatchesModel(
      IndexBackend backend,
      MapWorkspaceSource source,
      Map<String, List<QueuedTask>> acceptedByWorkspace,
      String what) {
    Model model = new Model(source);
    for (List<QueuedTask> tasks : acceptedByWorkspace.values()) {
      for (QueuedTask q : tasks) {
        model.apply(q.task());
      }
    }
    for (String ws : Runs.WORKSPACES) {
      Map<String, String> expected = new TreeMap<>();
      model.contents(ws).forEach((p, c) -> expected.put(p, ContentHash.of(c)));
      Map<String, String> actual = new TreeMap<>();
      for (IndexedDocument d : backend.documents(ws)) {
        actual.put(d.path(), d.contentHash());
      }
      assertThat(actual)
          .as("documents of %s in %s (path → content hash)", ws, what)
          .isEqualTo(expected);
    }
  }
}
