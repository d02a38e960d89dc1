package dev.indexqueue.tck;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.PartitionListener;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.List;
import java.util.Objects;

/**
 * A queue that forwards every call to another one, for tests that wrap a real queue to observe it
 * or to change one behaviour (survive a close, lose acknowledges, count calls): extend it and
 * override what differs. Thread-safe as the wrapped queue; it adds no state of its own.
 */
public abstract class ForwardingTaskQueue implements TaskQueue {
  /** The wrapped queue. */
  protected final TaskQueue delegate;

  /**
   * Wraps a queue.
   *
   * @param delegate the queue every call goes to
   */
  protected ForwardingTaskQueue(TaskQueue delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public int partitions() {
    return delegate.partitions();
  }

  @Override
  public int bands() {
    return delegate.bands();
  }

  @Override
  public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
    return delegate.append(partition, band, task, predecessor);
  }

  @Override
  public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
    return delegate.read(partition, band, fromPosition, maxTasks);
  }

  @Override
  public void acknowledge(int partition, int band, long position) {
    delegate.acknowledge(partition, band, position);
  }

  @Override
  public long firstPosition(int partition, int band) {
    return delegate.firstPosition(partition, band);
  }

  @Override
  public long endPosition(int partition, int band) {
    return delegate.endPosition(partition, band);
  }

  @Override
  public long size() {
    return delegate.size();
  }

  @Override
  public long capacity() {
    return delegate.capacity();
  }

  @Override
  public void sync(int partition) {
    delegate.sync(partition);
  }

  @Override
  public void subscribe(PartitionListener listener) {
    delegate.subscribe(listener);
  }

  @Override
  public boolean isPersistent() {
    return delegate.isPersistent();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
