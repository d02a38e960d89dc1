package dev.indexqueue;

/**
 * The stages a task passes through after acceptance, in order. Immutable and thread-safe.
 *
 * <p>A later stage implies the earlier ones: a VISIBLE task is also DURABLE only if a commit
 * happened before the refresh, so each stage is tracked on its own; see {@link Ticket}.
 */
public enum TaskStage {
  /** The backend has applied the task (or a later task that supersedes it). */
  APPLIED,
  /** A backend commit includes the task: it survives a crash of the process. */
  DURABLE,
  /** Searches see the task's effect. */
  VISIBLE
}
