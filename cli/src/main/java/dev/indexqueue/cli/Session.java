package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.IndexingServiceBuilder;
import dev.indexqueue.LifecycleState;
import dev.indexqueue.Role;
import dev.indexqueue.ShutdownReport;
import dev.indexqueue.spi.Providers;
import dev.indexqueue.spi.QueueGroup;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import dev.indexqueue.workspace.WorkspaceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One command's hold on a data directory: the lock, the workspace registry, an {@link
 * IndexingService} on the Lucene index and the chosen queue, and a {@link WorkspaceManager} over
 * the registered directories. Not thread-safe for opening and closing; {@link #service()} and
 * {@link #manager()} are thread-safe. {@link #close()} shuts the service down gracefully (drain,
 * commit), keeps its dead letters, and releases the lock.
 */
final class Session implements AutoCloseable {
  /** How long a command waits for the work left by an earlier run (replay) before giving up. */
  static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(5);

  /** The service's lane count (and the default partition count of a Kafka topic). */
  static final int LANES = 2;

  private final NodeSettings node;
  private final Role role;
  private final TaskQueue clusterQueue;
  private final String ownClientId;
  private final DataDirectory data;
  private final WorkspaceRegistry registry;
  private final FileSystemWorkspaceSource source;
  private final IndexingService service;
  private final WorkspaceManager manager;
  private final DeadLetterFile deadLetters;
  private WorkspaceManager prioritized;
  private Duration shutdownTimeout = Duration.ofSeconds(30);
  private ShutdownReport report;

  private Session(
      DataDirectory data,
      WorkspaceRegistry registry,
      FileSystemWorkspaceSource source,
      IndexingService service,
      NodeSettings node,
      Role role,
      TaskQueue clusterQueue,
      String ownClientId) {
    this.node = node;
    this.role = role;
    this.ownClientId = ownClientId;
    this.clusterQueue = clusterQueue;
    this.data = data;
    this.registry = registry;
    this.source = source;
    this.service = service;
    this.manager = new WorkspaceManager(source, service);
    this.prioritized = manager;
    this.deadLetters = new DeadLetterFile(data.path());
  }

  /**
   * Locks the data directory and starts the service (which replays what an earlier run left in a
   * persistent queue).
   *
   * @param root the global options
   * @param command what this run does, for the lock file
   * @throws UsageException when the data directory cannot be used or is busy
   * @throws CliException when the queue is damaged
   */
  static Session open(Indexq root, String command) {
    return open(root, command, false);
  }

  /**
   * {@link #open(Indexq, String)}; {@code readOnly}: the command only reads (status), so on a
   * cluster queue the node joins as a PRODUCER whatever {@code --role} says (it must not take
   * partitions from the workers).
   */
  static Session open(Indexq root, String command, boolean readOnly) {
    if (!readOnly && root.node().role() == Role.WORKER && !command.equals("serve")) {
      throw new UsageException(
          "indexq "
              + command.split(" ")[0]
              + ": a worker node (--role worker) applies tasks and submits none; run it with"
              + " --role producer or both, or run 'indexq serve' on a worker");
    }
    DataDirectory data = DataDirectory.open(root.dataDirectory(), command);
    try {
      WorkspaceRegistry registry = WorkspaceRegistry.load(data.path());
      FileSystemWorkspaceSource source = FileSystemWorkspaceSource.builder().build();
      for (Map.Entry<String, Path> e : registry.workspaces().entrySet()) {
        if (Files.isDirectory(e.getValue())) {
          source.register(e.getKey(), e.getValue());
        }
      }
      NodeSettings node = root.node();
      Role role = readOnly && node.isCluster() ? Role.PRODUCER : node.role();
      IndexingService service;
      TaskQueue queue = null;
      String memberClientId = null;
      try {
        IndexingServiceBuilder b =
            WorkspaceManager.configure(IndexingService.builder(), source)
                .name("indexq")
                .lanes(LANES)
                .batchSize(64); // smaller batches: smoother progress, same commits
        if (node.isCluster()) {
          // the session keeps the queue to show its group in status; the service closes it
          Map<String, String> qc = node.queueConfig(data, LANES, clientId());
          memberClientId = qc.getOrDefault("kafka.consumer.client.id", qc.get("kafka.client.id"));
          queue = Providers.taskQueue(node.queue().name(), qc);
          b.queue(queue);
        } else {
          b.queue(node.queue().name(), node.queueConfig(data, LANES, null));
        }
        service =
            b.backend(node.backend().name(), node.backendConfig(data.path())).role(role).build();
      } catch (RuntimeException | AssertionError | InternalError e) {
        if (queue != null) {
          queue.close();
        }
        if (node.isCluster() || node.backend() != Indexq.BackendKind.lucene) {
          throw clusterFailure(node, e);
        }
        throw QueueDamage.classify(data, e);
      }
      if (service.queueStatus().state() == LifecycleState.FAILED) {
        String why = service.queueStatus().failure();
        service.shutdown(Duration.ofSeconds(1));
        throw QueueDamage.damaged(data, new IllegalStateException(why));
      }
      return new Session(data, registry, source, service, node, role, queue, memberClientId);
    } catch (RuntimeException | Error e) {
      data.close();
      throw e;
    }
  }

  /** A failure to start a cluster node: its settings or the cluster are wrong, one line. */
  private static RuntimeException clusterFailure(NodeSettings node, Throwable e) {
    UsageException usage = Errors.asUsage(e);
    String why = usage != null ? usage.getMessage() : Errors.describe(e);
    return new UsageException("cannot start the node (" + node.describe() + "): " + why, e);
  }

  private static final java.util.concurrent.atomic.AtomicInteger SESSIONS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** This node's Kafka client id: indexq-HOST-PID, so that status tells the nodes apart. */
  static String clientId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    int n = SESSIONS.incrementAndGet(); // a second node in one JVM (tests) gets its own id
    return "indexq-"
        + host.replaceAll("[^A-Za-z0-9._-]", "_")
        + "-"
        + ProcessHandle.current().pid()
        + (n == 1 ? "" : "-" + n);
  }

  NodeSettings node() {
    return node;
  }

  /** The role this session's service runs in (status: a producer whatever --role says). */
  Role role() {
    return role;
  }

  /**
   * The group of the cluster queue this node shares, for status: members, their partitions, the
   * lag; empty for a local queue.
   *
   * @throws RuntimeException when the cluster cannot tell
   */
  Optional<QueueGroup> group() {
    return clusterQueue == null ? Optional.empty() : clusterQueue.group();
  }

  /** The Kafka client id of this node's consumer, or null. */
  String memberClientId() {
    return clusterQueue == null ? null : ownClientId;
  }

  IndexingService service() {
    return service;
  }

  WorkspaceManager manager() {
    return prioritized;
  }

  /** This session with the manager submitting at {@code priority}. */
  Session withPriority(int priority) {
    prioritized = manager.withPriority(priority);
    return this;
  }

  FileSystemWorkspaceSource source() {
    return source;
  }

  WorkspaceRegistry registry() {
    return registry;
  }

  DataDirectory data() {
    return data;
  }

  DeadLetterFile deadLetterFile() {
    return deadLetters;
  }

  /** How long {@link #close()} drains at most (Ctrl-C: short). */
  void shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = timeout;
  }

  /**
   * Registers a workspace (or points it to another directory) and saves the registry.
   *
   * @param name the workspace
   * @param directory its directory
   * @return the directory it pointed to before, or null
   */
  Path register(String name, Path directory) {
    Path before = registry.workspaces().get(name);
    Path real = manager.register(name, directory);
    registry.register(name, real);
    return before;
  }

  /**
   * The workspaces a command works on: the one selected, or every registered one.
   *
   * @param selected a workspace name or null
   * @throws UsageException when {@code selected} is not registered, or nothing is
   */
  List<String> workspaces(String selected) {
    return workspaces(registry, selected);
  }

  static List<String> workspaces(WorkspaceRegistry registry, String selected) {
    if (selected != null) {
      IndexTask.checkWorkspace(selected);
      registry.directory(selected);
      return List.of(selected);
    }
    if (registry.workspaces().isEmpty()) {
      throw new UsageException("no workspace is registered yet: run 'indexq index DIR' first");
    }
    return new ArrayList<>(registry.workspaces().keySet());
  }

  /** Waits until what earlier runs left in the queue is applied and visible. */
  void awaitReady(List<String> workspaces) throws InterruptedException {
    for (String ws : workspaces) {
      if (!service.awaitIndexReady(ws, REPLAY_TIMEOUT)) {
        throw new IllegalStateException(
            "workspace " + ws + " is not ready after " + REPLAY_TIMEOUT.toSeconds() + " s");
      }
    }
  }

  /** The shutdown report, once closed. */
  ShutdownReport report() {
    return report;
  }

  /** Keeps the dead letters, shuts the service down gracefully and releases the lock. */
  @Override
  public void close() {
    if (report != null) {
      return;
    }
    try {
      report = service.shutdown(shutdownTimeout);
      deadLetters.append(service.deadLetters().list());
    } finally {
      data.close();
    }
  }
}
