package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Scenario} through an {@link IndexingService} and checks the result against the
 * sequential {@link Model}: after {@code awaitIndexReady}, every workspace's documents equal the
 * model's after applying the accepted tasks in acceptance (sequence) order. Stateless and
 * thread-safe.
 */
public final class ScenarioCheck {
  private ScenarioCheck() {}

  /**
   * What a run accepted and the service's status at the end (before it was closed).
   *
   * @param accepted the accepted tasks with their sequence numbers, in sequence order
   * @param status the queue status after every workspace was ready
   */
  public record Outcome(List<QueuedTask> accepted, QueueStatus status) {
    /** Copies the list. */
    public Outcome {
      accepted = List.copyOf(accepted);
    }

    /** The accepted tasks in sequence (acceptance) order. */
    public List<IndexTask> acceptedInOrder() {
      return accepted.stream().map(QueuedTask::task).toList();
    }

    /** How many tasks coalescing dropped. */
    public long coalesced() {
      return status.coalesced();
    }
  }

  /**
   * Runs {@code scenario}: one thread per producer submits its tasks in order, concurrently; then
   * waits with {@code awaitIndexReady} for every workspace and compares the backend's documents
   * with the model applied in acceptance order.
   *
   * @param scenario the workload
   * @param builder a configured builder (queue, backend, lanes, coalescing, source)
   * @param backend the backend the builder uses, to read its documents
   * @param model a fresh model with the scenario's source, to compare with
   * @param afterSubmit runs after every producer finished, before waiting for the index
   */
  public static Outcome run(
      Scenario scenario,
      IndexingServiceBuilder builder,
      IndexBackend backend,
      Model model,
      Runnable afterSubmit)
      throws InterruptedException {
    IndexingService service = builder.build();
    try {
      List<QueuedTask> accepted = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < scenario.producers(); p++) {
        List<IndexTask> mine = scenario.tasksOf(p);
        Thread t =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (IndexTask task : mine) {
                      Ticket ticket = service.submit(task);
                      accepted.add(new QueuedTask(ticket.sequence(), task));
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                },
                "scenario-producer-" + p);
        threads.add(t);
        t.start();
      }
      start.countDown();
      for (Thread t : threads) {
        t.join(TimeUnit.MINUTES.toMillis(1));
      }
      assertThat(errors).as("producer errors").isEmpty();
      afterSubmit.run();
      for (String ws : Scenarios.WORKSPACES) {
        assertThat(service.awaitIndexReady(ws, Duration.ofMinutes(1)))
            .as("awaitIndexReady(%s)", ws)
            .isTrue();
      }
      List<QueuedTask> inOrder = new ArrayList<>(accepted);
      inOrder.sort(Comparator.comparingLong(QueuedTask::position));
      Outcome outcome = new Outcome(inOrder, service.queueStatus());
      assertThat(outcome.status().accepted()).as("accepted count").isEqualTo(inOrder.size());
      assertThat(outcome.status().deadLettered()).as("dead letters").isZero();
      assertThat(outcome.status().state()).as("service state").isEqualTo(LifecycleState.RUNNING);
      assertMatchesModel(backend, model, outcome.acceptedInOrder());
      return outcome;
    } finally {
      service.close();
    }
  }

  /**
   * Asserts the order guarantee from what the backend applied ({@link CheckingBackend#log()} or
   * {@link RecordingBackend#log()}): each workspace's applied tasks are the accepted tasks at those
   * sequence numbers, in increasing sequence order, and end with the workspace's last accepted
   * task. Without coalescing, every accepted task is applied exactly once; with it, the applied
   * tasks are a subsequence (what coalescing dropped is missing) whose end state equals the
   * model's, which {@link #run} checks.
   *
   * @param outcome what the run accepted
   * @param log what the backend applied, in apply order
   * @param coalescing whether the service coalesced
   */
  public static void assertAppliedInAcceptanceOrder(
      Outcome outcome, List<QueuedTask> log, boolean coalescing) {
    Map<Long, IndexTask> bySequence = new HashMap<>();
    Map<String, List<Long>> acceptedByWorkspace = new TreeMap<>();
    for (QueuedTask q : outcome.accepted()) {
      bySequence.put(q.position(), q.task());
      acceptedByWorkspace
          .computeIfAbsent(q.task().workspace(), k -> new ArrayList<>())
          .add(q.position());
    }
    Map<String, List<Long>> appliedByWorkspace = new TreeMap<>();
    for (QueuedTask q : log) {
      assertThat(q.task())
          .as("the task applied at sequence %d is the one accepted there", q.position())
          .isEqualTo(bySequence.get(q.position()));
      appliedByWorkspace
          .computeIfAbsent(q.task().workspace(), k -> new ArrayList<>())
          .add(q.position());
    }
    for (Map.Entry<String, List<Long>> e : acceptedByWorkspace.entrySet()) {
      List<Long> applied = appliedByWorkspace.getOrDefault(e.getKey(), List.of());
      List<Long> acceptedSeqs = e.getValue();
      assertThat(applied)
          .as("sequences applied for %s, in apply order", e.getKey())
          .isSorted()
          .doesNotHaveDuplicates();
      if (coalescing) {
        assertThat(acceptedSeqs)
            .as("applied sequences of %s are accepted ones", e.getKey())
            .containsAll(applied);
        assertThat(applied)
            .as("the last accepted task of %s is applied (nothing can supersede it)", e.getKey())
            .endsWith(acceptedSeqs.get(acceptedSeqs.size() - 1));
      } else {
        assertThat(applied)
            .as("without coalescing every task of %s is applied, in order", e.getKey())
            .isEqualTo(acceptedSeqs);
      }
    }
  }

  /**
   * Asserts that {@code backend}'s documents equal the model after {@code acceptedInOrder}.
   *
   * @param backend the backend, after the service made everything visible
   * @param model a fresh model with the scenario's source
   * @param acceptedInOrder the accepted tasks in sequence order
   */
  public static void assertMatchesModel(
      IndexBackend backend, Model model, List<IndexTask> acceptedInOrder) {
    model.applyAll(acceptedInOrder);
    for (String ws : Scenarios.WORKSPACES) {
      Map<String, String> expected = new TreeMap<>();
      model.contents(ws).forEach((p, c) -> expected.put(p, ContentHash.of(c)));
      Map<String, String> actual = new TreeMap<>();
      for (IndexedDocument d : backend.documents(ws)) {
        actual.put(d.path(), d.contentHash());
      }
      assertThat(actual).as("documents of %s (path → content hash)", ws).isEqualTo(expected);
    }
  }

  /** A no-op hook. */
  public static Runnable nothing() {
    return () -> {};
  }
}
