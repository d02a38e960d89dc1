package dev.indexqueue.tck;

import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.QueuedTask;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks the core's mutual exclusion around each apply: one batch at a time per lane, and a
 * workspace in one lane at a time. Thread-safe. Shared by {@link RecordingBackend} and {@link
 * CheckingBackend}.
 */
final class ExclusionCheck {
  private final ConcurrentHashMap<Integer, AtomicInteger> activeLanes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> activeWorkspaces = new ConcurrentHashMap<>();
  private final List<String> violations;

  /** What {@link #enter} took, to hand back to {@link #exit}. */
  record Held(AtomicInteger lane, Set<String> workspaces) {}

  ExclusionCheck(List<String> violations) {
    this.violations = violations;
  }

  /** Marks the batch's lane and workspaces busy, recording a violation for each overlap. */
  Held enter(Batch batch) {
    int lane = batch.lane();
    AtomicInteger inLane = activeLanes.computeIfAbsent(lane, k -> new AtomicInteger());
    if (inLane.incrementAndGet() != 1) {
      violations.add("two applies overlap in lane " + lane);
    }
    Set<String> mine = new HashSet<>();
    for (QueuedTask q : batch.tasks()) {
      String ws = q.task().workspace();
      if (mine.add(ws)) {
        Integer other = activeWorkspaces.putIfAbsent(ws, lane);
        if (other != null) {
          violations.add(
              "workspace " + ws + " applied by lanes " + other + " and " + lane + " at once");
          mine.remove(ws);
        }
      }
    }
    return new Held(inLane, mine);
  }

  /** Releases what {@link #enter} took. */
  void exit(Held held) {
    for (String ws : held.workspaces()) {
      activeWorkspaces.remove(ws);
    }
    held.lane().decrementAndGet();
  }
}
