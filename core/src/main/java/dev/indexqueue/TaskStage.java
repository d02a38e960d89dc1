package dev.indexqueue;

/**
 * The stages a task reaches after acceptance. Immutable and thread-safe.
 *
 * <p>DURABLE and VISIBLE each imply APPLIED, but neither implies the other: a refresh can make a
 * task searchable before any commit covers it, and a commit can cover a task no refresh has shown
 * yet. Each stage is therefore tracked on its own; see {@link Ticket}.
 */
public enum TaskStage {
  /** The backend has applied the task (or a later task that supersedes it). */
  APPLIED,
  /** A backend commit includes the task: it survives a crash of the process. */
  DURABLE,
  /** Searches see the task's effect. */
  VISIBLE
}
