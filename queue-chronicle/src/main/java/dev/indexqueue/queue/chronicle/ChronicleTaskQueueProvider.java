package dev.indexqueue.queue.chronicle;

import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.ProviderConfig;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TaskQueueProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * Provides the persistent Chronicle Queue task queue under the name {@value #NAME}. Stateless and
 * thread-safe; the queues it creates are safe for many appending threads, one reader per partition
 * and an acknowledging thread, survive a crash of the process once {@code append} returned, and
 * survive a power loss as their {@link SyncPolicy} says.
 *
 * <p>Settings (unknown keys are rejected, naming the key):
 *
 * <ul>
 *   <li>{@code directory} (required): where the queue files live; created when missing. One process
 *       at a time may open it (a lock file enforces this). It holds one sub-directory per
 *       (partition, band) log and a layout file; see the module README.
 *   <li>{@code partitions}: the number of partitions, 1 to 4096; default 1, and the service's lane
 *       count when the service builder creates the queue. A directory keeps the layout it was
 *       created with: opened with another one, it is migrated when every task in it was
 *       acknowledged, and refused (naming both layouts and the way out) when it holds tasks.
 *   <li>{@code bands}: 1 or 2 (default): with 2, urgent tasks (priority below 0) have a log of
 *       their own in each partition, read before the normal one.
 *   <li>{@code capacity}: the most unacknowledged tasks over all logs, 1 to 2<sup>40</sup>; default
 *       {@value #DEFAULT_CAPACITY}. It bounds the disk used by the unacknowledged tails.
 *   <li>{@code syncPolicy}: {@code NONE}, {@code BATCH} (default) or {@code EVERY}; see {@link
 *       SyncPolicy} for what each guarantees and costs.
 *   <li>{@code rollCycle}: how often a new queue file starts, a Chronicle {@code RollCycles} name
 *       such as {@code FAST_HOURLY} (default) or {@code FAST_DAILY}, or a {@code TestRollCycles}
 *       name such as {@code TEST_SECONDLY}. Files whose tasks are all acknowledged are deleted,
 *       except each log's newest. A queue keeps the roll cycle it was created with.
 * </ul>
 *
 * <p>The JVM needs the options of the parent pom property {@code indexq.jvm.options}; creating a
 * queue without them throws an {@link IllegalStateException} that lists them.
 */
public final class ChronicleTaskQueueProvider implements TaskQueueProvider {
  /** The provider's name. */
  public static final String NAME = "chronicle";

  /** The capacity when none is configured. */
  public static final long DEFAULT_CAPACITY = 1L << 20;

  /** The largest capacity. */
  public static final long MAX_CAPACITY = 1L << 40;

  /** The roll cycle when none is configured. */
  public static final String DEFAULT_ROLL_CYCLE = "FAST_HOURLY";

  /** The number of bands when none is configured. */
  public static final int DEFAULT_BANDS = 2;

  private static final Set<String> KEYS =
      Set.of("directory", PARTITIONS, "bands", "capacity", "syncPolicy", "rollCycle");

  /** For {@link java.util.ServiceLoader}. */
  public ChronicleTaskQueueProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Opens (or creates) a queue.
   *
   * @param config the settings described on this class
   * @throws IllegalArgumentException naming the key when a setting is unknown, missing or invalid
   * @throws IllegalStateException when the directory is held by another queue, a file is corrupt,
   *     or JVM options are missing
   */
  @Override
  public TaskQueue create(Map<String, String> config) {
    ProviderConfig c = ProviderConfig.of("chronicle queue", config, KEYS);
    return newQueue(
        c.requiredPath("directory"),
        (int) c.longValue(PARTITIONS, 1, 1, Partitioning.MAX_PARTITIONS),
        (int) c.longValue("bands", DEFAULT_BANDS, 1, 2),
        c.longValue("capacity", DEFAULT_CAPACITY, 1, MAX_CAPACITY),
        c.enumValue("syncPolicy", SyncPolicy.class, SyncPolicy.BATCH),
        rollCycle(config.getOrDefault("rollCycle", DEFAULT_ROLL_CYCLE)));
  }

  /**
   * Opens (or creates) a queue of one partition and {@value #DEFAULT_BANDS} bands directly, without
   * the service loader, with the default roll cycle.
   *
   * @param directory where the queue files live
   * @param capacity the most unacknowledged tasks, 1 to {@value #MAX_CAPACITY}
   * @param syncPolicy when records are forced to the device
   * @throws IllegalArgumentException naming the parameter when one is invalid
   * @throws IllegalStateException when the directory is held by another queue, a file is corrupt,
   *     the directory holds tasks under another layout, or JVM options are missing
   */
  public static TaskQueue newQueue(Path directory, long capacity, SyncPolicy syncPolicy) {
    return newQueue(directory, 1, capacity, syncPolicy);
  }

  /**
   * Opens (or creates) a queue of {@code partitions} partitions and {@value #DEFAULT_BANDS} bands
   * directly, without the service loader, with the default roll cycle.
   *
   * @param directory where the queue files live
   * @param partitions the number of partitions, 1 to 4096
   * @param capacity the most unacknowledged tasks over all partitions, 1 to {@value #MAX_CAPACITY}
   * @param syncPolicy when records are forced to the device
   * @throws IllegalArgumentException naming the parameter when one is invalid
   * @throws IllegalStateException when the directory is held by another queue, a file is corrupt,
   *     the directory holds tasks under another layout, or JVM options are missing
   */
  public static TaskQueue newQueue(
      Path directory, int partitions, long capacity, SyncPolicy syncPolicy) {
    if (directory == null) {
      throw new IllegalArgumentException("directory: is required, was: null");
    }
    if (syncPolicy == null) {
      throw new IllegalArgumentException("syncPolicy: is required, was: null");
    }
    return newQueue(
        directory, partitions, DEFAULT_BANDS, capacity, syncPolicy, rollCycle(DEFAULT_ROLL_CYCLE));
  }

  static ChronicleTaskQueue newQueue(
      Path directory,
      int partitions,
      int bands,
      long capacity,
      SyncPolicy syncPolicy,
      RollCycle rollCycle) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "capacity: must be between 1 and " + MAX_CAPACITY + ", was: " + capacity);
    }
    return new ChronicleTaskQueue(
        new ChronicleTaskQueue.Settings(
            directory,
            partitions,
            bands,
            capacity,
            syncPolicy,
            rollCycle,
            SystemTimeProvider.INSTANCE));
  }

  /** Resolves a roll cycle name. */
  static RollCycle rollCycle(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    List<String> known = new ArrayList<>();
    for (RollCycles r : RollCycles.values()) {
      if (r.name().equals(n)) {
        return r;
      }
      known.add(r.name());
    }
    for (TestRollCycles r : TestRollCycles.values()) {
      if (r.name().equals(n)) {
        return r;
      }
      known.add(r.name());
    }
    throw new IllegalArgumentException(
        "rollCycle: must be one of " + known + ", was: \"" + name + "\"");
  }
}
