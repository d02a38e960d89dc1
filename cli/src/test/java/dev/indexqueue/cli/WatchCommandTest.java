package dev.indexqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code indexq watch} in-process: changes on disk reach the index while it runs. */
class WatchCommandTest {
  @TempDir Path tmp;

  @Test
  void picksUpCreateModifyDeleteRenameAndNewDirectories() throws Exception {
    Path data = tmp.resolve("data");
    Path dir = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(dir.resolve("old.txt"), "present before watching");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread watch =
        new Thread(
            () ->
                exit.set(
                    Indexq.newCommandLine()
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute("--data", data.toString(), "watch", dir.toString())),
            "watch-under-test");
    watch.start();
    Duration max = Duration.ofSeconds(30);
    try {
      await().atMost(max).until(() -> out.toString().contains("press Ctrl-C to stop"));
      assertThat(out.toString()).contains("indexed 1 files");

      Files.writeString(dir.resolve("a.txt"), "alpha");
      await().atMost(max).until(() -> out.toString().contains("indexed a.txt (5 chars)"));

      Files.writeString(dir.resolve("a.txt"), "alpha, modified");
      await().atMost(max).until(() -> out.toString().contains("indexed a.txt (15 chars)"));

      Files.delete(dir.resolve("old.txt"));
      await().atMost(max).until(() -> out.toString().contains("removed old.txt"));

      Files.createDirectories(dir.resolve("sub/deeper"));
      Files.writeString(dir.resolve("sub/deeper/b.txt"), "bravo in a new directory");
      await().atMost(max).until(() -> out.toString().contains("indexed sub/deeper/b.txt"));

      Files.move(dir.resolve("a.txt"), dir.resolve("renamed.txt"));
      await()
          .atMost(max)
          .until(
              () ->
                  out.toString().contains("removed a.txt")
                      && out.toString().contains("indexed renamed.txt (15 chars)"));

      Files.writeString(dir.resolve(".hidden.swp"), "editor noise");
    } finally {
      watch.interrupt(); // as Ctrl-C: graceful shutdown
      watch.join(Duration.ofSeconds(60).toMillis());
    }
    assertThat(watch.isAlive()).isFalse();
    assertThat(exit.get()).as("exit; out:\n%s\nerr:\n%s", out, err).isZero();
    assertThat(out.toString()).contains("stopped: shut down gracefully").doesNotContain(".hidden");

    String json = Cli.run(data, "status", "--json").out();
    assertThat(json).contains("\"filesystemFiles\":2,\"indexedFiles\":2,\"upToDate\":2");
    assertThat(Cli.run(data, "search", "bravo").out()).contains("sub/deeper/b.txt:1:");
    assertThat(Cli.run(data, "search", "modified").out()).contains("renamed.txt:1:");
    assertThat(Cli.run(data, "search", "present").out()).doesNotContain("old.txt");
  }
}
