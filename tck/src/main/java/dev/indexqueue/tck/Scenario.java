package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import java.util.List;

/**
 * A generated workload: tasks, each with the producer thread that submits it. Immutable and
 * thread-safe. Its {@link #toString()} prints one readable line per step, for failure reports.
 *
 * @param steps the tasks, in each producer's submission order
 * @param producers how many producer threads submit them
 */
public record Scenario(List<Step> steps, int producers) {

  /** Copies the steps. */
  public Scenario {
    steps = List.copyOf(steps);
    if (producers < 1) {
      throw new IllegalArgumentException("producers: must be at least 1, was: " + producers);
    }
  }

  /**
   * One task and the producer that submits it.
   *
   * @param producer the producer index, from 0
   * @param task the task
   */
  public record Step(int producer, IndexTask task) {
    @Override
    public String toString() {
      IndexTask t = task;
      return "p"
          + producer
          + " "
          + t.type()
          + " "
          + t.workspace()
          + (t.path() == null ? "" : "/" + t.path())
          + (t.content() == null ? "" : " \"" + t.content() + "\"")
          + (t.priority() == 0 ? "" : " priority=" + t.priority());
    }
  }

  /** The steps of one producer, in order. */
  public List<IndexTask> tasksOf(int producer) {
    return steps.stream().filter(s -> s.producer() == producer).map(Step::task).toList();
  }

  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder("Scenario(" + producers + " producers, " + steps.size() + " steps):");
    for (Step s : steps) {
      b.append("\n  ").append(s);
    }
    return b.toString();
  }
}
