package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.BackpressurePolicy;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.tck.NullBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in measurement of the submit rate with each {@link SyncPolicy}: 4 threads submit ~200-byte
 * tasks for {@code -Dindexq.bench.seconds} (default 3) seconds per policy into the chronicle queue
 * with a backend that does nothing, so the figure is the queue path (validation, encoding, append,
 * forcing). Run with:
 *
 * <pre>
 * mvn -B -ntp -o -pl queue-chronicle -am verify -Dtest=SubmitRateBenchmarkTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dindexq.bench=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "indexq.bench", matches = "true")
class SubmitRateBenchmarkTest {
  @TempDir Path tmp;

  @Test
  void submitRatePerSyncPolicy() throws Exception {
    double seconds = Double.parseDouble(System.getProperty("indexq.bench.seconds", "3"));
    String content = "y".repeat(150);
    // a first pass warms the JIT up and is not reported
    for (int pass = 0; pass < 2; pass++) {
      for (SyncPolicy policy : SyncPolicy.values()) {
        measure(policy, pass == 0 ? Math.min(seconds, 1) : seconds, content, pass == 1);
      }
    }
  }

  private void measure(SyncPolicy policy, double seconds, String content, boolean report)
      throws Exception {
    {
      LongAdder submitted = new LongAdder();
      try (IndexingService s =
          IndexingService.builder()
              .queue(
                  Providers.taskQueue(
                      "chronicle",
                      Map.of(
                          "directory",
                          tmp.resolve(policy.name() + (report ? "" : "-warmup")).toString(),
                          "syncPolicy",
                          policy.name(),
                          "capacity",
                          "100000000")))
              .backend(new NullBackend())
              .backpressure(BackpressurePolicy.BLOCK, Duration.ofSeconds(60))
              .build()) {
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          Thread th =
              new Thread(
                  () -> {
                    try {
                      go.await();
                      for (int i = 0; System.nanoTime() < deadline[0]; i++) {
                        s.submit(
                            IndexTask.indexFile(
                                "ws" + thread, "dir/file-" + (i & 1023) + ".txt", content));
                        submitted.increment();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
          th.start();
          threads.add(th);
        }
        long start = System.nanoTime();
        deadline[0] = start + (long) (seconds * 1e9);
        go.countDown();
        for (Thread th : threads) {
          th.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        if (report) {
          System.out.printf(
              "submit rate, SyncPolicy.%s, 4 threads, ~200-byte tasks: %,.0f tasks/s (%,d in %.1f"
                  + " s)%n",
              policy, submitted.sum() / took, submitted.sum(), took);
        }
      }
      assertThat(submitted.sum()).isPositive();
    }
  }
}
