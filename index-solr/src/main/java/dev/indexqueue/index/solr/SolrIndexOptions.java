package dev.indexqueue.index.solr;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a Solr index backend. Immutable and thread-safe; validates itself, each violation
 * throwing an {@link IllegalArgumentException} that names the field and the rule. {@link
 * #toString()} never shows the password.
 *
 * @param zkHost the ZooKeeper connection string of the SolrCloud cluster ({@code host:port[,...]}
 *     with an optional chroot such as {@code /solr}), or null when {@code solrUrls} is given
 * @param solrUrls base URLs of Solr nodes ({@code http://host:8983/solr}), empty when {@code
 *     zkHost} is given; exactly one of the two
 * @param collection the collection: letters, digits, {@code .}, {@code _} and {@code -}, at most
 *     100 characters
 * @param createCollection whether to create the collection (with the configset this module ships)
 *     when it does not exist
 * @param shards the shards of a created collection, 1–64
 * @param replicas the replicas per shard of a created collection, 1–16
 * @param username the user for HTTP basic authentication, or null; passed to Solr, never logged
 * @param password the password for HTTP basic authentication, or null; passed to Solr, never logged
 * @param requestTimeout how long one request to Solr may take, 1 s to 1 h
 */
public record SolrIndexOptions(
    String zkHost,
    List<String> solrUrls,
    String collection,
    boolean createCollection,
    int shards,
    int replicas,
    String username,
    String password,
    Duration requestTimeout) {

  /** The request timeout when none is configured. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** The configset this module ships and uploads under this name when it creates a collection. */
  public static final String CONFIGSET = "indexqueue";

  private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** Validates the record. */
  public SolrIndexOptions {
    solrUrls = solrUrls == null ? List.of() : List.copyOf(solrUrls);
    boolean zk = zkHost != null && !zkHost.isBlank();
    if (zk == !solrUrls.isEmpty()) {
      throw new IllegalArgumentException(
          "zkHost, solrUrls: exactly one is required, was: "
              + (zk ? "both" : "neither")
              + " (zkHost is the ZooKeeper connection string, solrUrls the Solr node URLs)");
    }
    for (String u : solrUrls) {
      if (u == null || !(u.startsWith("http://") || u.startsWith("https://"))) {
        throw new IllegalArgumentException(
            "solrUrls: each must start with http:// or https://, was: " + u);
      }
    }
    if (collection == null || !COLLECTION.matcher(collection).matches()) {
      throw new IllegalArgumentException(
          "collection: must be 1-100 characters of letters, digits, '.', '_' and '-', was: "
              + collection);
    }
    if (shards < 1 || shards > 64) {
      throw new IllegalArgumentException("shards: must be between 1 and 64, was: " + shards);
    }
    if (replicas < 1 || replicas > 16) {
      throw new IllegalArgumentException("replicas: must be between 1 and 16, was: " + replicas);
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException(
          "username, password: give both or neither (HTTP basic authentication)");
    }
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || requestTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "requestTimeout: must be between 1 s and 1 h, was: " + requestTimeout);
    }
  }

  /**
   * The defaults for a collection reached through ZooKeeper: no creation, no authentication.
   *
   * @param zkHost the ZooKeeper connection string, with an optional chroot
   * @param collection the collection
   */
  public static SolrIndexOptions zk(String zkHost, String collection) {
    return new SolrIndexOptions(
        zkHost, List.of(), collection, false, 1, 1, null, null, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * A copy that creates the collection when missing.
   *
   * @param shards its shards
   * @param replicas its replicas per shard
   */
  public SolrIndexOptions creating(int shards, int replicas) {
    return new SolrIndexOptions(
        zkHost, solrUrls, collection, true, shards, replicas, username, password, requestTimeout);
  }

  /**
   * A copy for another collection.
   *
   * @param name the collection
   */
  public SolrIndexOptions withCollection(String name) {
    return new SolrIndexOptions(
        zkHost,
        solrUrls,
        name,
        createCollection,
        shards,
        replicas,
        username,
        password,
        requestTimeout);
  }

  /**
   * A copy with HTTP basic authentication.
   *
   * @param user the user
   * @param secret the password
   */
  public SolrIndexOptions withCredentials(String user, String secret) {
    return new SolrIndexOptions(
        zkHost,
        solrUrls,
        collection,
        createCollection,
        shards,
        replicas,
        user,
        secret,
        requestTimeout);
  }

  /**
   * A copy with another request timeout.
   *
   * @param timeout how long one request to Solr may take, 1 s to 1 h
   */
  public SolrIndexOptions withRequestTimeout(Duration timeout) {
    return new SolrIndexOptions(
        zkHost,
        solrUrls,
        collection,
        createCollection,
        shards,
        replicas,
        username,
        password,
        timeout);
  }

  /** Where the collection is, for messages: never the credentials. */
  String where() {
    return "Solr collection " + collection + " at " + (zkHost != null ? zkHost : solrUrls);
  }

  @Override
  public String toString() {
    return "SolrIndexOptions[zkHost="
        + zkHost
        + ", solrUrls="
        + solrUrls
        + ", collection="
        + collection
        + ", createCollection="
        + createCollection
        + ", shards="
        + shards
        + ", replicas="
        + replicas
        + ", username="
        + (username == null ? "none" : username)
        + ", password="
        + (password == null ? "none" : "****")
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }
}
