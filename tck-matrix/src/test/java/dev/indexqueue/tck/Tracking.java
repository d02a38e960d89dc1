package dev.indexqueue.tck;

import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexBackendProvider;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.TaskQueue;
import dev.indexqueue.spi.TaskQueueProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Providers for the builder's tests, found by {@link java.util.ServiceLoader} (see {@code
 * src/test/resources/META-INF/services}): {@value Queues#NAME} creates memory queues and {@value
 * Backends#NAME} recording backends, and both count what they created and what was closed, per test
 * run id (setting {@code run}). Thread-safe.
 */
final class Tracking {
  private Tracking() {}

  /** What one run created and closed. */
  static final class Counts {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
  }

  private static final Map<String, Counts> QUEUES = new ConcurrentHashMap<>();
  private static final Map<String, Counts> BACKENDS = new ConcurrentHashMap<>();
  private static final Map<String, RecordingBackend.Storage> STORAGES = new ConcurrentHashMap<>();

  static Counts queues(String run) {
    return QUEUES.computeIfAbsent(run, k -> new Counts());
  }

  static Counts backends(String run) {
    return BACKENDS.computeIfAbsent(run, k -> new Counts());
  }

  /** The storage the {@value Backends#NAME} backends of {@code run} commit to. */
  static RecordingBackend.Storage storage(String run) {
    return STORAGES.computeIfAbsent(run, k -> new RecordingBackend.Storage());
  }

  /** Memory queues (settings: run, partitions), counted. */
  public static final class Queues implements TaskQueueProvider {
    static final String NAME = "tracking-queue";

    /** For the service loader. */
    public Queues() {}

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public TaskQueue create(Map<String, String> config) {
      Counts counts = queues(config.get("run"));
      counts.created.incrementAndGet();
      TaskQueue q =
          MemoryTaskQueueProvider.newQueue(
              Integer.parseInt(config.getOrDefault(PARTITIONS, "1")), 1000);
      return new Counted(q, counts);
    }
  }

  /** Recording backends over one storage per run (setting: run), counted. */
  public static final class Backends implements IndexBackendProvider {
    static final String NAME = "tracking-backend";

    /** For the service loader. */
    public Backends() {}

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public IndexBackend create(Map<String, String> config) {
      String run = config.get("run");
      Counts counts = backends(run);
      counts.created.incrementAndGet();
      RecordingBackend b = new RecordingBackend(storage(run));
      return new CountedBackend(b, counts);
    }
  }

  private static final class Counted extends ForwardingTaskQueue {
    private final Counts counts;
    private boolean closed;

    Counted(TaskQueue q, Counts counts) {
      super(q);
      this.counts = counts;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        counts.closed.incrementAndGet();
      }
      delegate.close();
    }
  }

  private static final class CountedBackend implements IndexBackend {
    private final RecordingBackend b;
    private final Counts counts;
    private boolean closed;

    CountedBackend(RecordingBackend b, Counts counts) {
      this.b = b;
      this.counts = counts;
    }

    @Override
    public void apply(Batch batch) {
      b.apply(batch);
    }

    @Override
    public void commit(Checkpoint checkpoint) {
      b.commit(checkpoint);
    }

    @Override
    public Checkpoint committedCheckpoint() {
      return b.committedCheckpoint();
    }

    @Override
    public void makeVisible() {
      b.makeVisible();
    }

    @Override
    public List<IndexedDocument> documents(String workspace) {
      return b.documents(workspace);
    }

    @Override
    public Set<String> workspaces() {
      return b.workspaces();
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        counts.closed.incrementAndGet();
      }
      b.close();
    }
  }
}
