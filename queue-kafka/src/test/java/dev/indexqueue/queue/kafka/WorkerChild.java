package dev.indexqueue.queue.kafka;

import dev.indexqueue.CommitPolicy;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Role;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A worker node for {@link WorkerKillTest}, run as a child JVM: a WORKER service on the Kafka queue
 * with a {@link JournalBackend} in a directory the workers share. Prints {@code READY}, then works
 * until its standard input closes (a clean stop), or until it is killed.
 *
 * <p>Arguments: bootstrap servers, topic, partitions, journal directory, the consumer's client id
 * (how the test tells the members apart).
 */
public final class WorkerChild {
  private WorkerChild() {}

  public static void main(String[] args) throws Exception {
    int partitions = Integer.parseInt(args[2]);
    Map<String, String> c = new HashMap<>();
    c.put("bootstrapServers", args[0]);
    c.put("topic", args[1]);
    c.put("partitions", args[2]);
    c.put("kafka.consumer.session.timeout.ms", "3000");
    c.put("kafka.consumer.heartbeat.interval.ms", "300");
    c.put("kafka.consumer.client.id", args[4]);
    IndexingService s =
        IndexingService.builder()
            .queue("kafka", c)
            .backend(new JournalBackend(Path.of(args[3]), partitions, 2))
            .lanes(2)
            .role(Role.WORKER)
            .coalescing(false)
            .commitPolicy(CommitPolicy.of(100, Duration.ofMillis(200)))
            .shutdownTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5))
            .build();
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // wait for the end of input
    }
    s.close();
    System.out.println("STOPPED");
  }
}
