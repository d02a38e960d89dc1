package dev.indexqueue.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Our module descriptors, resolved and bound as the module system does for {@code java -p}: core
 * exports its three API packages and not the engine, the plug-ins provide what core uses, and no
 * package is split between two of our modules.
 */
class ModuleDescriptorsTest {

  @Test
  void coreExportsItsApiOnly() throws Exception {
    ModuleDescriptor core = finder().find("dev.indexqueue.core").orElseThrow().descriptor();
    assertThat(core.isAutomatic()).isFalse();
    assertThat(core.exports())
        .allMatch(e -> !e.isQualified())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactlyInAnyOrder(
            "dev.indexqueue", "dev.indexqueue.spi", "dev.indexqueue.workspace");
    assertThat(core.packages()).contains("dev.indexqueue.internal");
    assertThat(core.uses())
        .containsExactlyInAnyOrder(
            "dev.indexqueue.spi.TaskQueueProvider", "dev.indexqueue.spi.IndexBackendProvider");
    assertThat(core.requires().stream().map(ModuleDescriptor.Requires::name))
        .containsExactlyInAnyOrder("java.base", "org.slf4j");
  }

  @Test
  void aLayerOfCoreFindsTheProvidersByTheirNames() throws Exception {
    ModuleFinder finder = finder();
    Configuration cf =
        ModuleLayer.boot()
            .configuration()
            .resolveAndBind(finder, ModuleFinder.of(), Set.of("dev.indexqueue.core"));
    // service binding alone brings in the plug-ins: nobody requires them
    assertThat(cf.modules().stream().map(ResolvedModule::name))
        .contains("dev.indexqueue.queue.memory", "dev.indexqueue.index.lucene");
    noSplitPackages(cf);

    ModuleLayer layer =
        ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    assertThat(names(layer, "dev.indexqueue.spi.TaskQueueProvider")).contains("memory");
    assertThat(names(layer, "dev.indexqueue.spi.IndexBackendProvider")).containsExactly("lucene");
  }

  private static void noSplitPackages(Configuration cf) {
    Map<String, String> owner = new HashMap<>();
    List<String> split = new ArrayList<>();
    for (ResolvedModule m : cf.modules()) {
      for (String p : m.reference().descriptor().packages()) {
        String before = owner.putIfAbsent(p, m.name());
        if (before != null) {
          split.add(p + " in " + before + " and " + m.name());
        }
      }
    }
    assertThat(split).isEmpty();
  }

  /** The names of the providers of {@code service} in {@code layer}, as core's loader sees them. */
  private static Set<String> names(ModuleLayer layer, String service) throws Exception {
    Class<?> type = layer.findLoader("dev.indexqueue.core").loadClass(service);
    Set<String> names = new TreeSet<>();
    for (ServiceLoader.Provider<?> p : ServiceLoader.load(layer, type).stream().toList()) {
      assertThat(p.type().getModule().getLayer()).isSameAs(layer);
      names.add((String) type.getMethod("name").invoke(p.get()));
    }
    return names;
  }

  /**
   * Our modules (as built in this reactor: jars, or class directories) and what they require: SLF4J
   * and Lucene, each a module with a descriptor. Not queue-chronicle: an automatic module.
   */
  private static ModuleFinder finder() throws URISyntaxException {
    List<Path> paths = new ArrayList<>();
    for (String cls :
        List.of(
            "dev.indexqueue.IndexingService",
            "dev.indexqueue.queue.memory.MemoryTaskQueueProvider",
            "dev.indexqueue.index.lucene.LuceneIndexBackendProvider",
            "org.slf4j.Logger")) {
      paths.add(location(cls));
    }
    // Lucene's jars, which index-lucene requires, are on this test's class path
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (p.getFileName().toString().matches("lucene-[a-z-]+-[0-9.]+\\.jar")) {
        paths.add(p);
      }
    }
    return ModuleFinder.of(paths.toArray(Path[]::new));
  }

  private static Path location(String className) throws URISyntaxException {
    try {
      return Path.of(
          Class.forName(className, false, ModuleDescriptorsTest.class.getClassLoader())
              .getProtectionDomain()
              .getCodeSource()
              .getLocation()
              .toURI());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(className + " is not on the test class path", e);
    }
  }
}
