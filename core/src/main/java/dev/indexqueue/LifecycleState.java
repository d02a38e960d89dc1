package dev.indexqueue;

/**
 * The lifecycle of the service and of each lane worker. Immutable and thread-safe.
 *
 * <p>Transitions, each a compare-and-set: NEW → RUNNING → DRAINING → STOPPED, and NEW, RUNNING or
 * DRAINING → FAILED when an {@link Error} escapes the backend (at once, also in the middle of a
 * drain). STOPPED and FAILED are final.
 */
public enum LifecycleState {
  /** Built, not started. */
  NEW,
  /** Accepting and applying tasks. */
  RUNNING,
  /** Shutdown requested: no longer accepting; applying what was accepted. */
  DRAINING,
  /** Stopped cleanly; queue and backend are closed. */
  STOPPED,
  /** Stopped by an {@link Error}; not accepting; tasks of a persistent queue are kept. */
  FAILED
}
