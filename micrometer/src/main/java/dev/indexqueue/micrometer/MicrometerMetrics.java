package dev.indexqueue.micrometer;

import dev.indexqueue.IndexingListener;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Publishes a service's status and work to a Micrometer {@link MeterRegistry}. Thread-safe: the
 * service's threads call the listener methods concurrently, and the registry reads the gauges from
 * its own threads. It guarantees that every figure comes from the service's public API, the {@link
 * IndexingListener} callbacks and {@link IndexingService#queueStatus()}, so it reports what the
 * service reports and nothing else; a gauge is read when the registry publishes, not cached.
 *
 * <p>Meters (all tagged {@code service=<name>}): gauges {@code indexqueue.queue.size}, {@code
 * .capacity}, {@code .pending}, {@code .in_flight}, {@code .oldest_pending_age} (seconds), and
 * {@code indexqueue.state} (one gauge per {@link LifecycleState}, tag {@code state}, 1 for the
 * current state and 0 for the others); function counters {@code indexqueue.tasks.accepted}, {@code
 * .applied}, {@code .coalesced}, {@code .retried}, {@code .dead_lettered}; timers {@code
 * indexqueue.apply} (per batch), {@code indexqueue.queue.wait} (oldest task of a batch, read to
 * apply), {@code indexqueue.commit}, {@code indexqueue.refresh}; distribution summary {@code
 * indexqueue.batch.size}.
 *
 * <pre>{@code
 * MicrometerMetrics metrics = new MicrometerMetrics(registry, "search");
 * IndexingService service = IndexingService.builder().listener(metrics)...build();
 * metrics.bindTo(service);
 * }</pre>
 */
public final class MicrometerMetrics implements IndexingListener {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer apply;
  private final Timer queueWait;
  private final Timer commit;
  private final Timer refresh;
  private final DistributionSummary batchSize;

  /**
   * Creates the timers; call {@link #bindTo} once the service is built for the gauges.
   *
   * @param registry where to register
   * @param serviceName the value of the {@code service} tag
   */
  public MicrometerMetrics(MeterRegistry registry, String serviceName) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tags = Tags.of(Tag.of("service", Objects.requireNonNull(serviceName, "serviceName")));
    this.apply =
        Timer.builder("indexqueue.apply")
            .description("backend apply time per batch")
            .tags(tags)
            .register(registry);
    this.queueWait =
        Timer.builder("indexqueue.queue.wait")
            .description("wait of a batch's oldest task, read to apply")
            .tags(tags)
            .register(registry);
    this.commit =
        Timer.builder("indexqueue.commit")
            .description("backend commit time")
            .tags(tags)
            .register(registry);
    this.refresh =
        Timer.builder("indexqueue.refresh")
            .description("backend refresh time")
            .tags(tags)
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("indexqueue.batch.size")
            .description("tasks per batch")
            .tags(tags)
            .register(registry);
  }

  /**
   * Registers the gauges and counters that read {@code service}'s {@link
   * IndexingService#queueStatus() status}.
   *
   * @param service the service to observe
   * @return this
   */
  public MicrometerMetrics bindTo(IndexingService service) {
    Objects.requireNonNull(service, "service");
    gauge("indexqueue.queue.size", service, QueueStatus::queueSize);
    gauge("indexqueue.queue.capacity", service, QueueStatus::capacity);
    gauge("indexqueue.queue.pending", service, QueueStatus::pending);
    gauge("indexqueue.queue.in_flight", service, QueueStatus::inFlight);
    Gauge.builder(
            "indexqueue.queue.oldest_pending_age",
            service,
            s -> s.queueStatus().oldestPendingAge().toNanos() / 1e9)
        .baseUnit("seconds")
        .tags(tags)
        .register(registry);
    for (LifecycleState state : LifecycleState.values()) {
      Gauge.builder("indexqueue.state", service, s -> s.queueStatus().state() == state ? 1 : 0)
          .tags(tags.and("state", state.name()))
          .register(registry);
    }
    counter("indexqueue.tasks.accepted", service, QueueStatus::accepted);
    counter("indexqueue.tasks.applied", service, QueueStatus::applied);
    counter("indexqueue.tasks.coalesced", service, QueueStatus::coalesced);
    counter("indexqueue.tasks.retried", service, QueueStatus::retried);
    counter("indexqueue.tasks.dead_lettered", service, QueueStatus::deadLettered);
    return this;
  }

  private void gauge(String name, IndexingService service, ToLongFunction<QueueStatus> f) {
    ToDoubleFunction<IndexingService> read = s -> f.applyAsLong(s.queueStatus());
    Gauge.builder(name, service, read).tags(tags).register(registry);
  }

  private void counter(String name, IndexingService service, ToLongFunction<QueueStatus> f) {
    FunctionCounter.builder(name, service, s -> f.applyAsLong(s.queueStatus()))
        .tags(tags)
        .register(registry);
  }

  @Override
  public void batchApplied(int lane, int tasks, long applyNanos, long oldestWaitNanos) {
    apply.record(applyNanos, TimeUnit.NANOSECONDS);
    queueWait.record(oldestWaitNanos, TimeUnit.NANOSECONDS);
    batchSize.record(tasks);
  }

  @Override
  public void committed(long tasks, long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void refreshed(long nanos) {
    refresh.record(nanos, TimeUnit.NANOSECONDS);
  }
}
