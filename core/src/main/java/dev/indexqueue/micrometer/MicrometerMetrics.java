package dev.indexqueue.micrometer;

import dev.indexqueue.IndexingListener;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LaneStatus;
import dev.indexqueue.QueueStatus;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a service's status and work to a Micrometer {@link MeterRegistry}. Thread-safe. Needs
 * {@code io.micrometer:micrometer-core} on the classpath (an optional dependency of core).
 *
 * <p>Meters (all tagged {@code service=<name>}): gauges {@code indexqueue.queue.size}, {@code
 * .capacity}, {@code .pending}, {@code .in_flight}, {@code .oldest_pending_age} (seconds), {@code
 * .lane.depth} (tag {@code lane}); function counters {@code indexqueue.tasks.accepted}, {@code
 * .applied}, {@code .coalesced}, {@code .retried}, {@code .dead_lettered}; timers {@code
 * indexqueue.apply} (per batch), {@code indexqueue.queue.wait} (oldest task of a batch, read →
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
   * Registers the gauges and counters that read {@code service}'s status.
   *
   * @param service the service to observe
   * @return this
   */
  public MicrometerMetrics bindTo(IndexingService service) {
    gauge("indexqueue.queue.size", service, s -> s.queueStatus().queueSize());
    gauge("indexqueue.queue.capacity", service, s -> s.queueStatus().capacity());
    gauge("indexqueue.queue.pending", service, s -> s.queueStatus().pending());
    gauge("indexqueue.queue.in_flight", service, s -> s.queueStatus().inFlight());
    gauge(
        "indexqueue.queue.oldest_pending_age",
        service,
        s -> s.queueStatus().oldestPendingAge().toNanos() / 1e9);
    counter("indexqueue.tasks.accepted", service, QueueStatus::accepted);
    counter("indexqueue.tasks.applied", service, QueueStatus::applied);
    counter("indexqueue.tasks.coalesced", service, QueueStatus::coalesced);
    counter("indexqueue.tasks.retried", service, QueueStatus::retried);
    counter("indexqueue.tasks.dead_lettered", service, QueueStatus::deadLettered);
    List<LaneStatus> lanes = service.queueStatus().lanes();
    for (LaneStatus lane : lanes) {
      int index = lane.lane();
      Gauge.builder("indexqueue.lane.depth", service, s -> laneDepth(s, index))
          .tags(tags.and("lane", Integer.toString(index)))
          .register(registry);
    }
    return this;
  }

  private static double laneDepth(IndexingService s, int lane) {
    List<LaneStatus> lanes = s.queueStatus().lanes();
    return lane < lanes.size() ? lanes.get(lane).depth() : Double.NaN;
  }

  private void gauge(String name, IndexingService service, ToDoubleFunction<IndexingService> f) {
    Gauge.builder(name, service, f).tags(tags).register(registry);
  }

  private void counter(
      String name, IndexingService service, java.util.function.ToLongFunction<QueueStatus> f) {
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
  public void committed(long checkpoint, long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void refreshed(long nanos) {
    refresh.record(nanos, TimeUnit.NANOSECONDS);
  }
}
