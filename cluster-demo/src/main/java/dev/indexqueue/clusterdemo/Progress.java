package dev.indexqueue.clusterdemo;

/**
 * The count of tasks the writers had accepted, and a wait for a count: the chaos thread disrupts
 * the cluster at given points of the workload. Thread-safe.
 */
final class Progress {
  private long count;
  private long waitingFor = Long.MAX_VALUE;
  private boolean ended;

  /** One more task accepted. */
  synchronized void add() {
    count++;
    if (count >= waitingFor) {
      notifyAll();
    }
  }

  synchronized long count() {
    return count;
  }

  /** The writers ended (or failed): waits end at once. */
  synchronized void end() {
    ended = true;
    notifyAll();
  }

  /**
   * Waits until {@code n} tasks were accepted or the writers ended.
   *
   * @return the count then
   */
  synchronized long awaitAtLeast(long n) throws InterruptedException {
    while (count < n && !ended) {
      waitingFor = n;
      wait();
    }
    waitingFor = Long.MAX_VALUE;
    return count;
  }
}
