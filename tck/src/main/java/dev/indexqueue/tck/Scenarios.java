package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexTaskType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators of {@link Scenario}s: few workspaces and few paths so that tasks
 * collide, all four task types, a few priorities. The generator library stays a thin layer: a
 * scenario is plain data, checked by {@link ScenarioCheck} against {@link Model}. Stateless and
 * thread-safe.
 */
public final class Scenarios {
  /** The workspaces scenarios use. */
  public static final List<String> WORKSPACES = List.of("ws-a", "ws-b", "ws-c");

  /** The paths scenarios use. */
  public static final List<String> PATHS = List.of("f0.txt", "f1.txt", "dir/f2.txt");

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Scenarios() {}

  /** The source of truth REINDEX_WORKSPACE reads in scenarios: fixed files per workspace. */
  public static MapWorkspaceSource source() {
    MapWorkspaceSource s = new MapWorkspaceSource();
    for (String ws : WORKSPACES) {
      s.put(ws, "f0.txt", "source of " + ws + " f0");
      s.put(ws, "src/Main.java", "class Main in " + ws);
    }
    return s;
  }

  /** One task of any type, over the fixed workspaces and paths. */
  public static Gen<IndexTask> tasks() {
    Gen<IndexTaskType> types =
        Generate.frequency(
            List.of(
                org.quicktheories.api.Pair.of(10, Generate.constant(IndexTaskType.INDEX_FILE)),
                org.quicktheories.api.Pair.of(4, Generate.constant(IndexTaskType.REMOVE_FILE)),
                org.quicktheories.api.Pair.of(1, Generate.constant(IndexTaskType.REMOVE_WORKSPACE)),
                org.quicktheories.api.Pair.of(
                    1, Generate.constant(IndexTaskType.REINDEX_WORKSPACE))));
    Gen<String> workspaces = Generate.pick(WORKSPACES);
    Gen<String> paths = Generate.pick(PATHS);
    Gen<Integer> contents = Generate.range(0, 9);
    Gen<Integer> priorities = Generate.pick(List.of(0, 0, 0, -1, 5));
    return types.zip(
        workspaces,
        paths,
        contents.zip(priorities, (c, p) -> new int[] {c, p}),
        (type, ws, path, cp) ->
            new IndexTask(
                type,
                ws,
                type.needsPath() ? path : null,
                type.needsContent() ? "c" + cp[0] : null,
                cp[1],
                T0));
  }

  /**
   * Scenarios of up to {@code maxSteps} tasks spread over {@code producers} producer threads; each
   * workspace is submitted by one producer (workspace i by producer i mod producers), so its
   * acceptance order is known, while different workspaces are submitted concurrently.
   *
   * @param maxSteps the most tasks in one scenario
   * @param producers the producer threads
   */
  public static Gen<Scenario> scenarios(int maxSteps, int producers) {
    Gen<Scenario.Step> steps =
        tasks().map(t -> new Scenario.Step(WORKSPACES.indexOf(t.workspace()) % producers, t));
    return org.quicktheories.generators.SourceDSL.lists()
        .of(steps)
        .ofSizeBetween(1, maxSteps)
        .map(list -> new Scenario(new ArrayList<>(list), producers));
  }
}
