package dev.indexqueue.queue.chronicle;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link KillDuringAppendTest} kills: opens a {@link ChronicleTaskQueue} directly and
 * appends from several threads as fast as it can (records of varying size, so a kill often lands
 * inside a Chronicle append), while one reader reads and acknowledges with a lag, as the service's
 * lanes do.
 *
 * <p>Arguments: {@code <queueDir> <syncPolicy> <rollCycle> <threads>}.
 */
public final class KillDuringAppendChild {
  private KillDuringAppendChild() {}

  static IndexTask task(int thread, long i) {
    int size = (int) ((i * 7919 + thread * 104729) % 3000);
    return IndexTask.indexFile(
        "ws" + thread, "f" + (i % 8), "t" + thread + " i" + i + " " + "x".repeat(size));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    SyncPolicy sync = SyncPolicy.valueOf(args[1]);
    int threads = Integer.parseInt(args[3]);
    TaskQueue q =
        ChronicleTaskQueueProvider.newQueue(
            dir, 10_000_000, sync, ChronicleTaskQueueProvider.rollCycle(args[2]));
    System.out.println("started " + q.firstPosition() + " " + q.endPosition());
    System.out.flush();
    AtomicLong appended = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  for (long i = 0; ; i++) {
                    if (q.append(task(thread, i)) == TaskQueue.FULL) {
                      throw new IllegalStateException("full");
                    }
                    if (appended.incrementAndGet() == 1) {
                      System.out.println("appending");
                      System.out.flush();
                    }
                    if (sync == SyncPolicy.BATCH && (i & 63) == 0) {
                      q.sync();
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
                long next = q.firstPosition();
                while (true) {
                  List<QueuedTask> r = q.read(next, 256);
                  if (!r.isEmpty()) {
                    next = r.get(r.size() - 1).position() + 1;
                    q.acknowledge(next - r.size() / 2); // lag behind what was read
                  } else {
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
