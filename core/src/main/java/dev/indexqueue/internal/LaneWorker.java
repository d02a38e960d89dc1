package dev.indexqueue.internal;

import dev.indexqueue.IndexingListener;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.TaskStage;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane's worker thread: takes the lane's next batch, syncs the queue, applies the batch,
 * retries or dead-letters what fails, and tells the maintainer what was applied. It only applies:
 * commits and refreshes belong to the {@link Maintainer}. State machine: RUNNING until the lane
 * control says stop (or the drain ends), STOPPED then; FAILED when an {@link Error} escapes the
 * backend, which fails the whole service at once.
 */
final class LaneWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(LaneWorker.class);

  /** What the worker needs from the service around it. */
  interface Service {
    /** The backend lost uncommitted work: back off, then ask every lane to rewind. */
    void stateLost(BackendStateLostException e);

    /** Runs the rewind barrier for this lane. */
    void parkForRewind() throws InterruptedException;

    /** Fails the service. */
    void fail(Error e);
  }

  private final Settings settings;
  private final LaneScheduler lane;
  private final TaskQueue queue;
  private final IndexBackend backend;
  private final Counters counters;
  private final Progress progress;
  private final Retrier retrier;
  private final Maintainer maintainer;
  private final Service service;

  LaneWorker(
      Settings settings,
      LaneScheduler lane,
      Counters counters,
      Progress progress,
      Retrier retrier,
      Maintainer maintainer,
      Service service) {
    this.settings = settings;
    this.lane = lane;
    this.queue = settings.queue();
    this.backend = settings.backend();
    this.counters = counters;
    this.progress = progress;
    this.retrier = retrier;
    this.maintainer = maintainer;
    this.service = service;
  }

  @Override
  public void run() {
    LifecycleState end = LifecycleState.STOPPED;
    try {
      while (true) {
        maintainer.awaitWaitedRefresh();
        List<Entry> batch = lane.next();
        if (batch == null) {
          break;
        }
        if (batch == LaneScheduler.REWIND) {
          service.parkForRewind();
          continue;
        }
        process(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("{}: lane {} worker interrupted; stopping it", settings.name(), lane.lane);
    } catch (Error e) {
      end = LifecycleState.FAILED;
      lane.state(end);
      service.fail(e);
    } catch (RuntimeException e) {
      // a bug of ours: never leave silently
      end = LifecycleState.FAILED;
      lane.state(end);
      service.fail(new AssertionError("lane " + lane.lane + " worker crashed: " + e, e));
    } finally {
      lane.state(end);
    }
  }

  private void process(List<Entry> batch) {
    List<QueuedTask> tasks = new ArrayList<>(batch.size());
    BitSet synced = new BitSet();
    long oldestRead = Long.MAX_VALUE;
    for (Entry e : batch) {
      tasks.add(e.queued());
      oldestRead = Math.min(oldestRead, e.readNanos);
      if (!synced.get(e.partition)) {
        synced.set(e.partition);
        queue.sync(e.partition);
      }
    }
    long started = settings.clock().nanoTime();
    boolean abandoned = false;
    int dead = 0;
    try {
      backend.apply(new Batch(lane.lane, tasks, settings.source()));
    } catch (BackendStateLostException e) {
      abandoned = true;
      service.stateLost(e);
    } catch (RuntimeException e) {
      LOG.debug(
          "{}: batch of {} failed ({}); applying one by one",
          settings.name(),
          batch.size(),
          e.toString());
      try {
        dead = retrier.applyOneByOne(lane.lane, batch, e);
      } catch (Retrier.StateLost x) {
        abandoned = true;
        service.stateLost((BackendStateLostException) x.getCause());
      }
    }
    maintainer.batchCompleting();
    Map<String, long[]> marks = lane.completed(batch, abandoned);
    if (abandoned) {
      maintainer.batchAbandoned();
      return;
    }
    counters.applied.add(batch.size() - dead);
    long took = settings.clock().nanoTime() - started;
    long waited = Math.max(0, started - oldestRead);
    int size = batch.size();
    // the listener first: a waiter released by this batch sees it in the metrics
    notifyListener(l -> l.batchApplied(lane.lane, size, took, waited));
    progress.advanceAll(TaskStage.APPLIED, marks);
    maintainer.batchApplied(batch.size(), lane.takeCoalesced(), marks);
  }

  private void notifyListener(Consumer<IndexingListener> call) {
    try {
      call.accept(settings.listener());
    } catch (RuntimeException e) {
      LOG.warn("{}: listener {} failed: {}", settings.name(), settings.listener(), e.toString(), e);
    }
  }
}
