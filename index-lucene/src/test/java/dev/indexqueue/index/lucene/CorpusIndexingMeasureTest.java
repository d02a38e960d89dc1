package dev.indexqueue.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.IndexStatus;
import dev.indexqueue.IndexTask;
import dev.indexqueue.IndexingService;
import dev.indexqueue.queue.memory.MemoryTaskQueueProvider;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.workspace.FileSystemWorkspaceSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures indexing a real source tree through the whole stack (memory queue, service, file system
 * source, Lucene). Not part of the normal build: it runs only with {@code
 * -Dindexq.corpus=<directory>}, for example
 *
 * <pre>
 * unzip -q $JAVA_HOME/lib/src.zip 'java.base/java/util/*' 'java.base/java/lang/*' \
 *     'java.base/java/io/*' -d /tmp/corpus
 * mvn -B -ntp -o -pl index-lucene -am verify -Dindexq.corpus=/tmp/corpus \
 *     -Dtest=CorpusIndexingMeasureTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "indexq.corpus", matches = ".+")
class CorpusIndexingMeasureTest {
  private static final Duration WAIT = Duration.ofMinutes(10);

  @TempDir Path tmp;

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p)) {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void report(String what, Object... args) {
    System.out.println("[measure] " + String.format(Locale.ROOT, what, args));
  }

  private IndexingService service(FileSystemWorkspaceSource source, String index) {
    return IndexingService.builder()
        .queue(MemoryTaskQueueProvider.newQueue(65_536))
        .backend(LuceneIndexBackendProvider.open(LuceneIndexOptions.of(tmp.resolve(index))))
        .workspaceSource(source)
        .build();
  }

  @Test
  void indexARealSourceTree() throws Exception {
    Path corpus = Path.of(System.getProperty("indexq.corpus"));
    FileSystemWorkspaceSource source = FileSystemWorkspaceSource.of(tmp.resolve("workspaces"));
    copyTree(corpus, source.root().resolve("corpus"));
    List<SourceFile> files = source.list("corpus");
    long bytes = files.stream().mapToLong(SourceFile::size).sum();
    report("corpus %s: %d files, %.1f MB", corpus, files.size(), bytes / 1e6);

    // 1. one REINDEX_WORKSPACE task: the backend reads the files itself
    try (IndexingService service = service(source, "index-reindex")) {
      long t0 = System.nanoTime();
      service.submit(IndexTask.reindexWorkspace("corpus"));
      assertThat(service.awaitIndexReady("corpus", WAIT)).isTrue();
      long indexed = System.nanoTime();
      IndexStatus status = service.indexStatus("corpus");
      long statusDone = System.nanoTime();
      assertThat(status.indexCoverage()).isEqualTo(100.0);
      assertThat(status.isComplete()).isTrue();
      report(
          "REINDEX_WORKSPACE: indexed and visible in %.0f ms; status 100%% (%d files) at %.0f ms"
              + " (status computation %.0f ms)",
          ms(indexed - t0),
          status.filesystemFiles(),
          ms(statusDone - t0),
          ms(statusDone - indexed));
      long s0 = System.nanoTime();
      int hits = service.search("corpus", "getUserName OR hashCode", 10).hits().size();
      report("search: %d hits in %.1f ms", hits, ms(System.nanoTime() - s0));
    }

    // 2. one INDEX_FILE task per file, as an editor or a watcher would send them
    try (IndexingService service = service(source, "index-files")) {
      List<String> contents = new java.util.ArrayList<>();
      for (SourceFile f : files) {
        contents.add(source.read("corpus", f.path()).orElseThrow());
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < files.size(); i++) {
        service.submit(IndexTask.indexFile("corpus", files.get(i).path(), contents.get(i)));
      }
      long submitted = System.nanoTime();
      assertThat(service.awaitIndexReady("corpus", WAIT)).isTrue();
      long indexed = System.nanoTime();
      IndexStatus status = service.indexStatus("corpus");
      long statusDone = System.nanoTime();
      assertThat(status.indexCoverage()).isEqualTo(100.0);
      report(
          "%d INDEX_FILE tasks: submitted in %.0f ms, indexed and visible in %.0f ms; status 100%%"
              + " at %.0f ms",
          files.size(), ms(submitted - t0), ms(indexed - t0), ms(statusDone - t0));
    }
  }
}
