package dev.indexqueue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.TaskStage;
import dev.indexqueue.micrometer.MicrometerMetrics;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
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
    for (int i = 0; i < 100; i++) {
      service.submit(IndexTask.indexFile("ws" + (i % 3), "f" + i, "x"));
    }
    service
        .submit(IndexTask.indexFile("ws0", "last", "y"))
        .await(TaskStage.DURABLE, Duration.ofSeconds(30));
    assertThat(service.awaitIndexReady("ws1", Duration.ofSeconds(30))).isTrue();

    assertThat(registry.get("indexqueue.tasks.accepted").functionCounter().count()).isEqualTo(101);
    assertThat(registry.get("indexqueue.tasks.applied").functionCounter().count()).isEqualTo(101);
    assertThat(registry.get("indexqueue.queue.capacity").gauge().value()).isEqualTo(1000);
    assertThat(registry.get("indexqueue.lane.depth").tag("lane", "1").gauge().value()).isZero();
    assertThat(registry.get("indexqueue.batch.size").summary().totalAmount()).isEqualTo(101);
    assertThat(registry.get("indexqueue.apply").timer().count()).isPositive();
    assertThat(registry.get("indexqueue.commit").timer().count()).isPositive();
    assertThat(registry.get("indexqueue.refresh").timer().count()).isPositive();
    service.close();
  }
}
