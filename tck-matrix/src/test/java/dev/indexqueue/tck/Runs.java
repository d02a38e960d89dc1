package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The generator of the model matrix: operation lists made of phases. A phase is a list of tasks
 * that producer threads submit concurrently (each workspace by one producer, so its acceptance
 * order is known), followed by a restart of the service on the same queue and index: a crash
 * (uncommitted work lost) or a stop (shutdown without drain). Few workspaces and paths so tasks
 * collide; urgent, normal and low priorities mixed within workspaces when asked, so that
 * predecessor chains cross the two bands of a partition. Within a phase, the backend may lose its
 * uncommitted work at one apply (the lanes then rewind and replay in the same service). Plain data,
 * printed one step per line; {@link ModelMatrixTest} runs and checks them. Stateless and
 * thread-safe.
 */
final class Runs {
  /** The workspaces: spread over 1, 3, 4 and 5 partitions so that some share one and some not. */
  static final List<String> WORKSPACES = List.of("ws-a", "ws-b", "ws-c", "ws-d");

  static final List<String> PATHS = List.of("f0.txt", "f1.txt", "dir/f2.txt");

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Runs() {}

  /** Which priorities the tasks get. */
  enum Priorities {
    /** Every task priority 0: one band used, the whole lane FIFO by partition. */
    FLAT(List.of(0)),
    /** Normal, urgent (below 0, the urgent band) and low priorities, mixed in every workspace. */
    MIXED(List.of(0, 0, 0, -1, -3, 5));

    final List<Integer> values;

    Priorities(List<Integer> values) {
      this.values = values;
    }

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How a phase ends when another follows. */
  enum Restart {
    /** The process dies: the backend loses what it did not commit, the queue keeps every task. */
    CRASH,
    /** {@code shutdown(0)}: lanes stop after their batch, what was applied is committed. */
    STOP
  }

  /**
   * One phase.
   *
   * @param steps the tasks and their producers
   * @param restart how the phase ends, {@code null} for the last phase (it drains)
   * @param waitFor before the restart, wait until the task at this index is applied (none when out
   *     of range), so restarts land at varied points
   * @param loseStateAt the backend loses its uncommitted work at this apply of the phase (counting
   *     from 1; 0 for never), so the lanes rewind to the last commit without a restart
   */
  record Phase(List<Scenario.Step> steps, Restart restart, int waitFor, int loseStateAt) {
    Phase {
      steps = List.copyOf(steps);
    }
  }

  /**
   * A generated run.
   *
   * @param phases the phases, at least one
   * @param producers the producer threads of each phase
   * @param batchSize the service's batch size
   * @param readAhead the service's read-ahead window per lane
   */
  record Run(List<Phase> phases, int producers, int batchSize, int readAhead) {
    Run {
      phases = List.copyOf(phases);
    }

    int tasks() {
      return phases.stream().mapToInt(p -> p.steps().size()).sum();
    }

    @Override
    public String toString() {
      StringBuilder b =
          new StringBuilder(
              "Run("
                  + producers
                  + " producers, batchSize "
                  + batchSize
                  + ", readAhead "
                  + readAhead
                  + ", "
                  + tasks()
                  + " tasks):");
      for (int i = 0; i < phases.size(); i++) {
        Phase p = phases.get(i);
        b.append("\n phase ").append(i).append(':');
        if (p.loseStateAt() > 0) {
          b.append(" (the backend loses its uncommitted work at apply ")
              .append(p.loseStateAt())
              .append(')');
        }
        for (Scenario.Step s : p.steps()) {
          b.append("\n  ").append(s);
        }
        if (p.restart() != null) {
          b.append("\n  -> ").append(p.restart());
          if (p.waitFor() < p.steps().size()) {
            b.append(" once step ").append(p.waitFor()).append(" is applied");
          }
        }
      }
      return b.toString();
    }
  }

  /** The source of truth REINDEX_WORKSPACE reads: fixed files per workspace. */
  static MapWorkspaceSource source() {
    MapWorkspaceSource s = new MapWorkspaceSource();
    for (String ws : WORKSPACES) {
      s.put(ws, "f0.txt", "source of " + ws + " f0");
      s.put(ws, "src/Main.java", "class Main in " + ws);
    }
    return s;
  }

  /** One task of any type over the fixed workspaces and paths, with the given priorities. */
  static Gen<IndexTask> tasks(Priorities priorities) {
    Gen<IndexTaskType> types =
        Generate.frequency(
            List.of(
                Pair.of(10, Generate.constant(IndexTaskType.INDEX_FILE)),
                Pair.of(4, Generate.constant(IndexTaskType.REMOVE_FILE)),
                Pair.of(1, Generate.constant(IndexTaskType.REMOVE_WORKSPACE)),
                Pair.of(1, Generate.constant(IndexTaskType.REINDEX_WORKSPACE))));
    Gen<Integer> contentAndPriority =
        Generate.range(0, 9)
            .zip(
                Generate.pick(priorities.values),
                (c, p) -> c * 100 + (p + 50)); // packed: priorities lie in [-50, 49]
    return types.zip(
        Generate.pick(WORKSPACES),
        Generate.pick(PATHS),
        contentAndPriority,
        (type, ws, path, cp) ->
            new IndexTask(
                type,
                ws,
                type.needsPath() ? path : null,
                type.needsContent() ? "c" + cp / 100 : null,
                cp % 100 - 50,
                T0));
  }

  /**
   * Runs of 1 to {@code maxPhases} phases of up to {@code maxSteps} tasks each.
   *
   * @param maxSteps the most tasks in one phase
   * @param maxPhases the most phases (restarts + 1)
   * @param producers the producer threads
   * @param priorities the priorities tasks get
   */
  static Gen<Run> runs(int maxSteps, int maxPhases, int producers, Priorities priorities) {
    Gen<Scenario.Step> steps =
        tasks(priorities)
            .map(t -> new Scenario.Step(WORKSPACES.indexOf(t.workspace()) % producers, t));
    Gen<Phase> phases =
        SourceDSL.lists()
            .of(steps)
            .ofSizeBetween(0, maxSteps)
            .zip(
                Generate.enumValues(Restart.class),
                Generate.range(0, maxSteps),
                Generate.frequency(
                    List.of(Pair.of(3, Generate.constant(0)), Pair.of(1, Generate.range(1, 6)))),
                (list, restart, waitFor, loseAt) -> new Phase(list, restart, waitFor, loseAt));
    Gen<List<Phase>> phaseLists =
        SourceDSL.lists()
            .of(phases)
            .ofSizeBetween(1, maxPhases)
            .map(
                list -> {
                  List<Phase> out = new ArrayList<>(list);
                  Phase last = out.get(out.size() - 1);
                  out.set(
                      out.size() - 1,
                      new Phase(last.steps(), null, Integer.MAX_VALUE, last.loseStateAt()));
                  return out;
                });
    return phaseLists.zip(
        Generate.pick(List.of(1, 4)),
        Generate.pick(List.of(3, 16, 4096)),
        (list, batchSize, readAhead) -> new Run(list, producers, batchSize, readAhead));
  }
}
