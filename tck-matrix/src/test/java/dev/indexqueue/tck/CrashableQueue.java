package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A queue that outlives the service that closes it, like a persistent queue across a restart (the
 * idea of the tck's {@link SurvivingQueue}), and that can simulate a crash of the process: after
 * {@link #crash()} it no longer acknowledges, as a crashed process would not, so it keeps every
 * task beyond the backend's last commit. It also records each append's predecessor. Thread-safe as
 * the wrapped queue.
 */
final class CrashableQueue extends ForwardingTaskQueue {
  final List<QueuedTask> appended = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean crashed;

  CrashableQueue(TaskQueue delegate) {
    super(delegate);
  }

  /** From now on acknowledges are lost (the process "died" with them). */
  void crash() {
    crashed = true;
  }

  /** The process restarts: acknowledges work again. */
  void restart() {
    crashed = false;
  }

  @Override
  public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
    long p = delegate.append(partition, band, task, predecessor);
    if (p != FULL) {
      appended.add(new QueuedTask(partition, band, p, task, predecessor));
    }
    return p;
  }

  @Override
  public void acknowledge(int partition, int band, long position) {
    if (!crashed) {
      delegate.acknowledge(partition, band, position);
    }
  }

  @Override
  public boolean isPersistent() {
    return true;
  }

  @Override
  public void close() {
    // survives: the next service reads it again
  }
}
