package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.List;

/**
 * A queue that outlives the service that closes it, like a persistent queue across a restart of the
 * process: every call but {@link #close()} goes to the wrapped queue; {@code close()} does nothing,
 * so the next service built on it reads what is left. Thread-safe as the wrapped queue.
 */
public final class SurvivingQueue implements TaskQueue {
  private final TaskQueue q;

  /**
   * Wraps a queue.
   *
   * @param q the queue; the test closes it
   */
  public SurvivingQueue(TaskQueue q) {
    this.q = q;
  }

  @Override
  public int partitions() {
    return q.partitions();
  }

  @Override
  public int bands() {
    return q.bands();
  }

  @Override
  public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
    return q.append(partition, band, task, predecessor);
  }

  @Override
  public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
    return q.read(partition, band, fromPosition, maxTasks);
  }

  @Override
  public void acknowledge(int partition, int band, long position) {
    q.acknowledge(partition, band, position);
  }

  @Override
  public long firstPosition(int partition, int band) {
    return q.firstPosition(partition, band);
  }

  @Override
  public long endPosition(int partition, int band) {
    return q.endPosition(partition, band);
  }

  @Override
  public long size() {
    return q.size();
  }

  @Override
  public long capacity() {
    return q.capacity();
  }

  @Override
  public void sync(int partition) {
    q.sync(partition);
  }

  @Override
  public boolean isPersistent() {
    return true;
  }

  @Override
  public void close() {
    // survives: the next service reads it again
  }

  @Override
  public String toString() {
    return "Surviving[" + q + "]";
  }
}
