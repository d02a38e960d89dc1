package dev.indexqueue.tck;

import dev.indexqueue.TaskId;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.QueuedTask;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks, from what a backend is asked to apply, that each workspace's tasks arrive in acceptance
 * order: within a band by increasing position, and across bands never a task after a later task
 * that names it as its predecessor. Shared by {@link RecordingBackend} and {@link CheckingBackend}.
 * Thread-safe.
 */
final class OrderCheck {
  private final List<String> violations;
  private final ConcurrentHashMap<String, Long> lastApplied = new ConcurrentHashMap<>();
  private final Set<TaskId> predecessorsOfApplied = ConcurrentHashMap.newKeySet();

  OrderCheck(List<String> violations) {
    this.violations = violations;
  }

  private static String key(QueuedTask q) {
    return q.task().workspace() + "#" + q.band();
  }

  /** A task was applied. */
  void applied(QueuedTask q) {
    String ws = q.task().workspace();
    Long last = lastApplied.put(key(q), q.position());
    if (last != null && q.position() <= last) {
      violations.add(
          "workspace " + ws + ": task " + q.id() + " applied after task at position " + last);
    }
    if (predecessorsOfApplied.contains(q.id())) {
      violations.add(
          "workspace "
              + ws
              + ": task "
              + q.id()
              + " applied after a later task of its workspace that names it as predecessor");
    }
    if (q.predecessor() != null) {
      predecessorsOfApplied.add(
          new TaskId(q.partition(), q.predecessor().band(), q.predecessor().position()));
    }
  }

  /** A batch failed and may be retried task by task: its workspaces' order restarts. */
  void failed(Batch batch) {
    for (QueuedTask q : batch.tasks()) {
      lastApplied.remove(key(q));
    }
  }

  /** The core replays from the last commit: earlier tasks come again. */
  void replay() {
    lastApplied.clear();
    predecessorsOfApplied.clear();
  }
}
