package dev.indexqueue.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Role;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker JVMs share the partitions; one is killed with {@code kill -9} mid-run. Its partitions
 * move to the survivor, which replays them from the backend's checkpoints: 0 lost, each workspace's
 * order held, nothing committed applied twice, and the replay starts exactly at the killed worker's
 * last commit (it is bounded by the uncommitted tail).
 *
 * <p>The backend must be one both JVMs reach, as a real shared index would be: a {@link
 * JournalBackend}, one journal file per partition in a shared directory, written by the partition's
 * owner at each commit (a Lucene index cannot be opened by two processes). Its committed content is
 * what the test checks.
 */
@ExtendWith(SharedCluster.class)
class WorkerKillTest {
  private static final int PARTITIONS = 4;
  private static final int WORKSPACES = 8;
  private static final int PER_WORKSPACE = 250;

  @TempDir Path dir;

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aKilledWorkersPartitionsMoveToTheSurvivor() throws Exception {
    TestCluster cluster = SharedCluster.get();
    String topic = TestCluster.newTopic("kill");
    String group = "indexqueue-" + topic;
    Path journal = Files.createDirectories(dir.resolve("journal"));
    Map<String, String> config = cluster.queueConfig(topic, PARTITIONS);
    // the producer creates the topics before the workers join; it reads the journals both workers
    // write, so its tickets reach DURABLE although other processes apply them (and one dies)
    List<Ticket> tickets = java.util.Collections.synchronizedList(new ArrayList<>());
    try (IndexingService producer =
        IndexingService.builder()
            .queue("kafka", config)
            .backend(new JournalBackend(journal, PARTITIONS, 2))
            .lanes(1)
            .role(Role.PRODUCER)
            .refreshInterval(Duration.ofMillis(250))
            .build()) {
      Process a = startWorker("worker-a", topic, journal);
      Process b = startWorker("worker-b", topic, journal);
      try {
        Map<String, Set<Integer>> owners = awaitTwoMembers(cluster, group, topic);
        Set<Integer> moved = owners.get("worker-a");
        AtomicInteger submitted = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          fs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < PER_WORKSPACE; i++) {
                      for (int w = thread * 2; w < thread * 2 + 2; w++) {
                        tickets.add(
                            producer.submit(
                                IndexTask.indexFile("ws-" + w, "f" + i, "ws-" + w + ":" + i)));
                        if (submitted.incrementAndGet() == WORKSPACES * PER_WORKSPACE / 3) {
                          third.countDown();
                        }
                      }
                    }
                    return null;
                  }));
        }
        third.await();
        await().atMost(Duration.ofSeconds(60)).until(() -> committedTasks(journal) > 0);
        a.destroyForcibly(); // SIGKILL
        a.waitFor(30, TimeUnit.SECONDS);
        for (Future<?> f : fs) {
          f.get(3, TimeUnit.MINUTES);
        }
        pool.shutdown();
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> committedTasks(journal) >= WORKSPACES * PER_WORKSPACE);
        long waitStart = System.nanoTime();
        for (Ticket t : tickets) {
          assertThat(t.await(TaskStage.DURABLE, Duration.ofSeconds(60)))
              .as("the producer sees %s durable", t)
              .isTrue();
        }
        System.out.printf(
            "the producer saw its %d tickets DURABLE %d ms after the journals held them all%n",
            tickets.size(), (System.nanoTime() - waitStart) / 1_000_000);
        b.getOutputStream().close(); // a clean stop of the survivor
        assertThat(b.waitFor(60, TimeUnit.SECONDS)).as("the survivor stops").isTrue();
        check(journal, moved, a.pid(), b.pid());
      } finally {
        a.destroyForcibly();
        b.destroyForcibly();
      }
    }
  }

  private void check(Path journal, Set<Integer> moved, long pidA, long pidB) {
    Map<String, List<Integer>> byWorkspace = new TreeMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      for (String[] t : JournalBackend.read(journal, p, 2).tasks()) {
        String[] c = t[4].split(":");
        byWorkspace.computeIfAbsent(c[0], k -> new ArrayList<>()).add(Integer.parseInt(c[1]));
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < PER_WORKSPACE; i++) {
      expected.add(i);
    }
    assertThat(byWorkspace.keySet()).hasSize(WORKSPACES);
    for (Map.Entry<String, List<Integer>> e : byWorkspace.entrySet()) {
      assertThat(e.getValue())
          .as("committed tasks of %s: all, once each, in order", e.getKey())
          .isEqualTo(expected);
    }
    for (int p : moved) {
      String text = readJournal(journal, p);
      // the survivor's first task in a moved partition is at the killed worker's last checkpoint
      long lastCheckpointOfA = -1;
      long firstOfB = -1;
      int appliedByB = 0;
      boolean afterA = false;
      List<String[]> pending = new ArrayList<>();
      for (String line : text.split("\n")) {
        String[] parts = line.split(" ", 5);
        if (parts[0].equals("T")) {
          pending.add(parts);
        } else if (parts[0].equals("C")) {
          long pid = Long.parseLong(parts[3]);
          if (pid == pidA) {
            lastCheckpointOfA = Long.parseLong(parts[1]);
          } else if (pid == pidB) {
            for (String[] t : pending) {
              if (t[1].equals("0")) {
                if (firstOfB < 0) {
                  firstOfB = Long.parseLong(t[2]);
                }
                appliedByB++;
              }
            }
            afterA = true;
          }
          pending.clear();
        }
      }
      System.out.printf(
          "partition %d: killed worker's last checkpoint %d, survivor resumed at %d and applied %d"
              + " task(s)%n",
          p, lastCheckpointOfA, firstOfB, appliedByB);
      assertThat(afterA).as("the survivor took partition %d over", p).isTrue();
      if (lastCheckpointOfA >= 0 && firstOfB >= 0) {
        assertThat(firstOfB)
            .as("partition %d: the survivor replays from the last commit, not before", p)
            .isEqualTo(lastCheckpointOfA);
      }
    }
  }

  private static String readJournal(Path journal, int p) {
    try {
      return Files.readString(JournalBackend.file(journal, p));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int committedTasks(Path journal) {
    int n = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      n += JournalBackend.read(journal, p, 2).tasks().size();
    }
    return n;
  }

  private Process startWorker(String name, String topic, Path journal) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : System.getProperty("indexq.jvm.options", "").trim().split("\\s+")) {
      if (!o.isBlank()) {
        cmd.add(o);
      }
    }
    cmd.add("-Xmx256m");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(WorkerChild.class.getName());
    cmd.add(SharedCluster.get().bootstrapServers());
    cmd.add(topic);
    cmd.add(Integer.toString(PARTITIONS));
    cmd.add(journal.toString());
    cmd.add(name);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(dir.resolve(name + ".out").toFile());
    pb.redirectError(dir.resolve(name + ".err").toFile());
    Process p = pb.start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError(
                    name + " exited: " + Files.readString(dir.resolve(name + ".err")));
              }
              return Files.readString(dir.resolve(name + ".out")).contains("READY");
            });
    return p;
  }

  /** Waits until both workers own partitions; returns each one's (by client id). */
  private static Map<String, Set<Integer>> awaitTwoMembers(
      TestCluster cluster, String group, String topic) {
    Map<String, Set<Integer>> owners = new TreeMap<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              ConsumerGroupDescription d =
                  cluster
                      .admin()
                      .describeConsumerGroups(List.of(group))
                      .describedGroups()
                      .get(group)
                      .get();
              owners.clear();
              int total = 0;
              for (MemberDescription m : d.members()) {
                Set<Integer> ps = new TreeSet<>();
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                  if (tp.topic().equals(topic)) {
                    ps.add(tp.partition());
                  }
                }
                owners.put(m.clientId(), ps);
                total += ps.size();
              }
              return owners.size() == 2
                  && total == PARTITIONS
                  && owners.values().stream().noneMatch(Set::isEmpty);
            });
    return owners;
  }
}
