package dev.indexqueue.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The CPU time (user and system) the threads of this JVM used since {@link #start()}, split in two
 * by a rule on thread names: so a benchmark that runs a cluster in its own JVM can tell the
 * cluster's share of the two cores from the code under test. Java threads only (the JVM's garbage
 * collector and compiler threads are not counted), and a thread that ended before {@link #split} is
 * not counted. Not thread-safe: one measuring thread.
 */
final class CpuByThread {
  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> started = new HashMap<>();

  private CpuByThread() {
    for (long id : mx.getAllThreadIds()) {
      long cpu = mx.getThreadCpuTime(id);
      if (cpu >= 0) {
        started.put(id, cpu);
      }
    }
  }

  /** Starts measuring now. */
  static CpuByThread start() {
    return new CpuByThread();
  }

  /**
   * The CPU milliseconds since the start: {@code [threads the rule matches, the others]}.
   *
   * @param rule takes a thread's name
   */
  double[] split(Predicate<String> rule) {
    double[] ms = new double[2];
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null) {
        continue; // ended meanwhile
      }
      long cpu = mx.getThreadCpuTime(t.getThreadId());
      if (cpu < 0) {
        continue;
      }
      long used = cpu - started.getOrDefault(t.getThreadId(), 0L);
      ms[rule.test(t.getThreadName()) ? 0 : 1] += used / 1e6;
    }
    return ms;
  }
}
