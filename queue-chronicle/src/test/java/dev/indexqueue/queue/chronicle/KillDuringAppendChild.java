package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link KillDuringAppendTest} kills: opens a {@link ChronicleTaskQueue} of {@value
 * #PARTITIONS} partitions × 2 bands directly and appends from several threads as fast as it can
 * (records of varying size, so a kill often lands inside a Chronicle append; thread t writes to
 * partition t % {@value #PARTITIONS}, one task in seven to the urgent band), while one reader reads
 * every log and acknowledges with a lag, as the service's lanes and maintainer do.
 *
 * <p>Arguments: {@code <queueDir> <syncPolicy> <rollCycle> <threads>}.
 */
public final class KillDuringAppendChild {
  static final int PARTITIONS = 2;
  static final int BANDS = 2;

  private KillDuringAppendChild() {}

  static IndexTask task(int thread, long i) {
    int size = (int) ((i * 7919 + thread * 104729) % 3000);
    return IndexTask.indexFile(
        "ws" + thread, "f" + (i % 8), "t" + thread + " i" + i + " " + "x".repeat(size));
  }

  static ChronicleTaskQueue open(Path dir, SyncPolicy sync, String rollCycle) {
    return ChronicleTaskQueueProvider.newQueue(
        dir, PARTITIONS, BANDS, 10_000_000, sync, ChronicleTaskQueueProvider.rollCycle(rollCycle));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    SyncPolicy sync = SyncPolicy.valueOf(args[1]);
    int threads = Integer.parseInt(args[3]);
    TaskQueue q = open(dir, sync, args[2]);
    System.out.println("started " + q.size());
    System.out.flush();
    AtomicLong appended = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  int partition = thread % PARTITIONS;
                  for (long i = 0; ; i++) {
                    int band = i % 7 == 0 ? 1 : 0;
                    Predecessor pred = i == 0 ? null : new Predecessor(1 - band, i);
                    if (q.append(partition, band, task(thread, i), pred) == TaskQueue.FULL) {
                      throw new IllegalStateException("full");
                    }
                    if (appended.incrementAndGet() == 1) {
                      System.out.println("appending");
                      System.out.flush();
                    }
                    if (sync == SyncPolicy.BATCH && (i & 63) == 0) {
                      q.sync(partition);
                    }
                  }
                } catch (Throwable e) {
                  e.printStackTrace();
                  System.exit(2);
                }
              },
              "appender-" + t);
      th.start();
      ts.add(th);
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                long[] next = new long[PARTITIONS * BANDS];
                for (int l = 0; l < next.length; l++) {
                  next[l] = q.firstPosition(l / BANDS, l % BANDS);
                }
                while (true) {
                  boolean any = false;
                  for (int l = 0; l < next.length; l++) {
                    List<QueuedTask> r = q.read(l / BANDS, l % BANDS, next[l], 256);
                    if (!r.isEmpty()) {
                      any = true;
                      next[l] = r.get(r.size() - 1).position() + 1;
                      q.acknowledge(l / BANDS, l % BANDS, next[l] - r.size() / 2); // lag behind
                    }
                  }
                  if (!any) {
                    Thread.onSpinWait();
                  }
                }
              } catch (Throwable e) {
                e.printStackTrace();
                System.exit(3);
              }
            },
            "reader");
    reader.start();
    for (Thread t : ts) {
      t.join();
    }
  }
}
