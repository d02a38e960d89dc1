package dev.indexqueue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.TaskStage;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.tck.RecordingBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

  @Test
  void registersTheStatusFiguresAndTimesTheWork() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerMetrics metrics = new MicrometerMetrics(registry, "test");
    IndexingService service =
        IndexingService.builder()
            .queue(MemoryTaskQueueProvider.newQueue(2, 1000))
            .backend(new RecordingBackend())
            .lanes(2)
            .listener(metrics)
            .build();
    metrics.bindTo(service);
    assertThat(state(registry, LifecycleState.RUNNING)).isEqualTo(1);
    assertThat(state(registry, LifecycleState.STOPPED)).isZero();
    for (int i = 0; i < 100; i++) {
      service.submit(IndexTask.indexFile("ws" + (i % 3), "f" + i, "x"));
    }
    service
        .submit(IndexTask.indexFile("ws0", "last", "y"))
        .await(TaskStage.DURABLE, Duration.ofSeconds(30));
    assertThat(service.awaitIndexReady("ws1", Duration.ofSeconds(30))).isTrue();
    assertThat(service.awaitIndexReady("ws2", Duration.ofSeconds(30))).isTrue();

    assertThat(counter(registry, "accepted")).isEqualTo(101);
    assertThat(counter(registry, "applied")).isEqualTo(101);
    QueueStatus status = service.queueStatus();
    assertThat(counter(registry, "coalesced")).isEqualTo(status.coalesced());
    assertThat(counter(registry, "retried")).isZero();
    assertThat(counter(registry, "dead_lettered")).isZero();
    assertThat(gauge(registry, "indexqueue.queue.capacity")).isEqualTo(1000);
    assertThat(gauge(registry, "indexqueue.queue.pending")).isZero();
    assertThat(gauge(registry, "indexqueue.queue.in_flight")).isZero();
    assertThat(gauge(registry, "indexqueue.queue.oldest_pending_age")).isZero();
    assertThat(gauge(registry, "indexqueue.queue.size")).isEqualTo(status.queueSize());
    assertThat(registry.get("indexqueue.batch.size").summary().totalAmount()).isEqualTo(101);
    assertThat(registry.get("indexqueue.apply").timer().count()).isPositive();
    assertThat(registry.get("indexqueue.queue.wait").timer().count()).isPositive();
    assertThat(registry.get("indexqueue.commit").timer().count()).isPositive();
    assertThat(registry.get("indexqueue.refresh").timer().count()).isPositive();

    service.close();
    assertThat(state(registry, LifecycleState.STOPPED)).isEqualTo(1);
    assertThat(state(registry, LifecycleState.RUNNING)).isZero();
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    return registry
        .get("indexqueue.tasks." + name)
        .tag("service", "test")
        .functionCounter()
        .count();
  }

  private static double gauge(SimpleMeterRegistry registry, String name) {
    return registry.get(name).tag("service", "test").gauge().value();
  }

  private static double state(SimpleMeterRegistry registry, LifecycleState state) {
    return registry.get("indexqueue.state").tag("state", state.name()).gauge().value();
  }
}
