package dev.indexqueue.queue.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.indexqueue.spi.Providers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM started without the Chronicle options gets our message, not Chronicle's stack trace. */
class JvmOptionsChildTest {
  @TempDir Path dir;

  /** Opens a queue in {@code args[0]} and prints what creating it threw. Not thread-safe. */
  public static void main(String[] args) {
    try {
      Providers.taskQueue("chronicle", Map.of("directory", args[0])).close();
      System.out.println("opened");
    } catch (IllegalStateException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }

  @Test
  void missingOptionsAreReportedBeforeChronicleStarts() throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1",
                    "-Dchronicle.analytics.disable=true",
                    "-cp",
                    System.getProperty("java.class.path"),
                    JvmOptionsChildTest.class.getName(),
                    dir.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out)
        .contains("refused: The chronicle queue needs JVM options")
        .contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED")
        .contains("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED")
        .contains("indexq.jvm.options")
        .doesNotContain("map0");
  }
}
