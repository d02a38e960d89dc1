package dev.indexqueue.tck;

import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.QueuedTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps any {@link IndexBackend} and checks, on every call the core makes, the guarantees the core
 * gives backends (docs/DESIGN.md §3.2–3.3): no two applies overlap in one lane, no workspace is
 * applied by two lanes at once, each workspace's tasks arrive in acceptance order ({@link
 * OrderCheck}), and {@code commit} never runs concurrently with itself, nor {@code makeVisible}
 * with itself. Thread-safe; it delegates every call and records what was applied successfully, so
 * the same checks run against the recording backend and a real one (Lucene) alike. Call {@link
 * #assertNoViolations()} at the end.
 */
public final class CheckingBackend extends ForwardingIndexBackend {
  private final List<QueuedTask> log = Collections.synchronizedList(new ArrayList<>());
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final ExclusionCheck exclusion = new ExclusionCheck(violations);
  private final OrderCheck order = new OrderCheck(violations);
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger refreshes = new AtomicInteger();

  private CheckingBackend(IndexBackend delegate) {
    super(delegate);
  }

  /**
   * Wraps {@code backend}.
   *
   * @param backend the backend to check; it is closed when this one is
   */
  public static CheckingBackend wrap(IndexBackend backend) {
    return new CheckingBackend(backend);
  }

  /** The wrapped backend. */
  public IndexBackend delegate() {
    return delegate;
  }

  @Override
  public void apply(Batch batch) {
    ExclusionCheck.Held held = exclusion.enter(batch);
    try {
      boolean done = false;
      try {
        delegate.apply(batch);
        done = true;
      } finally {
        if (done) {
          for (QueuedTask q : batch.tasks()) {
            order.applied(q);
            log.add(q);
          }
        } else {
          // a failed batch is retried task by task: order restarts for its workspaces
          order.failed(batch);
        }
      }
    } finally {
      exclusion.exit(held);
    }
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    if (commits.incrementAndGet() != 1) {
      violations.add("two commits at once");
    }
    try {
      delegate.commit(checkpoint);
    } finally {
      commits.decrementAndGet();
    }
  }

  @Override
  public Checkpoint startReplay() {
    order.replay();
    return delegate.startReplay();
  }

  @Override
  public void makeVisible() {
    if (refreshes.incrementAndGet() != 1) {
      violations.add("two makeVisible calls at once");
    }
    try {
      delegate.makeVisible();
    } finally {
      refreshes.decrementAndGet();
    }
  }

  /** Every task applied successfully, in apply order (a retried or replayed task appears again). */
  public List<QueuedTask> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** The violations seen so far. */
  public List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  /** Throws an {@link AssertionError} listing the violations, if any. */
  public void assertNoViolations() {
    List<String> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(
          v.size()
              + " violation(s) of the core's guarantees: "
              + v.subList(0, Math.min(20, v.size())));
    }
  }

  @Override
  public String toString() {
    return "CheckingBackend[" + delegate + "]";
  }
}
