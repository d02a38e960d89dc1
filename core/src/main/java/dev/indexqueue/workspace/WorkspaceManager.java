package dev.indexqueue.workspace;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.Ticket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Changes the files of workspaces and tells an {@link IndexingService} about each change: the
 * workspace tools API. Thread-safe: any number of threads may call any method.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Checks first.</b> Every check runs before anything is written: the workspace name, the
 *       path, the content (valid Unicode, at most {@link #maxContentBytes()} UTF-8 bytes),
 *       containment, whether the file exists. A refused call writes nothing.
 *   <li><b>Nothing written when the task is refused.</b> The new content goes to a temporary file
 *       next to the target, the task is submitted, and only then is the temporary file moved over
 *       the target (atomically) or the file deleted. When {@code submit} refuses the task (the
 *       service's own content bound, a full queue, a service shutting down) the temporary file is
 *       removed, so the workspace is as before, and the exception is thrown. When the file change
 *       fails after the submit, a second task brings the index back to what is on disk.
 *   <li><b>One size bound.</b> The source's {@link FileSystemWorkspaceSource#maxFileBytes()} is the
 *       bound of a workspace's text: the source skips larger files and this manager refuses larger
 *       content. Build the service with {@code maxContentBytes} at least as large (the defaults
 *       agree: 16 MiB); {@link #configure} does so.
 *   <li><b>Containment.</b> No operation reads, writes or deletes outside the workspace's
 *       directory. A path with a {@code ..} segment, an absolute path, or a path on which an
 *       existing component is a symbolic link pointing outside the workspace directory (or a linked
 *       directory at all, which the source would not follow) is refused with an {@link
 *       IllegalArgumentException} naming the field and the rule.
 *   <li><b>Atomic writes.</b> Readers see the old or the new content, never a mix. The write is not
 *       forced to disk: a power loss may lose it (the submitted task still carries the content).
 *   <li><b>Index follows files.</b> Changes of one path (and of one workspace against {@link
 *       #removeWorkspace}) are serialized, so their tasks reach the queue in the order the files
 *       change. A file the source would not index (hidden, excluded, binary) gets a {@code
 *       REMOVE_FILE} task instead of {@code INDEX_FILE}, so the index stays equal to the source.
 * </ul>
 *
 * <p>Any directory can be a workspace: {@link #register} it under a name, then {@link #index} it
 * (incremental, with progress). Changes made behind this API's back are found by {@link #index} or
 * {@link #forceReindex}. Every task gets this manager's {@link #priority()}; {@link #withPriority}
 * gives a manager over the same workspaces that submits at another priority.
 */
public final class WorkspaceManager {
  private static final int PATH_STRIPES = 64;
  private static final long PROGRESS_NANOS = 100_000_000L;

  /** What managers of one source and service share: the locks. */
  private record Shared(
      FileSystemWorkspaceSource source,
      IndexingService service,
      ConcurrentHashMap<String, ReentrantReadWriteLock> workspaceLocks,
      Lock[] pathLocks) {}

  private final Shared shared;
  private final FileSystemWorkspaceSource source;
  private final IndexingService service;
  private final int priority;

  /**
   * Creates a manager at {@link IndexTask#NORMAL_PRIORITY}. The service should use {@code source}
   * as its workspace source, so that {@code REINDEX_WORKSPACE} and the index status see the files
   * this manager writes, and accept contents of {@link FileSystemWorkspaceSource#maxFileBytes()}
   * bytes: see {@link #configure}.
   *
   * @param source the workspaces' directories and indexing rules
   * @param service where the tasks go
   */
  public WorkspaceManager(FileSystemWorkspaceSource source, IndexingService service) {
    Lock[] locks = new Lock[PATH_STRIPES];
    for (int i = 0; i < PATH_STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    this.shared =
        new Shared(
            Objects.requireNonNull(source, "source"),
            Objects.requireNonNull(service, "service"),
            new ConcurrentHashMap<>(),
            locks);
    this.source = source;
    this.service = service;
    this.priority = IndexTask.NORMAL_PRIORITY;
  }

  private WorkspaceManager(Shared shared, int priority) {
    this.shared = shared;
    this.source = shared.source();
    this.service = shared.service();
    this.priority = priority;
  }

  /**
   * Sets up a service builder for a manager over {@code source}: the source as its workspace source
   * and its content bound equal to the source's, so that the two bounds are one.
   *
   * @param builder the service builder
   * @param source the workspaces' source
   * @return the builder
   */
  public static dev.indexqueue.IndexingServiceBuilder configure(
      dev.indexqueue.IndexingServiceBuilder builder, FileSystemWorkspaceSource source) {
    return builder.workspaceSource(source).maxContentBytes(source.maxFileBytes());
  }

  /**
   * A manager over the same workspaces, service and locks whose tasks have another priority (lower
   * is more urgent).
   *
   * @param priority the priority of the tasks it submits
   */
  public WorkspaceManager withPriority(int priority) {
    return new WorkspaceManager(shared, priority);
  }

  /** The priority of the tasks this manager submits. */
  public int priority() {
    return priority;
  }

  /** The largest content written, in UTF-8 bytes: the source's {@code maxFileBytes}. */
  public long maxContentBytes() {
    return source.maxFileBytes();
  }

  /** The source this manager writes through. */
  public FileSystemWorkspaceSource source() {
    return source;
  }

  /**
   * Makes {@code directory}, any directory, the workspace {@code workspace}: see {@link
   * FileSystemWorkspaceSource#register}. Nothing is indexed yet: call {@link #index}.
   *
   * @param workspace a valid workspace name (the directory's own name does not matter)
   * @param directory an existing, readable directory
   * @return the real directory registered
   * @throws IllegalArgumentException naming {@code workspace} or {@code directory} when invalid
   */
  public Path register(String workspace, Path directory) {
    ReentrantReadWriteLock ws = workspaceLock(workspace);
    ws.writeLock().lock();
    try {
      return source.register(workspace, directory);
    } finally {
      ws.writeLock().unlock();
    }
  }

  /**
   * Creates a file that must not exist yet (parent directories are created), submitting INDEX_FILE.
   *
   * @param workspace a valid workspace name (its directory under the root is created when missing)
   * @param path the file's path in the workspace: relative, normalized, {@code /}-separated
   * @param content the text, written as UTF-8
   * @return the ticket of the submitted task
   * @throws IllegalArgumentException when the workspace, path or content is invalid, the content is
   *     too large or the path would escape the workspace; nothing is written
   * @throws FileAlreadyExistsException when the file exists
   * @throws IOException when writing fails
   */
  public Ticket createFile(String workspace, String path, String content) throws IOException {
    return write(workspace, path, content, true);
  }

  /**
   * Replaces the content of an existing file atomically, submitting INDEX_FILE.
   *
   * @param workspace a valid workspace name
   * @param path the file's path in the workspace
   * @param content the new text, written as UTF-8
   * @return the ticket of the submitted task
   * @throws IllegalArgumentException when the workspace, path or content is invalid, the content is
   *     too large or the path would escape the workspace; nothing is written
   * @throws NoSuchFileException when the file does not exist
   * @throws IOException when writing fails
   */
  public Ticket updateFile(String workspace, String path, String content) throws IOException {
    return write(workspace, path, content, false);
  }

  /**
   * Deletes an existing file (a symbolic link is deleted, not its target), submitting REMOVE_FILE.
   *
   * @param workspace a valid workspace name
   * @param path the file's path in the workspace
   * @return the ticket of the submitted task
   * @throws IllegalArgumentException when the workspace or path is invalid or would escape the
   *     workspace; nothing is deleted
   * @throws NoSuchFileException when the file does not exist
   * @throws IOException when deleting fails or the path is a directory
   */
  public Ticket deleteFile(String workspace, String path) throws IOException {
    IndexTask task = IndexTask.removeFile(workspace, path).withPriority(priority);
    ReentrantReadWriteLock ws = workspaceLock(workspace);
    ws.readLock().lock();
    Lock p = pathLock(workspace, path);
    p.lock();
    try {
      Path target = WorkspacePaths.resolve(source.workspaceDirectory(workspace), path);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(target.toString(), null, "deleteFile: no such file");
      }
      if (a.isDirectory()) {
        throw new IOException("deleteFile: " + target + " is a directory, not a file");
      }
      Ticket t = service.submit(task);
      try {
        Files.delete(target);
      } catch (IOException e) {
        restoreIndex(workspace, path, e);
        throw e;
      }
      return t;
    } finally {
      p.unlock();
      ws.readLock().unlock();
    }
  }

  /**
   * Submits REINDEX_WORKSPACE: the index of the workspace is made equal to its files, including
   * changes made behind this API's back, in one task (no progress; see {@link #index}).
   *
   * @param workspace a valid workspace name
   * @return the ticket of the submitted task
   */
  public Ticket forceReindex(String workspace) {
    return service.submit(IndexTask.reindexWorkspace(workspace).withPriority(priority));
  }

  /**
   * Removes a workspace: its documents leave the index (REMOVE_WORKSPACE). A workspace under the
   * root has its directory and everything in it deleted first (links are deleted, never followed);
   * a {@link #register registered} directory is not deleted, only unregistered.
   *
   * @param workspace a valid workspace name
   * @return the ticket of the submitted task (also when the directory did not exist)
   * @throws IllegalArgumentException when the name is invalid or its directory under the root is a
   *     symbolic link
   * @throws IOException when deleting fails; what was deleted stays deleted and nothing is
   *     submitted
   */
  public Ticket removeWorkspace(String workspace) throws IOException {
    IndexTask task = IndexTask.removeWorkspace(workspace).withPriority(priority);
    ReentrantReadWriteLock ws = workspaceLock(workspace);
    ws.writeLock().lock();
    try {
      if (source.isRegistered(workspace)) {
        Ticket t = service.submit(task);
        source.unregister(workspace);
        return t;
      }
      Path dir = source.workspaceDirectory(workspace);
      WorkspacePaths.checkWorkspaceDirectory(dir);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(dir);
      }
      return service.submit(task);
    } finally {
      ws.writeLock().unlock();
    }
  }

  /** The workspaces, sorted; see {@link FileSystemWorkspaceSource#workspaces()}. */
  public List<String> listWorkspaces() {
    return source.workspaces();
  }

  /**
   * Brings the index of a workspace up to date with its files, incrementally, and waits until the
   * result is searchable. It waits until what was submitted before is visible, compares the index's
   * content hashes with the files ({@link IndexingService#indexStatus}), submits {@code INDEX_FILE}
   * for new and changed files and {@code REMOVE_FILE} for documents whose files are gone, and
   * nothing for unchanged files: a workspace that did not change costs no indexing work.
   *
   * <p>{@code listener} is called on the calling thread: once when the work is known, then at most
   * every 100 ms while tasks are submitted and applied, and once at the end. Interrupting the
   * calling thread stops the run: it submits nothing more, returns at once with {@link
   * IndexReport#interrupted()} set and keeps the interrupt flag; what was submitted is applied by
   * the service as usual.
   *
   * @param workspace a valid workspace name whose directory exists
   * @param listener receives progress; may be null
   * @return what the run did
   * @throws IllegalArgumentException when the workspace is invalid or has no directory
   * @throws IllegalStateException when the service failed or is shutting down
   */
  public IndexReport index(String workspace, java.util.function.Consumer<IndexProgress> listener) {
    long t0 = System.nanoTime();
    Path dir = source.workspaceDirectory(workspace);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "workspace: its directory " + dir + " does not exist, was: " + workspace);
    }
    java.util.function.Consumer<IndexProgress> out = listener == null ? p -> {} : listener;
    try {
      while (!service.awaitIndexReady(workspace, Duration.ofSeconds(1))) {
        out.accept(new IndexProgress(workspace, 0, 0, 0, 0, 0, 0, since(t0)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new IndexReport(workspace, 0, 0, 0, 0, 0, 0, true, 0, since(t0), null);
    }
    IndexStatus before = service.indexStatus(workspace);
    List<String> toIndex = new ArrayList<>(before.missingPaths());
    toIndex.addAll(before.stalePaths());
    List<String> toRemove = before.extraPaths();
    int total = toIndex.size() + toRemove.size();
    Run run = new Run(workspace, total, before.upToDate(), before.skippedFiles(), t0, out);
    run.report(true);
    long bytes = 0;
    boolean interrupted = false;
    int submitted = 0;
    List<String> all = new ArrayList<>(toIndex);
    all.addAll(toRemove);
    for (String path : all) {
      if (Thread.currentThread().isInterrupted()) {
        interrupted = true;
        break;
      }
      Optional<String> text;
      try {
        text = source.read(workspace, path);
      } catch (IOException e) {
        text = Optional.empty(); // unreadable now: the source no longer lists it either
      }
      IndexTask task =
          text.isPresent()
              ? IndexTask.indexFile(workspace, path, text.get())
              : IndexTask.removeFile(workspace, path);
      try {
        Ticket t = service.submit(task.withPriority(priority));
        bytes += text.map(s -> (long) s.length()).orElse(0L);
        run.track(t);
      } catch (IllegalArgumentException e) {
        run.refused();
      }
      submitted++;
      run.submitted(submitted);
      run.report(false);
    }
    if (!interrupted) {
      interrupted = !run.awaitDone();
    }
    if (!interrupted && submitted > 0) {
      try {
        while (!service.awaitIndexReady(workspace, Duration.ofSeconds(1))) {
          run.report(false);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        interrupted = true;
      }
    }
    IndexStatus after = submitted > 0 && !interrupted ? service.indexStatus(workspace) : before;
    run.report(true);
    return new IndexReport(
        workspace,
        toIndex.size(),
        toRemove.size(),
        before.upToDate(),
        run.applied.get(),
        run.failed.get(),
        total - submitted,
        interrupted,
        bytes,
        since(t0),
        after);
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** The counters of one {@link #index} run; tickets complete on service threads. */
  private static final class Run {
    final String workspace;
    final int total;
    final int unchanged;
    final int skipped;
    final long t0;
    final java.util.function.Consumer<IndexProgress> listener;
    final AtomicInteger applied = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    volatile int submitted;
    long lastReport;

    Run(
        String workspace,
        int total,
        int unchanged,
        int skipped,
        long t0,
        java.util.function.Consumer<IndexProgress> listener) {
      this.workspace = workspace;
      this.total = total;
      this.unchanged = unchanged;
      this.skipped = skipped;
      this.t0 = t0;
      this.listener = listener;
    }

    void track(Ticket t) {
      t.applied()
          .whenComplete(
              (ok, e) -> {
                (e == null ? applied : failed).incrementAndGet();
                signal();
              });
    }

    void refused() {
      failed.incrementAndGet();
    }

    void submitted(int n) {
      submitted = n;
    }

    int done() {
      return applied.get() + failed.get();
    }

    private void signal() {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Waits until every submitted task is done, reporting; false when interrupted. */
    boolean awaitDone() {
      while (true) {
        lock.lock();
        try {
          if (done() >= submitted) {
            return true;
          }
          changed.awaitNanos(PROGRESS_NANOS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } finally {
          lock.unlock();
        }
        report(false);
      }
    }

    void report(boolean always) {
      long now = System.nanoTime();
      if (!always && now - lastReport < PROGRESS_NANOS) {
        return;
      }
      lastReport = now;
      listener.accept(
          new IndexProgress(
              workspace,
              total,
              unchanged,
              skipped,
              submitted,
              done(),
              failed.get(),
              Duration.ofNanos(now - t0)));
    }
  }

  // ------------------------------------------------------------------------------ internals

  private Ticket write(String workspace, String path, String content, boolean create)
      throws IOException {
    IndexTask.checkWorkspace(workspace);
    IndexTask.checkPath(path);
    if (content == null) {
      throw new IllegalArgumentException("content: is required, was: null");
    }
    int bad = WorkspacePaths.unpairedSurrogate(content);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "content: must be valid Unicode (unpaired surrogate at index " + bad + ")");
    }
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > source.maxFileBytes()) {
      throw new IllegalArgumentException(
          "content: must be at most "
              + source.maxFileBytes()
              + " UTF-8 bytes (the source's maxFileBytes), was: "
              + bytes.length
              + " bytes");
    }
    IndexTask task =
        (source.isIndexable(path, bytes)
                ? IndexTask.indexFile(workspace, path, content)
                : IndexTask.removeFile(workspace, path))
            .withPriority(priority);
    ReentrantReadWriteLock ws = workspaceLock(workspace);
    ws.readLock().lock();
    Lock p = pathLock(workspace, path);
    p.lock();
    try {
      Path dir = source.workspaceDirectory(workspace);
      Path target = WorkspacePaths.resolve(dir, path);
      boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      if (create && exists) {
        throw new FileAlreadyExistsException(target.toString(), null, "createFile: file exists");
      }
      if (!create && !exists) {
        throw new NoSuchFileException(target.toString(), null, "updateFile: no such file");
      }
      if (exists && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(target + " is a directory, not a file");
      }
      Path parent = target.getParent();
      Path firstCreated = firstMissing(parent);
      Files.createDirectories(parent);
      Path tmp = null;
      boolean done = false;
      try {
        WorkspacePaths.resolve(dir, path); // again: nothing was linked in while we created
        tmp = writeTemp(parent, bytes);
        Ticket t = service.submit(task);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          restoreIndex(workspace, path, e);
          throw e;
        }
        done = true;
        return t;
      } finally {
        if (!done) {
          if (tmp != null) {
            Files.deleteIfExists(tmp);
          }
          deleteCreated(firstCreated, parent);
        }
      }
    } finally {
      p.unlock();
      ws.readLock().unlock();
    }
  }

  /** After a failed file change: a task that makes the index equal what is on disk again. */
  private void restoreIndex(String workspace, String path, IOException cause) {
    try {
      Optional<String> now = source.read(workspace, path);
      service.submit(
          (now.isPresent()
                  ? IndexTask.indexFile(workspace, path, now.get())
                  : IndexTask.removeFile(workspace, path))
              .withPriority(priority));
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e); // the index may differ from the file: forceReindex repairs it
    }
  }

  /** The highest ancestor of {@code dir} (or itself) that does not exist, or null. */
  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir;
        p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /** Deletes the directories created for a refused write, deepest first, if still empty. */
  private static void deleteCreated(Path firstCreated, Path deepest) {
    if (firstCreated == null) {
      return;
    }
    for (Path p = deepest; p != null && p.startsWith(firstCreated); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        return; // not empty (another writer uses it) or not ours to delete
      }
    }
  }

  private static Path writeTemp(Path parent, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(parent, FileSystemWorkspaceSource.TEMP_PREFIX, ".tmp");
    boolean written = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      written = true;
      return tmp;
    } finally {
      if (!written) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private ReentrantReadWriteLock workspaceLock(String workspace) {
    IndexTask.checkWorkspace(workspace);
    return shared.workspaceLocks().computeIfAbsent(workspace, k -> new ReentrantReadWriteLock());
  }

  private Lock pathLock(String workspace, String path) {
    int h = (workspace.hashCode() * 31 + path.hashCode()) & 0x7fffffff;
    return shared.pathLocks()[h % PATH_STRIPES];
  }
}
