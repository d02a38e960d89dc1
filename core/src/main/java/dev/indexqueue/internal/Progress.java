package dev.indexqueue.internal;

import dev.indexqueue.DeadLetter;
import dev.indexqueue.TaskFailedException;
import dev.indexqueue.TaskStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-workspace watermarks of each {@link TaskStage}, and the waiters on them. Thread-safe.
 *
 * <p>Tasks of a workspace reach each stage in sequence order, so one number per workspace and stage
 * (the highest sequence that reached it) answers "has task s reached stage x". Waiters are kept in
 * a heap by sequence under the workspace's monitor; {@link #advance} and {@link #register} take the
 * same monitor, so a waiter either sees the mark already past it or is woken by the advance: no
 * lost wake-up. Dead-lettered sequences are remembered (bounded) so their waiters complete
 * exceptionally.
 */
final class Progress {
  private static final int MAX_REMEMBERED_FAILURES = 100_000;

  private final ConcurrentHashMap<String, WorkspaceMarks> workspaces = new ConcurrentHashMap<>();
  private final Map<Long, TaskFailedException> failures =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, TaskFailedException> eldest) {
          return size() > MAX_REMEMBERED_FAILURES;
        }
      };
  private final AtomicInteger[] waiting = {
    new AtomicInteger(), new AtomicInteger(), new AtomicInteger()
  };

  /** Waiters counted by {@link #addWaiter} (not tied to one sequence), per stage. */
  private final AtomicInteger[] untied = {
    new AtomicInteger(), new AtomicInteger(), new AtomicInteger()
  };

  private volatile RuntimeException terminal;

  /** A waiter for one sequence of one workspace at one stage. */
  private record Waiter(long sequence, CompletableFuture<Void> future)
      implements Comparable<Waiter> {
    @Override
    public int compareTo(Waiter o) {
      return Long.compare(sequence, o.sequence);
    }
  }

  private static final class WorkspaceMarks {
    final long[] marks = {-1, -1, -1};
    final List<PriorityQueue<Waiter>> waiters =
        new ArrayList<>(
            List.of(new PriorityQueue<>(1), new PriorityQueue<>(1), new PriorityQueue<>(1)));
  }

  private WorkspaceMarks marks(String workspace) {
    return workspaces.computeIfAbsent(workspace, k -> new WorkspaceMarks());
  }

  /** The highest sequence of {@code workspace} that reached {@code stage}, or -1. */
  long mark(TaskStage stage, String workspace) {
    WorkspaceMarks m = workspaces.get(workspace);
    if (m == null) {
      return -1;
    }
    synchronized (m) {
      return m.marks[stage.ordinal()];
    }
  }

  /** How many waiters wait for {@code stage} now. */
  int waiting(TaskStage stage) {
    return waiting[stage.ordinal()].get();
  }

  /** Counts a waiter that is not tied to one sequence (waiting for the replay to be visible). */
  void addWaiter(TaskStage stage, int delta) {
    untied[stage.ordinal()].addAndGet(delta);
    waiting[stage.ordinal()].addAndGet(delta);
  }

  /** How many waiters not tied to one sequence ({@link #addWaiter}) wait for {@code stage}. */
  int untied(TaskStage stage) {
    return untied[stage.ordinal()].get();
  }

  /**
   * The lowest sequence of {@code workspace} that someone waits to reach {@code stage}, or {@link
   * Long#MAX_VALUE} when nobody waits.
   */
  long lowestWaiting(TaskStage stage, String workspace) {
    WorkspaceMarks m = workspaces.get(workspace);
    if (m == null) {
      return Long.MAX_VALUE;
    }
    synchronized (m) {
      Waiter w = m.waiters.get(stage.ordinal()).peek();
      return w == null ? Long.MAX_VALUE : w.sequence();
    }
  }

  /** Records that the task at {@code sequence} failed for good; call before advancing past it. */
  void recordFailure(long sequence, DeadLetter deadLetter, Throwable cause) {
    TaskFailedException e = new TaskFailedException(deadLetter, cause);
    synchronized (failures) {
      failures.put(sequence, e);
    }
  }

  private TaskFailedException failureOf(long sequence) {
    synchronized (failures) {
      return failures.isEmpty() ? null : failures.get(sequence);
    }
  }

  /**
   * Returns a future completing when {@code sequence} of {@code workspace} reaches {@code stage}.
   */
  CompletableFuture<Void> register(TaskStage stage, String workspace, long sequence) {
    WorkspaceMarks m = marks(workspace);
    int s = stage.ordinal();
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (m) {
      if (m.marks[s] >= sequence) {
        complete(f, sequence);
        return f;
      }
      RuntimeException t = terminal;
      if (t != null) {
        f.completeExceptionally(t);
        return f;
      }
      m.waiters.get(s).add(new Waiter(sequence, f));
      waiting[s].incrementAndGet();
    }
    return f;
  }

  /**
   * Raises the mark of {@code workspace} at {@code stage} to {@code sequence} and wakes waiters.
   */
  void advance(TaskStage stage, String workspace, long sequence) {
    WorkspaceMarks m = marks(workspace);
    int s = stage.ordinal();
    List<Waiter> ready = null;
    synchronized (m) {
      if (sequence <= m.marks[s]) {
        return;
      }
      m.marks[s] = sequence;
      PriorityQueue<Waiter> q = m.waiters.get(s);
      while (!q.isEmpty() && q.peek().sequence() <= sequence) {
        if (ready == null) {
          ready = new ArrayList<>();
        }
        ready.add(q.poll());
        waiting[s].decrementAndGet();
      }
    }
    if (ready != null) {
      for (Waiter w : ready) {
        complete(w.future(), w.sequence());
      }
    }
  }

  /** {@link #advance} for every workspace of {@code marks}. */
  void advanceAll(TaskStage stage, Map<String, Long> marks) {
    for (Map.Entry<String, Long> e : marks.entrySet()) {
      advance(stage, e.getKey(), e.getValue());
    }
  }

  private void complete(CompletableFuture<Void> f, long sequence) {
    TaskFailedException failed = failureOf(sequence);
    if (failed != null) {
      f.completeExceptionally(failed);
    } else {
      f.complete(null);
    }
  }

  /** Fails every current and future waiter that has not been reached with {@code cause}. */
  void terminate(RuntimeException cause) {
    terminal = cause;
    for (WorkspaceMarks m : workspaces.values()) {
      List<Waiter> dropped = new ArrayList<>();
      synchronized (m) {
        for (int s = 0; s < 3; s++) {
          PriorityQueue<Waiter> q = m.waiters.get(s);
          waiting[s].addAndGet(-q.size());
          dropped.addAll(q);
          q.clear();
        }
      }
      for (Waiter w : dropped) {
        w.future().completeExceptionally(cause);
      }
    }
  }
}
