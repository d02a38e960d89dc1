package dev.indexqueue;

import java.util.List;

/**
 * The dead-letter store of a service, seen through its operations. Thread-safe: every method may be
 * called from any thread while the service runs.
 *
 * <p>Guarantee: a task is in the store from the moment its ticket completed exceptionally until it
 * is replayed or cleared. The store is in memory and bounded by the service's {@code
 * maxDeadLetters}; when full, the oldest entries are dropped and counted (with a warning in the
 * log).
 */
public interface DeadLetters {

  /**
   * A snapshot of the stored dead letters, in the order the lanes dead-lettered them (a lane's
   * letters keep its order; letters of different lanes interleave as they happened).
   */
  List<DeadLetter> list();

  /** How many dead letters are stored now. */
  int count();

  /**
   * Submits every stored task again, in the order {@link #list()} gives (so the letters of one
   * workspace keep their acceptance order), and removes them from the store. A task that cannot be
   * submitted (the service stops, the queue is full) stays in the store, with every letter after
   * it, and the exception is thrown.
   *
   * @return the new tickets, in the same order
   */
  List<Ticket> replay();

  /**
   * Removes every stored dead letter.
   *
   * @return how many were removed
   */
  int clear();
}
