package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.TaskId;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Scenario} through an {@link IndexingService} and checks the result against the
 * sequential {@link Model}: after {@code awaitIndexReady}, every workspace's documents equal the
 * model's after applying each workspace's accepted tasks in acceptance order. Each workspace of a
 * scenario is submitted by one producer (see {@link Scenarios}), so its acceptance order is that
 * producer's submission order, whatever partitions and bands its tasks went to. Stateless and
 * thread-safe.
 */
public final class ScenarioCheck {
  private ScenarioCheck() {}

  /**
   * What a run accepted and the service's status at the end (before it was closed).
   *
   * @param accepted the accepted tasks with where they went, each workspace's in acceptance order
   *     (workspaces one after another)
   * @param status the queue status after every workspace was ready
   */
  public record Outcome(List<QueuedTask> accepted, QueueStatus status) {
    /** Copies the list. */
    public Outcome {
      accepted = List.copyOf(accepted);
    }

    /**
     * The accepted tasks, each workspace's in acceptance order (workspaces are independent, so
     * applying them in this order gives the final index).
     */
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
      Map<Integer, List<QueuedTask>> acceptedBy = new java.util.concurrent.ConcurrentHashMap<>();
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < scenario.producers(); p++) {
        int producer = p;
        List<IndexTask> mine = scenario.tasksOf(p);
        Thread t =
            new Thread(
                () -> {
                  List<QueuedTask> accepted = new ArrayList<>();
                  acceptedBy.put(producer, accepted);
                  try {
                    start.await();
                    for (IndexTask task : mine) {
                      Ticket ticket = service.submit(task);
                      accepted.add(
                          new QueuedTask(
                              ticket.id().partition(),
                              ticket.id().band(),
                              ticket.id().position(),
                              task));
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
      List<QueuedTask> inOrder = new ArrayList<>();
      Map<String, List<QueuedTask>> byWorkspace = new TreeMap<>();
      for (int p = 0; p < scenario.producers(); p++) {
        for (QueuedTask q : acceptedBy.getOrDefault(p, List.of())) {
          byWorkspace.computeIfAbsent(q.task().workspace(), k -> new ArrayList<>()).add(q);
        }
      }
      byWorkspace.values().forEach(inOrder::addAll);
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
   * {@link RecordingBackend#log()}): each workspace's applied tasks are accepted tasks (the same
   * task at the same place in the queue), in acceptance order, and end with the workspace's last
   * accepted task. Without coalescing, every accepted task is applied exactly once; with it, the
   * applied tasks are a subsequence (what coalescing dropped is missing) whose end state equals the
   * model's, which {@link #run} checks.
   *
   * @param outcome what the run accepted
   * @param log what the backend applied, in apply order
   * @param coalescing whether the service coalesced
   */
  public static void assertAppliedInAcceptanceOrder(
      Outcome outcome, List<QueuedTask> log, boolean coalescing) {
    Map<TaskId, IndexTask> byId = new HashMap<>();
    Map<TaskId, Integer> rank = new HashMap<>();
    Map<String, List<Integer>> acceptedByWorkspace = new TreeMap<>();
    for (QueuedTask q : outcome.accepted()) {
      byId.put(q.id(), q.task());
      List<Integer> ranks =
          acceptedByWorkspace.computeIfAbsent(q.task().workspace(), k -> new ArrayList<>());
      rank.put(q.id(), ranks.size());
      ranks.add(ranks.size());
    }
    Map<String, List<Integer>> appliedByWorkspace = new TreeMap<>();
    for (QueuedTask q : log) {
      assertThat(q.task())
          .as("the task applied at %s is the one accepted there", q.id())
          .isEqualTo(byId.get(q.id()));
      appliedByWorkspace
          .computeIfAbsent(q.task().workspace(), k -> new ArrayList<>())
          .add(rank.get(q.id()));
    }
    for (Map.Entry<String, List<Integer>> e : acceptedByWorkspace.entrySet()) {
      List<Integer> applied = appliedByWorkspace.getOrDefault(e.getKey(), List.of());
      List<Integer> accepted = e.getValue();
      assertThat(applied)
          .as("acceptance ranks applied for %s, in apply order", e.getKey())
          .isSorted()
          .doesNotHaveDuplicates();
      if (coalescing) {
        assertThat(applied)
            .as("the last accepted task of %s is applied (nothing can supersede it)", e.getKey())
            .endsWith(accepted.get(accepted.size() - 1));
      } else {
        assertThat(applied)
            .as("without coalescing every task of %s is applied, in order", e.getKey())
            .isEqualTo(accepted);
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
