package dev.indexqueue.clusterdemo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code ./indexq serve} runs: the cli's jar and lib ({@code cli/target/indexq.jar}, {@code
 * cli/target/indexq/lib}) and the parent pom's JVM options ({@code cli/target/indexq/jvm.options},
 * the one list), on this JVM's {@code java}. Immutable and thread-safe.
 *
 * @param target the cli module's target directory
 * @param jvmOptions the JVM options of the build
 */
record CliLayout(Path target, List<String> jvmOptions) {

  /** Reads the layout under {@code target}; a clear message when the cli is not built. */
  static CliLayout of(Path target) {
    Path jar = target.resolve("indexq.jar");
    Path options = target.resolve("indexq").resolve("jvm.options");
    if (!Files.isRegularFile(jar)
        || !Files.isRegularFile(options)
        || !Files.isDirectory(target.resolve("indexq").resolve("lib"))) {
      throw new IllegalArgumentException(
          "--cli-dir: "
              + target
              + " holds no built cli (indexq.jar, indexq/lib, indexq/jvm.options): run"
              + " ./indexq cluster-demo, which builds it, or mvn -pl cluster-demo -am package");
    }
    try {
      String line =
          Files.readAllLines(options, StandardCharsets.UTF_8).stream()
              .filter(l -> l.startsWith("options="))
              .findFirst()
              .orElse("options=");
      String value = line.substring("options=".length()).strip();
      return new CliLayout(
          target.toAbsolutePath(),
          value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+")));
    } catch (IOException e) {
      throw new IllegalArgumentException("--cli-dir: cannot read " + options + ": " + e, e);
    }
  }

  Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  String classPath() {
    return target.resolve("indexq.jar")
        + java.io.File.pathSeparator
        + target.resolve("indexq/lib/*");
  }
}
