package dev.indexqueue.internal;

import dev.indexqueue.IndexClock;
import dev.indexqueue.TaskStage;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes waits for tasks that another process applies (docs/DESIGN.md §12.1): on a producer
 * node, or on any node of a shared queue for the partitions it does not own. Such a task reaches
 * DURABLE when the backend's committed checkpoint of its (partition, band) log passes its position,
 * and VISIBLE when the backend's visible checkpoint does; APPLIED when either does. The watcher
 * then raises the waiting workspaces' marks in {@link Progress} to the checkpoint, which wakes the
 * waiters by position (a checkpoint at c means every task of that log below c reached the stage, so
 * the mark c - 1 is true of every workspace of the partition).
 *
 * <p>One thread. It sleeps on a condition while nobody waits for such a task (no polling), looks at
 * the waiters when one is added or partitions move (using the checkpoints it last read), and reads
 * each of the backend's two checkpoints no more often than once per refresh interval, and only
 * while a waiter that needs it is left (the first wait after a quiet spell reads at once). So a
 * wait for a task applied elsewhere completes within one refresh interval of the checkpoint passing
 * it in the backend.
 *
 * <p>A task is "applied elsewhere" when this process does not own its partition, or owns it but
 * started reading it above the task (the previous owner applied it): {@code owned} maps each owned
 * partition to the positions this process started reading its logs at. Thread-safe: {@link
 * #changed} and {@link #stop} may be called from any thread.
 */
final class CheckpointWatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointWatcher.class);

  /** The shortest gap between two looks at the waiters triggered by new waiters. */
  private static final long MIN_SCAN_GAP_NANOS = 5_000_000L;

  private final String name;
  private final IndexBackend backend;
  private final Progress progress;
  private final IndexClock clock;
  private final long intervalNanos;
  private final Map<Integer, long[]> owned;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();

  // ---- guarded by lock
  private long signals;
  private boolean stopped;

  // ---- the watcher thread's own
  private Checkpoint committed = Checkpoint.none();
  private Checkpoint visible = Checkpoint.none();

  /** When each checkpoint was last read (committed, visible); MIN_VALUE: never. */
  private final long[] lastReadNanos = {Long.MIN_VALUE, Long.MIN_VALUE};

  private long lastScanNanos;
  private String lastFailure;

  /**
   * @param owned the partitions this process owns, each with the positions (one per band) it
   *     started reading them at; read concurrently, maintained by the service
   */
  CheckpointWatcher(
      String name,
      IndexBackend backend,
      Progress progress,
      IndexClock clock,
      long intervalNanos,
      Map<Integer, long[]> owned) {
    this.name = name;
    this.backend = backend;
    this.progress = progress;
    this.clock = clock;
    this.intervalNanos = Math.max(1_000_000L, intervalNanos);
    this.owned = owned;
  }

  /** Creates the map of owned partitions a service maintains for the watcher. */
  static Map<Integer, long[]> newOwnedMap() {
    return new ConcurrentHashMap<>();
  }

  /** A waiter was added, or ownership changed: look again (reading the backend only when due). */
  void changed() {
    lock.lock();
    try {
      signals++;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void run() {
    long seen = 0;
    long nextRead = Long.MAX_VALUE; // when a read is due for the waiters left, if any
    try {
      while (true) {
        lock.lock();
        try {
          while (true) {
            if (stopped) {
              return;
            }
            long now = clock.nanoTime();
            long wait = Long.MAX_VALUE;
            if (signals != seen) {
              long gap = lastScanNanos + MIN_SCAN_GAP_NANOS - now;
              if (gap <= 0) {
                break;
              }
              wait = gap;
            }
            if (nextRead != Long.MAX_VALUE) {
              long due = nextRead - now;
              if (due <= 0) {
                break;
              }
              wait = Math.min(wait, due);
            }
            if (wait == Long.MAX_VALUE) {
              wake.await();
            } else {
              clock.awaitNanos(wake, wait);
            }
          }
          seen = signals;
        } finally {
          lock.unlock();
        }
        nextRead = round();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("{}: the checkpoint watcher stopped: {}", name, e.toString(), e);
    }
  }

  /** A waited (workspace, band) whose task another process applies. */
  private record Remote(TaskStage stage, String workspace, int partition, int band, long lowest) {}

  /**
   * Looks at the waiters: reads each checkpoint that some waiter for a task applied elsewhere needs
   * when its last read is at least one interval old, and raises the marks the checkpoints pass.
   *
   * @return when the next read is due for the waiters left, or {@link Long#MAX_VALUE} when none is
   *     left
   */
  private long round() {
    long now = clock.nanoTime();
    lastScanNanos = now;
    List<Remote> remote = remoteWaiters();
    if (remote.isEmpty()) {
      return Long.MAX_VALUE;
    }
    boolean needCommitted = false;
    boolean needVisible = false;
    for (Remote r : remote) {
      needCommitted |= r.stage() != TaskStage.VISIBLE;
      needVisible |= r.stage() != TaskStage.DURABLE;
    }
    read(needCommitted && due(0, now), needVisible && due(1, now), now);
    boolean leftCommitted = false;
    boolean leftVisible = false;
    for (Remote r : remote) {
      long at = position(r.stage(), r.partition(), r.band());
      if (at > r.lowest()) {
        long[] covers = {-1, -1};
        covers[r.band()] = at - 1;
        progress.advance(r.stage(), r.workspace(), covers);
      }
      // the waiters the checkpoint passed were woken; any left wait for a later position
      if (progress.lowestWaiting(r.stage(), r.workspace(), r.band()) != Long.MAX_VALUE) {
        leftCommitted |= r.stage() != TaskStage.VISIBLE;
        leftVisible |= r.stage() != TaskStage.DURABLE;
      }
    }
    long next = Long.MAX_VALUE;
    if (leftCommitted) {
      next = lastReadNanos[0] + intervalNanos;
    }
    if (leftVisible) {
      next = Math.min(next, lastReadNanos[1] + intervalNanos);
    }
    return next;
  }

  /** Whether checkpoint {@code kind} (0 committed, 1 visible) may be read again. */
  private boolean due(int kind, long now) {
    return lastReadNanos[kind] == Long.MIN_VALUE || now - lastReadNanos[kind] >= intervalNanos;
  }

  /** The first position of the log not known to have reached {@code stage}, or -1. */
  private long position(TaskStage stage, int partition, int band) {
    long c = committed.position(partition, band);
    long v = visible.position(partition, band);
    return switch (stage) {
      case DURABLE -> c;
      case VISIBLE -> v;
      default -> Math.max(c, v);
    };
  }

  private void read(boolean readCommitted, boolean readVisible, long now) {
    if (!readCommitted && !readVisible) {
      return;
    }
    try {
      if (readCommitted) {
        lastReadNanos[0] = now;
        committed = backend.committedCheckpoint();
      }
      if (readVisible) {
        lastReadNanos[1] = now;
        visible = backend.visibleCheckpoint();
      }
      lastFailure = null;
    } catch (RuntimeException e) {
      String what = e.toString();
      if (!what.equals(lastFailure)) {
        LOG.warn(
            "{}: cannot read the backend's checkpoints (waits for tasks applied by other nodes"
                + " are late; retrying every refresh interval): {}",
            name,
            what);
      }
      lastFailure = what;
    }
  }

  private List<Remote> remoteWaiters() {
    List<Remote> out = new ArrayList<>();
    for (TaskStage stage : TaskStage.values()) {
      if (progress.waiting(stage) == 0) {
        continue;
      }
      progress.forEachWaited(
          stage,
          (ws, partition, band, lowest, highest) -> {
            if (partition >= 0 && appliedElsewhere(partition, band, lowest)) {
              out.add(new Remote(stage, ws, partition, band, lowest));
            }
            return true;
          });
    }
    return out;
  }

  private boolean appliedElsewhere(int partition, int band, long position) {
    long[] from = owned.get(partition);
    return from == null || band >= from.length || position < from[band];
  }
}
