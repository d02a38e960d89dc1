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

  /** A snapshot of the stored dead letters, oldest first. */
  List<DeadLetter> list();

  /** How many dead letters are stored now. */
  int count();

  /**
   * Submits every stored task again, in their original acceptance order, and removes them from the
   * store.
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
