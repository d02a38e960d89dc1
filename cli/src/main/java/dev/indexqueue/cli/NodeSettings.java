package dev.indexqueue.cli;

import dev.indexqueue.Role;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where this node's queue and index live and what the node does: the root options merged over the
 * {@code --config} file (options win), checked, and turned into the providers' settings. A property
 * file holds the options' names without the dashes ({@code kafka-bootstrap=host:9092}); Kafka
 * client properties pass through as {@code kafka.<client property>} ({@code --kafka-property
 * KEY=VALUE} on the command line). Immutable and thread-safe. {@link #describe()} never shows a
 * secret: pass-through values and the Solr password are left out.
 */
final class NodeSettings {
  static final String QUEUE = "queue";
  static final String BACKEND = "backend";
  static final String ROLE = "role";
  static final String KAFKA_BOOTSTRAP = "kafka-bootstrap";
  static final String KAFKA_TOPIC = "kafka-topic";
  static final String KAFKA_GROUP = "kafka-group";
  static final String KAFKA_PARTITIONS = "kafka-partitions";
  static final String KAFKA_TIMEOUT_MS = "kafka-timeout-ms";
  static final String SOLR_ZK = "solr-zk";
  static final String SOLR_URL = "solr-url";
  static final String SOLR_COLLECTION = "solr-collection";
  static final String SOLR_USERNAME = "solr-username";
  static final String SOLR_PASSWORD = "solr-password";

  /** The keys a config file may hold (plus {@code kafka.*} pass-through client properties). */
  static final Set<String> KEYS =
      new TreeSet<>(
          List.of(
              QUEUE,
              BACKEND,
              ROLE,
              KAFKA_BOOTSTRAP,
              KAFKA_TOPIC,
              KAFKA_GROUP,
              KAFKA_PARTITIONS,
              KAFKA_TIMEOUT_MS,
              SOLR_ZK,
              SOLR_URL,
              SOLR_COLLECTION,
              SOLR_USERNAME,
              SOLR_PASSWORD));

  static final String KAFKA_PREFIX = "kafka.";

  private final Indexq.QueueKind queue;
  private final Indexq.BackendKind backend;
  private final Role role;
  private final Map<String, String> values;
  private final Map<String, String> kafkaClient;

  private NodeSettings(
      Indexq.QueueKind queue,
      Indexq.BackendKind backend,
      Role role,
      Map<String, String> values,
      Map<String, String> kafkaClient) {
    this.queue = queue;
    this.backend = backend;
    this.role = role;
    this.values = values;
    this.kafkaClient = kafkaClient;
  }

  /**
   * Merges the root options over the config file and checks the result.
   *
   * @throws UsageException naming the option or key at fault and the rule
   */
  static NodeSettings resolve(Indexq root) {
    Map<String, String> v = new TreeMap<>();
    Map<String, String> client = new TreeMap<>();
    if (root.config != null) {
      load(root.config, v, client);
    }
    // the options win over the file
    put(v, QUEUE, root.queue == null ? null : root.queue.name());
    put(v, BACKEND, root.backend == null ? null : root.backend.name());
    put(v, ROLE, root.role == null ? null : root.role.name());
    put(v, KAFKA_BOOTSTRAP, root.kafkaBootstrap);
    put(v, KAFKA_TOPIC, root.kafkaTopic);
    put(v, KAFKA_GROUP, root.kafkaGroup);
    put(v, KAFKA_PARTITIONS, root.kafkaPartitions == null ? null : root.kafkaPartitions.toString());
    put(v, SOLR_ZK, root.solrZk);
    put(v, SOLR_URL, root.solrUrl);
    put(v, SOLR_COLLECTION, root.solrCollection);
    if (root.kafkaProperties != null) {
      for (Map.Entry<String, String> e : root.kafkaProperties.entrySet()) {
        if (e.getKey().isBlank()) {
          throw new UsageException("--kafka-property: expected KEY=VALUE, the key was empty");
        }
        client.put(e.getKey(), e.getValue());
      }
    }
    Indexq.QueueKind queue =
        v.containsKey(QUEUE) ? enumValue(Indexq.QueueKind.class, QUEUE, v.get(QUEUE)) : null;
    if (queue == null) {
      queue = Indexq.QueueKind.chronicle;
    }
    Indexq.BackendKind backend =
        v.containsKey(BACKEND)
            ? enumValue(Indexq.BackendKind.class, BACKEND, v.get(BACKEND))
            : Indexq.BackendKind.lucene;
    Role role =
        v.containsKey(ROLE)
            ? Role.valueOf(
                enumValue(RoleName.class, ROLE, v.get(ROLE)).name().toUpperCase(Locale.ROOT))
            : Role.BOTH;

    boolean kafka = queue == Indexq.QueueKind.kafka;
    if (!kafka) {
      for (String k :
          List.of(KAFKA_BOOTSTRAP, KAFKA_TOPIC, KAFKA_GROUP, KAFKA_PARTITIONS, KAFKA_TIMEOUT_MS)) {
        if (v.containsKey(k)) {
          throw new UsageException(k + ": applies to --queue kafka only, the queue is " + queue);
        }
      }
      if (!client.isEmpty()) {
        throw new UsageException(
            "kafka."
                + client.keySet().iterator().next()
                + ": applies to --queue kafka only, the queue is "
                + queue);
      }
      if (role != Role.BOTH) {
        throw new UsageException(
            "role: "
                + role.name().toLowerCase(Locale.ROOT)
                + " needs a queue shared by the nodes (--queue kafka); the "
                + queue
                + " queue belongs to this process, so the role must be both");
      }
    } else {
      required(v, KAFKA_BOOTSTRAP, "--queue kafka");
      required(v, KAFKA_TOPIC, "--queue kafka");
      positive(v, KAFKA_PARTITIONS);
      positive(v, KAFKA_TIMEOUT_MS);
    }
    boolean solr = backend == Indexq.BackendKind.solr;
    if (!solr) {
      for (String k : List.of(SOLR_ZK, SOLR_URL, SOLR_COLLECTION, SOLR_USERNAME, SOLR_PASSWORD)) {
        if (v.containsKey(k)) {
          throw new UsageException(
              k + ": applies to --backend solr only, the backend is " + backend);
        }
      }
    } else {
      if (v.containsKey(SOLR_ZK) == v.containsKey(SOLR_URL)) {
        throw new UsageException(
            "--backend solr needs exactly one of --solr-zk (ZooKeeper host[:port][/chroot]) and"
                + " --solr-url (Solr node URLs, comma-separated), "
                + (v.containsKey(SOLR_ZK) ? "both were given" : "neither was given"));
      }
      required(v, SOLR_COLLECTION, "--backend solr");
      if (v.containsKey(SOLR_USERNAME) != v.containsKey(SOLR_PASSWORD)) {
        throw new UsageException(
            "solr-username and solr-password: give both (in the --config file) or neither");
      }
    }
    return new NodeSettings(queue, backend, role, Map.copyOf(v), Map.copyOf(client));
  }

  /** The role names accepted (lower case, as the user types them). */
  enum RoleName {
    both,
    producer,
    worker
  }

  private static void load(Path file, Map<String, String> v, Map<String, String> client) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new UsageException("--config: no such file: " + file);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--config: cannot read " + file + ": " + e.getMessage(), e);
    }
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      String value = p.getProperty(k).strip();
      if (k.startsWith(KAFKA_PREFIX)) {
        String key = k.substring(KAFKA_PREFIX.length());
        if (key.isEmpty()) {
          throw new UsageException("--config " + file + ": key 'kafka.' names no client property");
        }
        client.put(key, value);
      } else if (KEYS.contains(k)) {
        v.put(k, value);
      } else {
        throw new UsageException(
            "--config "
                + file
                + ": unknown key '"
                + k
                + "' (known: "
                + String.join(", ", KEYS)
                + ", and kafka.<client property>)");
      }
    }
  }

  private static void put(Map<String, String> v, String key, String value) {
    if (value != null) {
      v.put(key, value);
    }
  }

  private static void required(Map<String, String> v, String key, String by) {
    String s = v.get(key);
    if (s == null || s.isBlank()) {
      throw new UsageException(by + " needs --" + key + " (or '" + key + "' in the --config file)");
    }
  }

  private static void positive(Map<String, String> v, String key) {
    String s = v.get(key);
    if (s == null) {
      return;
    }
    try {
      if (Long.parseLong(s.strip()) >= 1) {
        return;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageException(key + ": must be a whole number of at least 1, was: '" + s + "'");
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String value) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.strip())) {
        return e;
      }
      names.add(e.name());
    }
    throw new UsageException(
        key + ": must be one of " + String.join(", ", names) + ", was: '" + value + "'");
  }

  Indexq.QueueKind queue() {
    return queue;
  }

  Indexq.BackendKind backend() {
    return backend;
  }

  Role role() {
    return role;
  }

  /** Whether this node shares its queue with other processes. */
  boolean isCluster() {
    return queue == Indexq.QueueKind.kafka;
  }

  /**
   * The queue provider's settings.
   *
   * @param dataDir the data directory (the Chronicle queue lives in it)
   * @param lanes the service's lane count (the Kafka partition count when not set)
   * @param clientId the Kafka client id of this node, when the user set none
   */
  Map<String, String> queueConfig(DataDirectory dataDir, int lanes, String clientId) {
    Map<String, String> c = new LinkedHashMap<>();
    switch (queue) {
      case chronicle -> c.put("directory", dataDir.queue().toString());
      case memory -> {}
      case kafka -> {
        c.put("bootstrapServers", values.get(KAFKA_BOOTSTRAP));
        c.put("topic", values.get(KAFKA_TOPIC));
        if (values.containsKey(KAFKA_GROUP)) {
          c.put("group", values.get(KAFKA_GROUP));
        }
        c.put("partitions", values.getOrDefault(KAFKA_PARTITIONS, Integer.toString(lanes)).strip());
        if (values.containsKey(KAFKA_TIMEOUT_MS)) {
          c.put("timeoutMs", values.get(KAFKA_TIMEOUT_MS).strip());
        }
        for (Map.Entry<String, String> e : kafkaClient.entrySet()) {
          c.put(KAFKA_PREFIX + e.getKey(), e.getValue());
        }
        if (!kafkaClient.containsKey("client.id")
            && !kafkaClient.containsKey("consumer.client.id")) {
          c.put("kafka.consumer.client.id", clientId);
        }
      }
    }
    return c;
  }

  /** The backend provider's settings; {@code dataDir}: the data directory (Lucene's index). */
  Map<String, String> backendConfig(Path dataDir) {
    Map<String, String> c = new LinkedHashMap<>();
    switch (backend) {
      case lucene -> c.put("directory", dataDir.resolve("index").toString());
      case solr -> {
        if (values.containsKey(SOLR_ZK)) {
          c.put("zkHost", values.get(SOLR_ZK).strip());
        } else {
          c.put("solrUrls", values.get(SOLR_URL).strip());
        }
        c.put("collection", values.get(SOLR_COLLECTION).strip());
        if (values.containsKey(SOLR_USERNAME)) {
          c.put("username", values.get(SOLR_USERNAME));
          c.put("password", values.get(SOLR_PASSWORD));
        }
      }
    }
    return c;
  }

  /** One line for the user: where the queue and index are, the role; never a secret. */
  String describe() {
    StringBuilder b = new StringBuilder();
    b.append(queue);
    if (isCluster()) {
      b.append(" queue (topic ")
          .append(values.get(KAFKA_TOPIC))
          .append(" at ")
          .append(values.get(KAFKA_BOOTSTRAP))
          .append(values.containsKey(KAFKA_GROUP) ? ", group " + values.get(KAFKA_GROUP) : "")
          .append(kafkaClient.isEmpty() ? "" : ", client properties " + kafkaClient.keySet())
          .append(")");
    } else {
      b.append(" queue");
    }
    b.append(" + ").append(backend);
    if (backend == Indexq.BackendKind.solr) {
      b.append(" index (collection ")
          .append(values.get(SOLR_COLLECTION))
          .append(" at ")
          .append(values.containsKey(SOLR_ZK) ? values.get(SOLR_ZK) : values.get(SOLR_URL))
          .append(")");
    } else {
      b.append(" index");
    }
    b.append(", role ").append(role.name().toLowerCase(Locale.ROOT));
    return b.toString();
  }
}
