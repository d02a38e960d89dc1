package dev.indexqueue.queue.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestCluster} for every test class of the module that does not stop brokers: started by
 * the first class that needs it, closed by JUnit when the whole run ends (it is an {@link
 * AutoCloseable} in the root context's store). Use with {@code @ExtendWith(SharedCluster.class)}
 * and {@link #get()}.
 */
final class SharedCluster implements BeforeAllCallback {
  private static volatile TestCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (SharedCluster.class) {
      if (cluster == null) {
        TestCluster c =
            context
                .getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(
                    TestCluster.class.getName(), k -> TestCluster.start(), TestCluster.class);
        cluster = c;
      }
    }
  }

  /** The shared cluster; started once a class with this extension ran its {@code beforeAll}. */
  static TestCluster get() {
    TestCluster c = cluster;
    if (c == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(SharedCluster)");
    }
    return c;
  }
}
