package dev.indexqueue.cli;

import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.ShutdownReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CLI command's hold on a data directory: the lock, the workspace registry, and an {@link
 * IndexingService} on the Lucene index and the chosen queue, reading workspaces through a {@link
 * RegistryWorkspaceSource}. Not thread-safe for opening and closing; {@link #service()} is the
 * thread-safe service. {@link #close()} shuts the service down gracefully (drain, commit), keeps
 * its dead letters, and releases the lock.
 */
final class Session implements AutoCloseable {
  /** How long a command waits for the work left by an earlier run (replay) before giving up. */
  static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(5);

  private final DataDirectory data;
  private final WorkspaceRegistry registry;
  private final RegistryWorkspaceSource source;
  private final IndexingService service;
  private final DeadLetterFile deadLetters;
  private ShutdownReport report;

  private Session(
      DataDirectory data,
      WorkspaceRegistry registry,
      RegistryWorkspaceSource source,
      IndexingService service) {
    this.data = data;
    this.registry = registry;
    this.source = source;
    this.service = service;
    this.deadLetters = new DeadLetterFile(data.path());
  }

  /**
   * Locks the data directory and starts the service (which replays what an earlier run left in a
   * persistent queue).
   *
   * @param root the global options
   * @param command what this run does, for the lock file
   * @throws UsageException when the data directory cannot be used or is busy
   */
  static Session open(Indexq root, String command) {
    DataDirectory data = DataDirectory.open(root.dataDirectory(), command);
    try {
      WorkspaceRegistry registry = WorkspaceRegistry.load(data.path());
      RegistryWorkspaceSource source = new RegistryWorkspaceSource();
      for (Map.Entry<String, Path> e : registry.workspaces().entrySet()) {
        if (Files.isDirectory(e.getValue())) {
          source.put(e.getKey(), e.getValue());
        }
      }
      IndexingService service =
          IndexingService.builder()
              .name("indexq")
              .queue(
                  root.queueKind().name(),
                  root.queueKind() == Indexq.QueueKind.chronicle
                      ? Map.of("directory", data.queue().toString())
                      : Map.of())
              .backend("lucene", Map.of("directory", data.index().toString()))
              .workspaceSource(source)
              .lanes(2)
              .batchSize(64) // smaller batches: smoother progress, same commits
              .build();
      return new Session(data, registry, source, service);
    } catch (RuntimeException | Error e) {
      data.close();
      throw e;
    }
  }

  /** The running service. */
  IndexingService service() {
    return service;
  }

  /** The workspace source over the registered directories. */
  RegistryWorkspaceSource source() {
    return source;
  }

  /** The registry. */
  WorkspaceRegistry registry() {
    return registry;
  }

  /** The data directory. */
  DataDirectory data() {
    return data;
  }

  /** The persisted dead letters. */
  DeadLetterFile deadLetterFile() {
    return deadLetters;
  }

  /**
   * Registers a workspace (or points it to another directory).
   *
   * @param name the workspace
   * @param directory its real, absolute directory
   * @return the directory it pointed to before, or null
   */
  Path register(String name, Path directory) {
    Path before = registry.workspaces().get(name);
    source.put(name, directory);
    registry.register(name, directory);
    return before;
  }

  /**
   * The workspaces a command works on: the one selected, or every registered one.
   *
   * @param selected a workspace name or null
   * @throws UsageException when {@code selected} is not registered, or nothing is
   */
  List<String> workspaces(String selected) {
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

  /**
   * Waits until what earlier runs left in the queue is applied and visible for these workspaces.
   *
   * @param workspaces the workspaces
   * @throws InterruptedException when interrupted
   */
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
    try {
      report = service.shutdown(Duration.ofSeconds(30));
      deadLetters.append(service.deadLetters().list());
    } finally {
      data.close();
    }
  }
}
