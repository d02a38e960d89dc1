package dev.indexqueue.queue.chronicle;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before Chronicle is touched, that the JVM was started with the options Chronicle Queue
 * needs on JDK 17+, so a missing option gives one clear message instead of Chronicle's {@code map0}
 * stack trace or its misleading "Can't append to a read-only chronicle". Stateless and thread-safe.
 */
final class JvmOptions {
  /**
   * The options Chronicle Queue needs; the same list as the parent pom's {@code
   * indexq.jvm.options}.
   */
  static final String REQUIRED =
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"
          + " --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
          + " --add-exports=java.base/jdk.internal.util=ALL-UNNAMED"
          + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
          + " --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"
          + " --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED"
          + " --add-opens=java.base/java.io=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
          + " --add-opens=java.base/java.util=ALL-UNNAMED"
          + " --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED"
          + " -Dchronicle.analytics.disable=true";

  private JvmOptions() {}

  /**
   * Throws when a JVM option Chronicle needs is missing.
   *
   * @param chronicleModule the module Chronicle's classes are in (the unnamed module on a class
   *     path)
   * @throws IllegalStateException listing the missing options and every option needed
   */
  static void check(Module chronicleModule) {
    List<String> missing = missing(chronicleModule);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "The chronicle queue needs JVM options that this JVM ("
              + Runtime.version()
              + ") was started without: "
              + String.join(" ", missing)
              + ". Start the JVM with all of: "
              + REQUIRED
              + (Runtime.version().feature() >= 24
                  ? " --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
                  : "")
              + " (in this project: the parent pom property indexq.jvm.options, which surefire,"
              + " the launcher and the benchmarks use).");
    }
  }

  /** The options from {@link #REQUIRED} whose effect is missing for {@code target}. */
  static List<String> missing(Module target) {
    List<String> missing = new ArrayList<>();
    Module base = Object.class.getModule();
    exported(base, "jdk.internal.misc", target, missing);
    exported(base, "jdk.internal.ref", target, missing);
    exported(base, "jdk.internal.util", target, missing);
    exported(base, "sun.nio.ch", target, missing);
    open(base, "java.io", target, missing);
    open(base, "java.lang", target, missing);
    open(base, "java.lang.reflect", target, missing);
    open(base, "java.util", target, missing);
    // the jdk.compiler options serve Chronicle's run-time compiler, which this queue does not use
    // (and a JRE image has no jdk.compiler): they are listed in REQUIRED but not enforced
    return missing;
  }

  private static void exported(Module m, String pkg, Module target, List<String> missing) {
    if (!m.isExported(pkg, target)) {
      missing.add("--add-exports=" + m.getName() + "/" + pkg + "=ALL-UNNAMED");
    }
  }

  private static void open(Module m, String pkg, Module target, List<String> missing) {
    if (!m.isOpen(pkg, target)) {
      missing.add("--add-opens=" + m.getName() + "/" + pkg + "=ALL-UNNAMED");
    }
  }
}
