package dev.indexqueue.spi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link TaskQueueProvider}s and {@link IndexBackendProvider}s by short name with {@link
 * ServiceLoader}. Stateless and thread-safe.
 *
 * <p>An unknown name fails with a message listing the names available; two providers with one name
 * fail with both class names. A provider that cannot be loaded (a broken {@code META-INF/services}
 * entry, a missing dependency) is skipped with a warning, so one broken plug-in does not hide the
 * others.
 */
public final class Providers {
  private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

  private Providers() {}

  /**
   * Creates a queue with the provider named {@code name}, found on the context class loader.
   *
   * @param name a provider name such as {@code memory}
   * @param config the provider's settings
   * @throws IllegalArgumentException when no provider or two providers have that name
   */
  public static TaskQueue taskQueue(String name, Map<String, String> config) {
    return taskQueueProvider(name, contextLoader()).create(Map.copyOf(config));
  }

  /**
   * Creates a backend with the provider named {@code name}, found on the context class loader.
   *
   * @param name a provider name such as {@code lucene}
   * @param config the provider's settings
   * @throws IllegalArgumentException when no provider or two providers have that name
   */
  public static IndexBackend indexBackend(String name, Map<String, String> config) {
    return indexBackendProvider(name, contextLoader()).create(Map.copyOf(config));
  }

  /**
   * Finds the queue provider named {@code name}.
   *
   * @param name the provider name
   * @param loader where to look
   * @throws IllegalArgumentException when no provider or two providers have that name
   */
  public static TaskQueueProvider taskQueueProvider(String name, ClassLoader loader) {
    return find(
        TaskQueueProvider.class,
        ServiceLoader.load(TaskQueueProvider.class, loader),
        TaskQueueProvider::name,
        name);
  }

  /**
   * Finds the backend provider named {@code name}.
   *
   * @param name the provider name
   * @param loader where to look
   * @throws IllegalArgumentException when no provider or two providers have that name
   */
  public static IndexBackendProvider indexBackendProvider(String name, ClassLoader loader) {
    return find(
        IndexBackendProvider.class,
        ServiceLoader.load(IndexBackendProvider.class, loader),
        IndexBackendProvider::name,
        name);
  }

  /**
   * The names of the queue providers found on {@code loader}, sorted.
   *
   * @param loader where to look
   */
  public static List<String> taskQueueNames(ClassLoader loader) {
    return List.copyOf(
        byName(ServiceLoader.load(TaskQueueProvider.class, loader), TaskQueueProvider::name)
            .keySet());
  }

  /**
   * The names of the backend providers found on {@code loader}, sorted.
   *
   * @param loader where to look
   */
  public static List<String> indexBackendNames(ClassLoader loader) {
    return List.copyOf(
        byName(ServiceLoader.load(IndexBackendProvider.class, loader), IndexBackendProvider::name)
            .keySet());
  }

  private static ClassLoader contextLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : Providers.class.getClassLoader();
  }

  private static <P> P find(
      Class<P> type, Iterable<P> loaded, Function<P, String> nameOf, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          type.getSimpleName()
              + " name: must not be blank, was: "
              + (name == null ? "null" : "\"" + name + "\""));
    }
    Map<String, List<P>> all = byName(loaded, nameOf);
    List<P> matches = all.get(name);
    if (matches == null) {
      throw new IllegalArgumentException(
          "No "
              + type.getSimpleName()
              + " named '"
              + name
              + "'; available: "
              + all.keySet()
              + " (add the module that provides it to the classpath)");
    }
    if (matches.size() > 1) {
      List<String> classes = new ArrayList<>();
      for (P p : matches) {
        classes.add(p.getClass().getName());
      }
      throw new IllegalArgumentException(
          "Two or more " + type.getSimpleName() + "s are named '" + name + "': " + classes);
    }
    return matches.get(0);
  }

  private static <P> Map<String, List<P>> byName(Iterable<P> loaded, Function<P, String> nameOf) {
    Map<String, List<P>> all = new TreeMap<>();
    Iterator<P> it = loaded.iterator();
    while (true) {
      P p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("Skipping a provider that cannot be loaded: {}", e.getMessage());
        LOG.debug("Provider load failure", e);
        continue;
      }
      all.computeIfAbsent(nameOf.apply(p), k -> new ArrayList<>()).add(p);
    }
    return all;
  }
}
