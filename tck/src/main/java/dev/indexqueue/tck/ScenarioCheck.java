package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.Ticket;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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

  /** What a run accepted, in sequence order, and the service's counters at the end. */
  public record Outcome(List<IndexTask> acceptedInOrder, long coalesced) {}

  /**
   * Runs {@code scenario}: one thread per producer submits its tasks in order, concurrently.
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
      record Accepted(long sequence, IndexTask task) {}
      List<Accepted> accepted = Collections.synchronizedList(new ArrayList<>());
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
                      accepted.add(new Accepted(ticket.sequence(), task));
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
      List<Accepted> inOrder = new ArrayList<>(accepted);
      inOrder.sort(Comparator.comparingLong(Accepted::sequence));
      List<IndexTask> tasks = inOrder.stream().map(Accepted::task).toList();
      assertMatchesModel(backend, model, tasks);
      return new Outcome(tasks, service.queueStatus().coalesced());
    } finally {
      service.close();
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
