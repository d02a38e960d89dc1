package dev.indexqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersTest {

  /** A provider named "alpha". */
  public static final class Alpha implements TaskQueueProvider {
    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public TaskQueue create(Map<String, String> config) {
      throw new UnsupportedOperationException("test provider creates nothing");
    }
  }

  /** Another provider named "alpha". */
  public static final class AlphaToo implements TaskQueueProvider {
    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public TaskQueue create(Map<String, String> config) {
      throw new UnsupportedOperationException("test provider creates nothing");
    }
  }

  /** A provider named "beta". */
  public static final class Beta implements TaskQueueProvider {
    @Override
    public String name() {
      return "beta";
    }

    @Override
    public TaskQueue create(Map<String, String> config) {
      throw new UnsupportedOperationException("test provider creates nothing");
    }
  }

  private static ClassLoader loaderListing(Path dir, String... classes) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(TaskQueueProvider.class.getName()), String.join("\n", classes) + "\n");
    return new URLClassLoader(
        new URL[] {dir.toUri().toURL()}, ProvidersTest.class.getClassLoader());
  }

  @Test
  void findsAProviderByName(@TempDir Path dir) throws IOException {
    ClassLoader cl = loaderListing(dir, Alpha.class.getName(), Beta.class.getName());
    assertThat(Providers.taskQueueProvider("beta", cl)).isInstanceOf(Beta.class);
    assertThat(Providers.taskQueueNames(cl)).containsExactly("alpha", "beta");
  }

  @Test
  void unknownNameListsTheAvailableOnes(@TempDir Path dir) throws IOException {
    ClassLoader cl = loaderListing(dir, Alpha.class.getName(), Beta.class.getName());
    assertThatThrownBy(() -> Providers.taskQueueProvider("gamma", cl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "No TaskQueueProvider named 'gamma'; available: [alpha, beta] (add the module that"
                + " provides it to the classpath)");
  }

  @Test
  void duplicateNameNamesBothClasses(@TempDir Path dir) throws IOException {
    ClassLoader cl = loaderListing(dir, Alpha.class.getName(), AlphaToo.class.getName());
    assertThatThrownBy(() -> Providers.taskQueueProvider("alpha", cl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Two or more TaskQueueProviders are named 'alpha': ["
                + Alpha.class.getName()
                + ", "
                + AlphaToo.class.getName()
                + "]");
  }

  @Test
  void aBrokenEntryIsSkippedNotFatal(@TempDir Path dir) throws IOException {
    ClassLoader cl = loaderListing(dir, "no.such.Provider", Beta.class.getName());
    assertThat(Providers.taskQueueProvider("beta", cl)).isInstanceOf(Beta.class);
  }

  @Test
  void blankNameIsRejected() {
    assertThatThrownBy(() -> Providers.taskQueue(" ", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TaskQueueProvider name: must not be blank, was: \" \"");
  }

  @Test
  void contentHashIsStable() {
    assertThat(ContentHash.of("hello")).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e");
    assertThat(ContentHash.of("")).hasSize(32);
  }
}
