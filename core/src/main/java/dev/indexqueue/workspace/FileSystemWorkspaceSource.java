package dev.indexqueue.workspace;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.SkippedFile;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.SourceListing;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WorkspaceSource} over directories on the file system: a root directory that holds one
 * sub-directory per workspace, and any directory {@link #register registered} under a workspace
 * name (a registered name takes precedence over the root's sub-directory). Thread-safe: its
 * settings are immutable, registrations may change while it is read, and it reads the file system
 * on every call and caches nothing, so it always reports the files as they are now.
 *
 * <p>Guarantee: {@link #list} and {@link #read} agree: a file is listed exactly when it is
 * indexable, and {@code read} returns text exactly for the paths {@code list} would list. A file is
 * indexable when its relative path is a valid {@link IndexTask} path, it matches an include glob
 * (every file when none is given) and no exclude glob, no segment of its path is hidden (starts
 * with {@code .}) or a version-control directory ({@code .git}, {@code .svn}, {@code .hg}) unless
 * allowed, its text is at most {@code maxFileBytes} UTF-8 bytes long (the file's size for a UTF-8
 * file; bytes that {@link DecodingPolicy#REPLACE} replaces count as the 3 bytes of U+FFFD, so the
 * text read never exceeds the bound), it is not binary (a NUL byte in the first {@value
 * #BINARY_PROBE_BYTES} bytes) unless allowed, and it decodes as UTF-8 per the {@link
 * DecodingPolicy}. Symbolic links are never followed out of a workspace's directory: a linked file
 * is listed only when its target is a regular file inside the same workspace, and linked
 * directories are not entered. A workspace directory under the root that is itself a symbolic link
 * has no files; a registered directory is resolved to its real path when registered.
 *
 * <p>{@link #listing} also reports the files it skips that a user would expect indexed, with the
 * reason ({@link SkippedFile.Reason}): binary, too large, unreadable, a name that cannot be a
 * document path, a link out of the workspace, not UTF-8. Files excluded by a rule (hidden,
 * version-control, glob) are not reported.
 *
 * <p>Globs use {@link java.nio.file.FileSystem#getPathMatcher glob syntax}. A glob without a {@code
 * /} is matched against the file name (so {@code *.java} matches at any depth); a glob with a
 * {@code /} is matched against the whole path relative to the workspace (so {@code src/**} matches
 * everything under {@code src}). Exclude globs also prune directories they match.
 *
 * <pre>{@code
 * FileSystemWorkspaceSource source = FileSystemWorkspaceSource.builder(Path.of("/srv/workspaces"))
 *     .include("*.java", "*.md")
 *     .exclude("target", "build")
 *     .build();
 * }</pre>
 */
public final class FileSystemWorkspaceSource implements WorkspaceSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileSystemWorkspaceSource.class);

  /** How many leading bytes are probed for a NUL byte to tell a binary file. */
  public static final int BINARY_PROBE_BYTES = 8192;

  /** The largest file indexed when none is configured: 16 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 16L * 1024 * 1024;

  /** Prefix of the temporary files of atomic writes; never listed. */
  static final String TEMP_PREFIX = ".indexqueue-tmp-";

  private static final Set<String> VCS_DIRECTORIES = Set.of(".git", ".svn", ".hg");

  private final Path root;
  private final Map<String, Path> registered = new ConcurrentHashMap<>();
  private final List<Glob> includes;
  private final List<Glob> excludes;
  private final boolean skipHidden;
  private final boolean skipVcs;
  private final boolean skipBinary;
  private final DecodingPolicy decoding;
  private final long maxFileBytes;

  private FileSystemWorkspaceSource(Builder b, Path realRoot) {
    this.root = realRoot;
    this.includes = List.copyOf(b.includes);
    this.excludes = List.copyOf(b.excludes);
    this.skipHidden = b.skipHidden;
    this.skipVcs = b.skipVcs;
    this.skipBinary = b.skipBinary;
    this.decoding = b.decoding;
    this.maxFileBytes = b.maxFileBytes;
  }

  /**
   * Starts building a source over {@code root} (created when missing).
   *
   * @param root the directory holding one sub-directory per workspace
   */
  public static Builder builder(Path root) {
    return new Builder(Objects.requireNonNull(root, "root"));
  }

  /**
   * Starts building a source without a root: its workspaces are the directories {@link #register
   * registered} on it.
   */
  public static Builder builder() {
    return new Builder(null);
  }

  /**
   * A source over {@code root} with the default settings: every file, hidden, version-control and
   * binary files skipped, undecodable bytes replaced, files up to 16 MiB.
   *
   * @param root the directory holding one sub-directory per workspace (created when missing)
   */
  public static FileSystemWorkspaceSource of(Path root) {
    return builder(root).build();
  }

  /**
   * The root directory, as a real (symbolic-link free) absolute path, or null for a source built
   * without one.
   */
  public Path root() {
    return root;
  }

  /**
   * The largest text indexed, in UTF-8 bytes: larger files are skipped ({@link
   * SkippedFile.Reason#TOO_LARGE}). {@link WorkspaceManager} refuses to write larger content.
   */
  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * Makes {@code workspace} read the files of {@code directory}, any directory: its own name, a
   * symbolic link on the way and its place on the file system do not matter (it is resolved to its
   * real path now). Registering a name again points it to the new directory.
   *
   * @param workspace a valid workspace name
   * @param directory an existing, readable directory
   * @return the real directory registered
   * @throws IllegalArgumentException naming {@code workspace} or {@code directory} when invalid
   */
  public Path register(String workspace, Path directory) {
    IndexTask.checkWorkspace(workspace);
    Path real = realDirectory(directory);
    registered.put(workspace, real);
    return real;
  }

  /**
   * Forgets a registration; the workspace then reads the root's sub-directory again, if any.
   *
   * @param workspace a valid workspace name
   * @return the directory it was registered with, or null
   */
  public Path unregister(String workspace) {
    IndexTask.checkWorkspace(workspace);
    return registered.remove(workspace);
  }

  /** The registered workspaces and their real directories, sorted by name. */
  public Map<String, Path> registered() {
    return Collections.unmodifiableMap(new TreeMap<>(registered));
  }

  /**
   * The real, absolute directory of {@code directory}.
   *
   * @throws IllegalArgumentException naming {@code directory} when it is missing, not a directory,
   *     not readable or the file system root
   */
  static Path realDirectory(Path directory) {
    if (directory == null) {
      throw new IllegalArgumentException("directory: is required, was: null");
    }
    Path abs = directory.toAbsolutePath().normalize();
    if (!Files.exists(abs)) {
      throw new IllegalArgumentException("directory: does not exist, was: " + abs);
    }
    if (!Files.isDirectory(abs)) {
      throw new IllegalArgumentException("directory: is not a directory, was: " + abs);
    }
    if (!Files.isReadable(abs) || !Files.isExecutable(abs)) {
      throw new IllegalArgumentException("directory: cannot be read (permission denied): " + abs);
    }
    Path real;
    try {
      real = abs.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("directory: cannot be resolved (" + e + "): " + abs, e);
    }
    if (real.getParent() == null) {
      throw new IllegalArgumentException(
          "directory: must not be the file system root, was: " + real);
    }
    return real;
  }

  /** The policy for undecodable bytes. */
  public DecodingPolicy decoding() {
    return decoding;
  }

  /**
   * The workspaces: the names of the root's sub-directories that are valid workspace names (not
   * symbolic links), sorted.
   *
   * @throws UncheckedIOException when the root cannot be listed
   */
  public List<String> workspaces() {
    List<String> names = new ArrayList<>(registered.keySet());
    if (root == null) {
      Collections.sort(names);
      return names;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (IndexTask.isValidWorkspace(name)
            && !registered.containsKey(name)
            && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
            && !name.startsWith(TEMP_PREFIX)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list workspaces under " + root, e);
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public List<SourceFile> list(String workspace) {
    return listing(workspace).files();
  }

  @Override
  public SourceListing listing(String workspace) {
    IndexTask.checkWorkspace(workspace);
    Path dir = directoryOf(workspace);
    if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (dir != null && Files.isSymbolicLink(dir)) {
        LOG.warn("workspace directory {} is a symbolic link: it is not listed", dir);
      }
      return new SourceListing(List.of(), List.of());
    }
    List<SourceFile> files = new ArrayList<>();
    List<SkippedFile> skipped = new ArrayList<>();
    try {
      Files.walkFileTree(
          dir,
          EnumSet.noneOf(java.nio.file.FileVisitOption.class),
          Integer.MAX_VALUE,
          new Lister(dir, files, skipped));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list workspace " + workspace + " at " + dir, e);
    }
    files.sort(Comparator.comparing(SourceFile::path));
    skipped.sort(Comparator.comparing(SkippedFile::path));
    return new SourceListing(files, skipped);
  }

  /** The directory of a workspace: registered, else under the root, else null. */
  private Path directoryOf(String workspace) {
    Path r = registered.get(workspace);
    if (r != null) {
      return r;
    }
    return root == null ? null : root.resolve(workspace);
  }

  @Override
  public Optional<String> read(String workspace, String path) throws IOException {
    IndexTask.checkWorkspace(workspace);
    IndexTask.checkPath(path);
    if (!pathIndexable(path)) {
      return Optional.empty();
    }
    Path dir = directoryOf(workspace);
    if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path file = dir;
    String[] segments = path.split("/", -1);
    try {
      for (int i = 0; i < segments.length - 1; i++) {
        file = file.resolve(segments[i]);
        BasicFileAttributes a =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
          return Optional.empty(); // a linked directory is not entered, as in list()
        }
      }
      file = file.resolve(segments[segments.length - 1]);
      Path target = regularTarget(dir, file);
      if (target == null) {
        return Optional.empty();
      }
      return decodeFile(target);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a file with this relative path and content would be listed: the path rules and the
   * binary and size rules (used by {@link WorkspaceManager} to choose INDEX_FILE or REMOVE_FILE).
   */
  boolean isIndexable(String path, byte[] utf8) {
    if (!pathIndexable(path) || utf8.length > maxFileBytes) {
      return false;
    }
    return !(skipBinary && hasNul(utf8, Math.min(utf8.length, BINARY_PROBE_BYTES)));
  }

  /**
   * The directory of a workspace (it may not exist).
   *
   * @throws IllegalArgumentException when the workspace is not registered and there is no root
   */
  Path workspaceDirectory(String workspace) {
    IndexTask.checkWorkspace(workspace);
    Path dir = directoryOf(workspace);
    if (dir == null) {
      throw new IllegalArgumentException(
          "workspace: is not registered (this source has no root directory), was: " + workspace);
    }
    return dir;
  }

  /** Whether the workspace's directory was registered (not under the root). */
  boolean isRegistered(String workspace) {
    return registered.containsKey(workspace);
  }

  // ------------------------------------------------------------------------------ rules

  /** The path rules: globs, hidden and VCS segments, temporary files. */
  private boolean pathIndexable(String path) {
    String[] segments = path.split("/", -1);
    for (String s : segments) {
      if (skipVcs && VCS_DIRECTORIES.contains(s)) {
        return false;
      }
      if (skipHidden && s.startsWith(".")) {
        return false;
      }
    }
    String name = segments[segments.length - 1];
    if (name.startsWith(TEMP_PREFIX)) {
      return false;
    }
    // excluded when the file or any of its parent directories matches an exclude glob
    StringBuilder prefix = new StringBuilder(path.length());
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        prefix.append('/');
      }
      prefix.append(segments[i]);
      if (excluded(prefix.toString(), segments[i])) {
        return false;
      }
    }
    if (includes.isEmpty()) {
      return true;
    }
    for (Glob g : includes) {
      if (g.matches(path, name)) {
        return true;
      }
    }
    return false;
  }

  private boolean excluded(String relative, String name) {
    for (Glob g : excludes) {
      if (g.matches(relative, name)) {
        return true;
      }
    }
    return false;
  }

  private boolean directoryPruned(String relative, String name) {
    if (skipVcs && VCS_DIRECTORIES.contains(name)) {
      return true;
    }
    if (skipHidden && name.startsWith(".")) {
      return true;
    }
    return excluded(relative, name);
  }

  /**
   * The file to read for {@code file}: itself when regular, the target of a link when that is a
   * regular file inside {@code dir}; otherwise null.
   */
  private Path regularTarget(Path dir, Path file) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isRegularFile()) {
      return file;
    }
    if (!a.isSymbolicLink()) {
      return null;
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return null; // dangling or looping link
    }
    if (!real.startsWith(dir) || !Files.isRegularFile(real)) {
      return null;
    }
    return real;
  }

  /** Reads and decodes a file, or empty when it is too large, binary or undecodable. */
  private Optional<String> decodeFile(Path file) throws IOException {
    byte[] bytes = readAtMost(file, maxFileBytes);
    if (bytes == null) {
      return Optional.empty();
    }
    if (skipBinary && hasNul(bytes, Math.min(bytes.length, BINARY_PROBE_BYTES))) {
      return Optional.empty();
    }
    Optional<String> text = decode(bytes);
    if (text.isPresent()
        && bytes.length > maxFileBytes / 3
        && utf8Length(text.get()) > maxFileBytes) {
      return Optional.empty(); // replacement characters made the text larger than the bound
    }
    return text;
  }

  private Optional<String> decode(byte[] bytes) {
    if (decoding == DecodingPolicy.REPLACE) {
      return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * Why {@code file} (regular, at most {@code maxFileBytes} long) is not indexable by its content,
   * or null when it is; reads what it must.
   */
  private SkippedFile.Reason contentProblem(Path file, long size) throws IOException {
    if (decoding == DecodingPolicy.REJECT || size > maxFileBytes / 3) {
      byte[] bytes = readAtMost(file, maxFileBytes);
      if (bytes == null) {
        return SkippedFile.Reason.TOO_LARGE; // grew meanwhile
      }
      if (skipBinary && hasNul(bytes, Math.min(bytes.length, BINARY_PROBE_BYTES))) {
        return SkippedFile.Reason.BINARY;
      }
      Optional<String> text = decode(bytes);
      if (text.isEmpty()) {
        return SkippedFile.Reason.UNDECODABLE;
      }
      return utf8Length(text.get()) > maxFileBytes ? SkippedFile.Reason.TOO_LARGE : null;
    }
    if (!skipBinary) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] probe = in.readNBytes(BINARY_PROBE_BYTES);
      return hasNul(probe, probe.length) ? SkippedFile.Reason.BINARY : null;
    }
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** The file's bytes, or null when it has more than {@code max}. */
  private static byte[] readAtMost(Path file, long max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      int limit = (int) Math.min(max + 1, Integer.MAX_VALUE - 16);
      byte[] bytes = in.readNBytes(limit);
      return bytes.length > max ? null : bytes;
    }
  }

  private static boolean validPath(String path) {
    try {
      IndexTask.checkPath(path);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean hasNul(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** Walks a workspace directory without following links, collecting indexable files. */
  private final class Lister extends SimpleFileVisitor<Path> {
    private final Path dir;
    private final List<SourceFile> out;
    private final List<SkippedFile> skipped;

    Lister(Path dir, List<SourceFile> out, List<SkippedFile> skipped) {
      this.dir = dir;
      this.out = out;
      this.skipped = skipped;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
      if (d.equals(dir)) {
        return FileVisitResult.CONTINUE;
      }
      String rel = relative(d);
      return directoryPruned(rel, d.getFileName().toString())
          ? FileVisitResult.SKIP_SUBTREE
          : FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
      String rel = relative(f);
      if (!pathIndexable(rel)) {
        return FileVisitResult.CONTINUE; // excluded by a rule: not reported
      }
      if (!validPath(rel)) {
        LOG.debug("skipping {}: not a valid document path", f);
        skipped.add(new SkippedFile(rel, SkippedFile.Reason.UNSUPPORTED_NAME));
        return FileVisitResult.CONTINUE;
      }
      try {
        Path target = regularTarget(dir, f);
        if (target == null) {
          if (attrs.isSymbolicLink() && !linksInsideToDirectory(f)) {
            skipped.add(new SkippedFile(rel, SkippedFile.Reason.LINK_OUTSIDE));
          }
          return FileVisitResult.CONTINUE;
        }
        BasicFileAttributes a =
            target == f ? attrs : Files.readAttributes(target, BasicFileAttributes.class);
        SkippedFile.Reason problem =
            a.size() > maxFileBytes
                ? SkippedFile.Reason.TOO_LARGE
                : contentProblem(target, a.size());
        if (problem != null) {
          skipped.add(new SkippedFile(rel, problem));
          return FileVisitResult.CONTINUE;
        }
        out.add(new SourceFile(rel, a.size(), a.lastModifiedTime().toMillis()));
      } catch (NoSuchFileException e) {
        // deleted while we looked: not there
      } catch (AccessDeniedException e) {
        LOG.debug("skipping {}: access denied", f);
        skipped.add(new SkippedFile(rel, SkippedFile.Reason.UNREADABLE));
      } catch (IOException e) {
        LOG.debug("skipping {}: {}", f, e.toString());
        skipped.add(new SkippedFile(rel, SkippedFile.Reason.UNREADABLE));
      }
      return FileVisitResult.CONTINUE;
    }

    /** Whether a link points to a directory inside the workspace (not followed, not reported). */
    private boolean linksInsideToDirectory(Path link) {
      try {
        Path real = link.toRealPath();
        return real.startsWith(dir) && Files.isDirectory(real);
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
      if (e instanceof NoSuchFileException) {
        return FileVisitResult.CONTINUE;
      }
      if (f.equals(dir)) {
        throw e;
      }
      LOG.debug("skipping {}: {}", f, e.toString());
      String rel = relative(f);
      if (pathIndexable(rel)) {
        skipped.add(new SkippedFile(rel, SkippedFile.Reason.UNREADABLE));
      }
      return FileVisitResult.CONTINUE;
    }

    private String relative(Path p) {
      Path r = dir.relativize(p);
      StringBuilder b = new StringBuilder();
      for (Path seg : r) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(seg.toString());
      }
      return b.toString();
    }
  }

  /** A compiled include or exclude glob. */
  private record Glob(String pattern, PathMatcher matcher, boolean nameOnly) {
    static Glob compile(String field, String pattern) {
      if (pattern == null || pattern.isBlank()) {
        throw new IllegalArgumentException(
            field
                + ": a glob must not be blank, was: "
                + (pattern == null ? "null" : "\"" + pattern + "\""));
      }
      try {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        return new Glob(pattern, m, pattern.indexOf('/') < 0);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            field + ": not a valid glob (" + e.getMessage() + "), was: \"" + pattern + "\"", e);
      }
    }

    boolean matches(String relative, String name) {
      return matcher.matches(Path.of(nameOnly ? name : relative));
    }
  }

  /**
   * Configures a {@link FileSystemWorkspaceSource}. Not thread-safe: configure on one thread, then
   * call {@link #build()}. Invalid values throw {@link IllegalArgumentException} naming the
   * setting.
   */
  public static final class Builder {
    private final Path root;
    private final List<Glob> includes = new ArrayList<>();
    private final List<Glob> excludes = new ArrayList<>();
    private boolean skipHidden = true;
    private boolean skipVcs = true;
    private boolean skipBinary = true;
    private DecodingPolicy decoding = DecodingPolicy.REPLACE;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;

    private Builder(Path root) {
      this.root = root;
    }

    /** Adds globs a file must match one of (default: every file). */
    public Builder include(String... globs) {
      for (String g : globs) {
        includes.add(Glob.compile("include", g));
      }
      return this;
    }

    /** Adds globs that exclude files and prune directories. */
    public Builder exclude(String... globs) {
      for (String g : globs) {
        excludes.add(Glob.compile("exclude", g));
      }
      return this;
    }

    /** Whether files and directories whose name starts with {@code .} are skipped. Default true. */
    public Builder skipHidden(boolean skip) {
      this.skipHidden = skip;
      return this;
    }

    /** Whether {@code .git}, {@code .svn} and {@code .hg} directories are skipped. Default true. */
    public Builder skipVcsDirectories(boolean skip) {
      this.skipVcs = skip;
      return this;
    }

    /** Whether files with a NUL byte in their first 8 KiB are skipped. Default true. */
    public Builder skipBinary(boolean skip) {
      this.skipBinary = skip;
      return this;
    }

    /** What to do with bytes that are not UTF-8. Default {@link DecodingPolicy#REPLACE}. */
    public Builder decoding(DecodingPolicy policy) {
      this.decoding = Objects.requireNonNull(policy, "decoding");
      return this;
    }

    /**
     * The largest file indexed, in bytes (1 to 1 GiB); larger files are skipped. Default 16 MiB.
     */
    public Builder maxFileBytes(long max) {
      if (max < 1 || max > 1L << 30) {
        throw new IllegalArgumentException(
            "maxFileBytes: must be between 1 and " + (1L << 30) + ", was: " + max);
      }
      this.maxFileBytes = max;
      return this;
    }

    /**
     * Creates the root directory when missing and builds the source.
     *
     * @throws IllegalArgumentException when the root exists but is not a directory
     * @throws UncheckedIOException when the root cannot be created or resolved
     */
    public FileSystemWorkspaceSource build() {
      if (root == null) {
        return new FileSystemWorkspaceSource(this, null);
      }
      Path abs = root.toAbsolutePath().normalize();
      if (Files.exists(abs) && !Files.isDirectory(abs)) {
        throw new IllegalArgumentException("root: must be a directory, was: " + abs);
      }
      try {
        Files.createDirectories(abs);
        return new FileSystemWorkspaceSource(this, abs.toRealPath());
      } catch (IOException e) {
        throw new UncheckedIOException("root: cannot create or resolve " + abs, e);
      }
    }
  }

  @Override
  public String toString() {
    return "FileSystemWorkspaceSource[" + (root == null ? registered() : root) + "]";
  }
}
