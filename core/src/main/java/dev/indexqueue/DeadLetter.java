package dev.indexqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * A task the backend could not apply, kept in the dead-letter store. Immutable and thread-safe.
 *
 * @param id where the task was in the queue when it was accepted
 * @param task the task itself
 * @param error the class and message of the last failure
 * @param permanent whether the last failure was classed permanent (else retries ran out)
 * @param attempts how many times the backend was asked to apply the task
 * @param firstFailure when the first attempt failed
 * @param lastFailure when the last attempt failed
 */
public record DeadLetter(
    TaskId id,
    IndexTask task,
    String error,
    boolean permanent,
    int attempts,
    Instant firstFailure,
    Instant lastFailure) {

  /** Validates the record. */
  public DeadLetter {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(firstFailure, "firstFailure");
    Objects.requireNonNull(lastFailure, "lastFailure");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts: must be at least 1, was: " + attempts);
    }
  }

  /** The task's position in its band's log, {@code id().position()}. */
  public long sequence() {
    return id.position();
  }
}
