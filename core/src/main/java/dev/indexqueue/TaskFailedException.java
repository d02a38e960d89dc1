package dev.indexqueue;

/**
 * Completes a {@link Ticket} whose task was dead-lettered: the backend refused it permanently, or
 * every retry failed. Immutable once thrown; carries the {@link DeadLetter} record.
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient DeadLetter deadLetter;

  /**
   * Creates the exception for a dead letter.
   *
   * @param deadLetter the dead-letter record of the failed task
   * @param cause the last failure
   */
  public TaskFailedException(DeadLetter deadLetter, Throwable cause) {
    super(
        "task "
            + deadLetter.sequence()
            + " of workspace "
            + deadLetter.task().workspace()
            + " was dead-lettered after "
            + deadLetter.attempts()
            + " attempt(s): "
            + deadLetter.error(),
        cause);
    this.deadLetter = deadLetter;
  }

  /** The dead-letter record of the failed task. */
  public DeadLetter deadLetter() {
    return deadLetter;
  }
}
