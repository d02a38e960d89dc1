package dev.indexqueue.workspace;

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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li><b>Containment.</b> No operation reads, writes or deletes outside the workspace's
 *       directory. A path with a {@code ..} segment, an absolute path, or a path on which an
 *       existing component is a symbolic link pointing outside the workspace directory (or a linked
 *       directory at all, which the source would not follow) is refused with an {@link
 *       IllegalArgumentException} naming the field and the rule, before anything is written.
 *   <li><b>Atomic writes.</b> {@link #createFile} and {@link #updateFile} write a temporary file in
 *       the target's directory and move it over the target atomically, so readers see the old or
 *       the new content, never a mix. The write is not forced to disk: a power loss may lose it
 *       (the submitted task still carries the content).
 *   <li><b>Index follows files.</b> Each change submits its task after the file system change
 *       succeeded; changes of one path (and of one workspace against {@link #removeWorkspace}) are
 *       serialized, so tasks reach the queue in the order the files changed. A file the source
 *       would not index (a hidden, excluded or binary file) gets a {@code REMOVE_FILE} task instead
 *       of {@code INDEX_FILE}, so the index stays equal to the source.
 *   <li>When the submit fails (queue full, service shutting down) the file change stays done and
 *       the exception is thrown; {@link #forceReindex} repairs the index.
 * </ul>
 *
 * <p>Changes made to the directories behind this API's back are found by {@link #forceReindex}.
 */
public final class WorkspaceManager {
  private static final int PATH_STRIPES = 64;

  private final FileSystemWorkspaceSource source;
  private final IndexingService service;
  private final ConcurrentHashMap<String, ReentrantReadWriteLock> workspaceLocks =
      new ConcurrentHashMap<>();
  private final Lock[] pathLocks = new Lock[PATH_STRIPES];

  /**
   * Creates a manager. The service should use {@code source} as its workspace source, so that
   * {@code REINDEX_WORKSPACE} and the index status see the files this manager writes.
   *
   * @param source the workspaces' root and indexing rules
   * @param service where the tasks go
   */
  public WorkspaceManager(FileSystemWorkspaceSource source, IndexingService service) {
    this.source = Objects.requireNonNull(source, "source");
    this.service = Objects.requireNonNull(service, "service");
    for (int i = 0; i < PATH_STRIPES; i++) {
      pathLocks[i] = new ReentrantLock();
    }
  }

  /**
   * Creates a file that must not exist yet (parent directories are created), then submits
   * INDEX_FILE.
   *
   * @param workspace a valid workspace name (its directory is created when missing)
   * @param path the file's path in the workspace: relative, normalized, {@code /}-separated
   * @param content the text, written as UTF-8
   * @return the ticket of the submitted task
   * @throws IllegalArgumentException when the workspace, path or content is invalid or the path
   *     would escape the workspace; nothing is written
   * @throws FileAlreadyExistsException when the file exists
   * @throws IOException when writing fails
   */
  public Ticket createFile(String workspace, String path, String content) throws IOException {
    return write(workspace, path, content, true);
  }

  /**
   * Replaces the content of an existing file atomically, then submits INDEX_FILE.
   *
   * @param workspace a valid workspace name
   * @param path the file's path in the workspace
   * @param content the new text, written as UTF-8
   * @return the ticket of the submitted task
   * @throws IllegalArgumentException when the workspace, path or content is invalid or the path
   *     would escape the workspace; nothing is written
   * @throws NoSuchFileException when the file does not exist
   * @throws IOException when writing fails
   */
  public Ticket updateFile(String workspace, String path, String content) throws IOException {
    return write(workspace, path, content, false);
  }

  /**
   * Deletes an existing file (a symbolic link is deleted, not its target), then submits
   * REMOVE_FILE.
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
    IndexTask task = IndexTask.removeFile(workspace, path);
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
      Files.delete(target);
      return service.submit(task);
    } finally {
      p.unlock();
      ws.readLock().unlock();
    }
  }

  /**
   * Submits REINDEX_WORKSPACE: the index of the workspace is made equal to its files, including
   * changes made behind this API's back.
   *
   * @param workspace a valid workspace name
   * @return the ticket of the submitted task
   */
  public Ticket forceReindex(String workspace) {
    return service.submit(IndexTask.reindexWorkspace(workspace));
  }

  /**
   * Deletes the workspace's directory and everything in it (links are deleted, never followed),
   * then submits REMOVE_WORKSPACE.
   *
   * @param workspace a valid workspace name
   * @return the ticket of the submitted task (also when the directory did not exist)
   * @throws IllegalArgumentException when the name is invalid or its directory is a symbolic link
   * @throws IOException when deleting fails; what was deleted stays deleted and nothing is
   *     submitted
   */
  public Ticket removeWorkspace(String workspace) throws IOException {
    IndexTask task = IndexTask.removeWorkspace(workspace);
    ReentrantReadWriteLock ws = workspaceLock(workspace);
    ws.writeLock().lock();
    try {
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

  /** The workspaces under the root, sorted; see {@link FileSystemWorkspaceSource#workspaces()}. */
  public List<String> listWorkspaces() {
    return source.workspaces();
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
    IndexTask task =
        source.isIndexable(path, bytes)
            ? IndexTask.indexFile(workspace, path, content)
            : IndexTask.removeFile(workspace, path);
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
      Files.createDirectories(parent);
      WorkspacePaths.resolve(dir, path); // again: nothing was linked in while we created
      atomicWrite(parent, target, bytes);
      return service.submit(task);
    } finally {
      p.unlock();
      ws.readLock().unlock();
    }
  }

  private static void atomicWrite(Path parent, Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(parent, FileSystemWorkspaceSource.TEMP_PREFIX, ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
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
    return workspaceLocks.computeIfAbsent(workspace, k -> new ReentrantReadWriteLock());
  }

  private Lock pathLock(String workspace, String path) {
    int h = (workspace.hashCode() * 31 + path.hashCode()) & 0x7fffffff;
    return pathLocks[h % PATH_STRIPES];
  }
}
