package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * No lost wake-up: many threads submit and wait (ticket stages and awaitIndexReady) on many
 * workspaces while the workers complete tasks; every wait returns true within its timeout. The
 * refresh and commit intervals are a day long, so only the waiters' own signals can wake them.
 */
class WakeupStressTest {
  private static final int THREADS = 8;

  @Test
  void everyWaiterIsWoken() throws Exception {
    int waitsPerThread = Budget.of("indexq.waits", 10_000) / THREADS;
    RecordingBackend backend = new RecordingBackend();
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(3, 4096))
            .backend(backend)
            .lanes(3)
            .refreshInterval(Duration.ofDays(1))
            .commitPolicy(dev.indexqueue.CommitPolicy.of(1_000_000, Duration.ofDays(1)))
            .build();
    AtomicInteger waits = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = t;
      futures.add(
          pool.submit(
              () -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < waitsPerThread; i++) {
                  String ws = "ws" + random.nextInt(40);
                  Ticket ticket =
                      service.submit(IndexTask.indexFile(ws, "f" + random.nextInt(4), "v" + i));
                  boolean ok =
                      switch (random.nextInt(4)) {
                        case 0 -> service.awaitIndexReady(ws, Duration.ofSeconds(30));
                        case 1 -> ticket.await(TaskStage.APPLIED, Duration.ofSeconds(30));
                        case 2 -> ticket.await(TaskStage.DURABLE, Duration.ofSeconds(30));
                        default -> ticket.await(TaskStage.VISIBLE, Duration.ofSeconds(30));
                      };
                  assertThat(ok).as("wait %d of thread %d on %s", i, seed, ws).isTrue();
                  waits.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    service.close();
    assertThat(waits.get())
        .isEqualTo(THREADS * waitsPerThread)
        .isGreaterThanOrEqualTo(Math.min(10_000, Budget.of("indexq.waits", 10_000)) - THREADS);
    backend.assertNoViolations();
  }
}
