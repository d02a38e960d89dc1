package dev.indexqueue.internal;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.TaskFailedException;
import dev.indexqueue.TaskId;
import dev.indexqueue.TaskStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-workspace, per-band watermarks of each {@link TaskStage}, and the waiters on them.
 * Thread-safe.
 *
 * <p>Tasks of a workspace reach each stage in acceptance order, and within a band their positions
 * increase in that order, so one number per (workspace, band, stage) — the highest position that
 * reached the stage — answers "has task x reached stage s". When a task reaches a stage, every
 * earlier task of its workspace did too, in both bands: the caller advances both bands' marks to
 * what the task covers (see {@link Entry#covers}).
 *
 * <p>Waiters are kept in a heap by position under the workspace's monitor; {@link #advance} and
 * {@link #register} take the same monitor, so a waiter either sees the mark already past it or is
 * woken by the advance: no lost wake-up. Dead-lettered tasks are remembered (bounded) so their
 * waiters complete exceptionally. The futures returned here complete on the thread that advances
 * the mark; the service wraps them so users' callbacks run on its callback executor.
 */
final class Progress {
  private static final int MAX_REMEMBERED_FAILURES = 100_000;
  private static final int STAGES = TaskStage.values().length;

  private final ConcurrentHashMap<String, WorkspaceMarks> workspaces = new ConcurrentHashMap<>();

  /** Guarded by itself. */
  private final Map<TaskId, TaskFailedException> failures =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<TaskId, TaskFailedException> eldest) {
          return size() > MAX_REMEMBERED_FAILURES;
        }
      };

  private final AtomicInteger[] waiting = counters();

  /** Waiters counted by {@link #addUntiedWaiter} (not tied to one task), per stage. */
  private final AtomicInteger[] untied = counters();

  /** Workspaces with at least one waiter, per stage (for the maintainer's due checks). */
  private final List<Set<String>> waitedWorkspaces = new ArrayList<>();

  private volatile RuntimeException terminal;

  Progress() {
    for (int s = 0; s < STAGES; s++) {
      waitedWorkspaces.add(ConcurrentHashMap.newKeySet());
    }
  }

  private static AtomicInteger[] counters() {
    AtomicInteger[] a = new AtomicInteger[STAGES];
    for (int i = 0; i < STAGES; i++) {
      a[i] = new AtomicInteger();
    }
    return a;
  }

  /** A waiter for one task at one stage. */
  private record Waiter(TaskId id, CompletableFuture<Void> future) implements Comparable<Waiter> {
    @Override
    public int compareTo(Waiter o) {
      return Long.compare(id.position(), o.id.position());
    }
  }

  /** Marks and waiters of one workspace: [band][stage]. Guarded by its own monitor. */
  private static final class WorkspaceMarks {
    /** The workspace's partition, known from its first waiter; -1 before. */
    int partition = -1;

    final long[][] marks = {{-1, -1, -1}, {-1, -1, -1}};

    @SuppressWarnings("unchecked")
    final PriorityQueue<Waiter>[][] waiters = new PriorityQueue[2][STAGES];

    PriorityQueue<Waiter> waiters(int band, int stage) {
      PriorityQueue<Waiter> q = waiters[band][stage];
      if (q == null) {
        q = new PriorityQueue<>(2);
        waiters[band][stage] = q;
      }
      return q;
    }
  }

  private WorkspaceMarks marks(String workspace) {
    WorkspaceMarks m = workspaces.get(workspace);
    return m != null ? m : workspaces.computeIfAbsent(workspace, k -> new WorkspaceMarks());
  }

  /**
   * The highest position of {@code workspace} in {@code band} that reached {@code stage}, or -1.
   */
  long mark(TaskStage stage, String workspace, int band) {
    WorkspaceMarks m = workspaces.get(workspace);
    if (m == null) {
      return -1;
    }
    synchronized (m) {
      return m.marks[band][stage.ordinal()];
    }
  }

  /** How many waiters wait for {@code stage} now. */
  int waiting(TaskStage stage) {
    return waiting[stage.ordinal()].get();
  }

  /** Counts a waiter that is not tied to one task (waiting for the replay to be visible). */
  void addUntiedWaiter(TaskStage stage, int delta) {
    untied[stage.ordinal()].addAndGet(delta);
    waiting[stage.ordinal()].addAndGet(delta);
  }

  /** How many waiters not tied to one task wait for {@code stage}. */
  int untied(TaskStage stage) {
    return untied[stage.ordinal()].get();
  }

  /** The workspaces that have at least one waiter for {@code stage} (a live view). */
  Set<String> waitedWorkspaces(TaskStage stage) {
    return waitedWorkspaces.get(stage.ordinal());
  }

  /**
   * The lowest position of {@code workspace} in {@code band} that someone waits to reach {@code
   * stage}, or {@link Long#MAX_VALUE} when nobody waits.
   */
  long lowestWaiting(TaskStage stage, String workspace, int band) {
    WorkspaceMarks m = workspaces.get(workspace);
    if (m == null) {
      return Long.MAX_VALUE;
    }
    synchronized (m) {
      PriorityQueue<Waiter> q = m.waiters[band][stage.ordinal()];
      Waiter w = q == null ? null : q.peek();
      return w == null ? Long.MAX_VALUE : w.id().position();
    }
  }

  /** What {@link #forEachWaited} shows of one waited (workspace, band). */
  interface WaitVisitor {
    /**
     * One (workspace, band) with waiters.
     *
     * @return false to stop visiting
     */
    boolean visit(String workspace, int partition, int band, long lowest, long highest);
  }

  /**
   * Visits every (workspace, band) that has waiters for {@code stage}, with the lowest and highest
   * positions waited for. The view is weakly consistent: waiters added or woken meanwhile may be
   * missed or seen.
   */
  void forEachWaited(TaskStage stage, WaitVisitor visitor) {
    int s = stage.ordinal();
    for (String ws : waitedWorkspaces.get(s)) {
      WorkspaceMarks m = workspaces.get(ws);
      if (m == null) {
        continue;
      }
      long[] low = {Long.MAX_VALUE, Long.MAX_VALUE};
      long[] high = {-1, -1};
      int partition;
      synchronized (m) {
        partition = m.partition;
        for (int band = 0; band < 2; band++) {
          PriorityQueue<Waiter> q = m.waiters[band][s];
          if (q != null) {
            for (Waiter w : q) {
              low[band] = Math.min(low[band], w.id().position());
              high[band] = Math.max(high[band], w.id().position());
            }
          }
        }
      }
      for (int band = 0; band < 2; band++) {
        if (high[band] >= 0 && !visitor.visit(ws, partition, band, low[band], high[band])) {
          return;
        }
      }
    }
  }

  /** Records that a task failed for good; call before advancing past it. */
  void recordFailure(TaskId id, DeadLetter deadLetter, Throwable cause) {
    TaskFailedException e = new TaskFailedException(deadLetter, cause);
    synchronized (failures) {
      failures.put(id, e);
    }
  }

  private TaskFailedException failureOf(TaskId id) {
    synchronized (failures) {
      return failures.isEmpty() ? null : failures.get(id);
    }
  }

  /**
   * Returns a future completing when task {@code id} of {@code workspace} reaches {@code stage}.
   */
  CompletableFuture<Void> register(TaskStage stage, String workspace, TaskId id) {
    WorkspaceMarks m = marks(workspace);
    int s = stage.ordinal();
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (m) {
      if (m.marks[id.band()][s] >= id.position()) {
        complete(f, id);
        return f;
      }
      RuntimeException t = terminal;
      if (t != null) {
        f.completeExceptionally(t);
        return f;
      }
      m.partition = id.partition();
      m.waiters(id.band(), s).add(new Waiter(id, f));
      waiting[s].incrementAndGet();
      waitedWorkspaces.get(s).add(workspace);
    }
    return f;
  }

  /**
   * Raises the marks of {@code workspace} at {@code stage} to {@code covers} (one position per
   * band, -1 for none) and wakes the waiters reached.
   */
  void advance(TaskStage stage, String workspace, long[] covers) {
    WorkspaceMarks m = marks(workspace);
    int s = stage.ordinal();
    List<Waiter> ready = null;
    synchronized (m) {
      boolean anyLeft = false;
      for (int band = 0; band < 2; band++) {
        long position = covers[band];
        if (position > m.marks[band][s]) {
          m.marks[band][s] = position;
          PriorityQueue<Waiter> q = m.waiters[band][s];
          while (q != null && !q.isEmpty() && q.peek().id().position() <= position) {
            if (ready == null) {
              ready = new ArrayList<>();
            }
            ready.add(q.poll());
            waiting[s].decrementAndGet();
          }
        }
        PriorityQueue<Waiter> q = m.waiters[band][s];
        anyLeft |= q != null && !q.isEmpty();
      }
      if (!anyLeft) {
        waitedWorkspaces.get(s).remove(workspace);
      }
    }
    if (ready != null) {
      for (Waiter w : ready) {
        complete(w.future(), w.id());
      }
    }
  }

  /**
   * Lowers every workspace's marks at {@code stage} to its marks at {@code floor} where they are
   * higher: the backend lost what reached {@code stage} beyond what reached {@code floor} (its
   * uncommitted work), so new waiters wait until it is reached again. Waiters already completed
   * stay completed: their stage was reached when they were told.
   */
  void lowerTo(TaskStage stage, TaskStage floor) {
    int s = stage.ordinal();
    int f = floor.ordinal();
    for (WorkspaceMarks m : workspaces.values()) {
      synchronized (m) {
        for (long[] band : m.marks) {
          band[s] = Math.min(band[s], band[f]);
        }
      }
    }
  }

  /** {@link #advance} for every workspace of {@code marks}. */
  void advanceAll(TaskStage stage, Map<String, long[]> marks) {
    for (Map.Entry<String, long[]> e : marks.entrySet()) {
      advance(stage, e.getKey(), e.getValue());
    }
  }

  private void complete(CompletableFuture<Void> f, TaskId id) {
    TaskFailedException failed = failureOf(id);
    if (failed != null) {
      f.completeExceptionally(failed);
    } else {
      f.complete(null);
    }
  }

  /** Fails every current and future waiter that has not been reached with {@code cause}. */
  void terminate(RuntimeException cause) {
    terminal = cause;
    for (Map.Entry<String, WorkspaceMarks> e : workspaces.entrySet()) {
      WorkspaceMarks m = e.getValue();
      List<Waiter> dropped = new ArrayList<>();
      synchronized (m) {
        for (int band = 0; band < 2; band++) {
          for (int s = 0; s < STAGES; s++) {
            PriorityQueue<Waiter> q = m.waiters[band][s];
            if (q != null) {
              waiting[s].addAndGet(-q.size());
              dropped.addAll(q);
              q.clear();
            }
          }
        }
        for (int s = 0; s < STAGES; s++) {
          waitedWorkspaces.get(s).remove(e.getKey());
        }
      }
      for (Waiter w : dropped) {
        w.future().completeExceptionally(cause);
      }
    }
  }
}
