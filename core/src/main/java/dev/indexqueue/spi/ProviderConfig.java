package dev.indexqueue.spi;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a provider's {@code Map<String, String>} configuration with validation, so every provider
 * reports bad settings the same way: an {@link IllegalArgumentException} whose message names the
 * key, the rule and the value. Immutable and thread-safe.
 *
 * <pre>{@code
 * ProviderConfig c = ProviderConfig.of("memory queue", config, Set.of("capacity"));
 * int capacity = (int) c.longValue("capacity", 65_536, 1, 1 << 26);
 * }</pre>
 */
public final class ProviderConfig {
  private final String provider;
  private final Map<String, String> values;

  private ProviderConfig(String provider, Map<String, String> values) {
    this.provider = provider;
    this.values = values;
  }

  /**
   * Checks that {@code config} holds only {@code knownKeys}.
   *
   * @param provider a name for messages, such as {@code "chronicle queue"}
   * @param config the settings
   * @param knownKeys the keys the provider understands
   * @throws IllegalArgumentException naming the first unknown key and listing the known ones
   */
  public static ProviderConfig of(
      String provider, Map<String, String> config, Set<String> knownKeys) {
    for (String key : new TreeSet<>(config.keySet())) {
      if (!knownKeys.contains(key)) {
        throw new IllegalArgumentException(
            provider
                + " config: unknown key '"
                + key
                + "'; known keys: "
                + new TreeSet<>(knownKeys));
      }
    }
    return new ProviderConfig(provider, Map.copyOf(config));
  }

  /** The raw value of {@code key}, or {@code null} when absent. */
  public String get(String key) {
    return values.get(key);
  }

  /**
   * A required path.
   *
   * @throws IllegalArgumentException when absent, blank or not a valid path
   */
  public Path requiredPath(String key) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          key
              + ": is required for the "
              + provider
              + ", was: "
              + (v == null ? "absent" : quote(v)));
    }
    try {
      return Path.of(v.trim());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + ": not a valid path, was: " + quote(v), e);
    }
  }

  /**
   * An integer in {@code [min, max]} ({@code _} separators allowed), or {@code fallback} when
   * absent.
   *
   * @throws IllegalArgumentException when not an integer or out of range
   */
  public long longValue(String key, long fallback, long min, long max) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": must be an integer, was: " + quote(v), e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          key + ": must be between " + min + " and " + max + ", was: " + n);
    }
    return n;
  }

  /**
   * A number in {@code [min, max]}, or {@code fallback} when absent.
   *
   * @throws IllegalArgumentException when not a number or out of range
   */
  public double doubleValue(String key, double fallback, double min, double max) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    double n;
    try {
      n = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": must be a number, was: " + quote(v), e);
    }
    if (!(n >= min && n <= max)) {
      throw new IllegalArgumentException(
          key + ": must be between " + min + " and " + max + ", was: " + v.trim());
    }
    return n;
  }

  /**
   * An enum constant named by the value (case-insensitive), or {@code fallback} when absent.
   *
   * @throws IllegalArgumentException listing the constants when the value names none
   */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key
              + ": must be one of "
              + Arrays.toString(type.getEnumConstants())
              + ", was: "
              + quote(v),
          e);
    }
  }

  private static String quote(String v) {
    return "\"" + (v.length() > 80 ? v.substring(0, 80) + "…" : v) + "\"";
  }
}
