package dev.indexqueue.index.solr;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexBackendProvider;
import dev.indexqueue.spi.ProviderConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Provides the SolrCloud index backend under the name {@value #NAME}. Stateless and thread-safe.
 *
 * <p>Settings: {@code zkHost} (the ZooKeeper connection string, with an optional chroot) or {@code
 * solrUrls} (comma-separated Solr node URLs), exactly one; {@code collection} (required); {@code
 * createCollection} ({@code true} or {@code false}, default false: create the collection from the
 * configset this module ships when it does not exist) with {@code shards} (default 1) and {@code
 * replicas} (default 1); {@code username} and {@code password} (HTTP basic authentication, passed
 * to Solr and never logged); {@code requestTimeoutMs} (1,000–3,600,000, default 60,000). An unknown
 * key is refused, naming it.
 *
 * <p>The backend opened here guarantees what {@link IndexBackend} states, and: versioned documents,
 * so that a stale writer (a node that lost its partitions and still writes) never overwrites newer
 * data; the checkpoint of each partition stored in a document of the collection, durable with the
 * same hard commit as the data; {@code makeVisible} is a soft commit. See the module's README.md.
 */
public final class SolrIndexBackendProvider implements IndexBackendProvider {
  /** The provider's name. */
  public static final String NAME = "solr";

  private static final Set<String> KEYS =
      Set.of(
          "zkHost",
          "solrUrls",
          "collection",
          "createCollection",
          "shards",
          "replicas",
          "username",
          "password",
          "requestTimeoutMs");

  /** For {@link java.util.ServiceLoader}. */
  public SolrIndexBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public IndexBackend create(Map<String, String> config) {
    ProviderConfig c = ProviderConfig.of("solr backend", config, KEYS);
    List<String> urls = new ArrayList<>();
    String raw = c.get("solrUrls");
    if (raw != null) {
      for (String u : raw.split(",")) {
        if (!u.isBlank()) {
          urls.add(u.trim());
        }
      }
    }
    return open(
        new SolrIndexOptions(
            c.get("zkHost"),
            urls,
            c.get("collection"),
            bool(c.get("createCollection")),
            (int) c.longValue("shards", 1, 1, 64),
            (int) c.longValue("replicas", 1, 1, 16),
            c.get("username"),
            c.get("password"),
            Duration.ofMillis(
                c.longValue(
                    "requestTimeoutMs",
                    SolrIndexOptions.DEFAULT_REQUEST_TIMEOUT.toMillis(),
                    1_000,
                    3_600_000))));
  }

  private static boolean bool(String v) {
    if (v == null) {
      return false;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException("createCollection: must be true or false, was: " + v);
    };
  }

  /**
   * Opens a Solr backend directly, without the service loader.
   *
   * @param options the settings
   * @throws IllegalStateException naming the collection when it cannot be reached, created or read
   */
  public static IndexBackend open(SolrIndexOptions options) {
    return SolrIndexBackend.open(options);
  }
}
