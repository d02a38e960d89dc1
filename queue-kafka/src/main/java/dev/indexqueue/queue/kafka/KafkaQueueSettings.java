package dev.indexqueue.queue.kafka;

import dev.indexqueue.spi.Partitioning;
import dev.indexqueue.spi.ProviderConfig;
import dev.indexqueue.spi.TaskQueueProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parsed settings of a Kafka queue (see {@link KafkaTaskQueueProvider} for each key). Immutable
 * and thread-safe. {@link #toString()} names the client properties but never shows their values:
 * they may hold secrets (SASL JAAS configuration, key store passwords).
 */
record KafkaQueueSettings(
    String bootstrapServers,
    String topic,
    String urgentTopic,
    int partitions,
    int bands,
    short replicationFactor,
    String group,
    boolean createTopics,
    long capacity,
    long timeoutMs,
    long readBufferBytes,
    long lagRefreshMs,
    Map<String, String> common,
    Map<String, String> producer,
    Map<String, String> consumer,
    Map<String, String> admin) {

  static final String PREFIX = "kafka.";
  static final String PRODUCER_PREFIX = "kafka.producer.";
  static final String CONSUMER_PREFIX = "kafka.consumer.";
  static final String ADMIN_PREFIX = "kafka.admin.";

  static final long DEFAULT_CAPACITY = 1_000_000;
  static final long DEFAULT_TIMEOUT_MS = 30_000;
  static final long DEFAULT_READ_BUFFER_BYTES = 32L << 20;
  static final long DEFAULT_LAG_REFRESH_MS = 1_000;

  /** The largest record value we let the producer send and create topics for (16 MiB content). */
  static final int MAX_RECORD_BYTES = (16 << 20) + (64 << 10);

  static final Set<String> KEYS =
      Set.of(
          "bootstrapServers",
          "topic",
          TaskQueueProvider.PARTITIONS,
          "bands",
          "replicationFactor",
          "group",
          "createTopics",
          "capacity",
          "timeoutMs",
          "readBufferBytes",
          "lagRefreshMs");

  /**
   * Client properties IndexQueue sets itself: a pass-through setting for one of them is refused
   * (with what to set instead), since the queue's guarantees rest on them.
   */
  static final Map<String, String> OWNED =
      Map.ofEntries(
          Map.entry("bootstrap.servers", "use the setting 'bootstrapServers'"),
          Map.entry("group.id", "use the setting 'group'"),
          Map.entry("key.serializer", "the queue writes its own record format"),
          Map.entry("value.serializer", "the queue writes its own record format"),
          Map.entry("key.deserializer", "the queue reads its own record format"),
          Map.entry("value.deserializer", "the queue reads its own record format"),
          Map.entry("enable.auto.commit", "the queue commits offsets after each backend commit"),
          Map.entry("auto.offset.reset", "the queue seeks to the backend's checkpoint itself"),
          Map.entry(
              "partition.assignment.strategy",
              "the queue assigns a partition's bands to one member (CoPartitionedAssignor)"),
          Map.entry("group.protocol", "the queue uses the classic protocol (client-side assignor)"),
          Map.entry("transactional.id", "the queue does not use transactions"),
          Map.entry("isolation.level", "the queue does not use transactions"));

  /** Client properties whose value is fixed: anything else is refused. */
  static final Map<String, List<String>> REQUIRED =
      Map.of(
          "acks", List.of("all", "-1"),
          "enable.idempotence", List.of("true"));

  static KafkaQueueSettings parse(Map<String, String> config) {
    Map<String, String> own = new HashMap<>();
    Map<String, String> common = new TreeMap<>();
    Map<String, String> producer = new TreeMap<>();
    Map<String, String> consumer = new TreeMap<>();
    Map<String, String> admin = new TreeMap<>();
    for (Map.Entry<String, String> e : config.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(PRODUCER_PREFIX)) {
        producer.put(clientKey(k, PRODUCER_PREFIX, e.getValue()), e.getValue());
      } else if (k.startsWith(CONSUMER_PREFIX)) {
        consumer.put(clientKey(k, CONSUMER_PREFIX, e.getValue()), e.getValue());
      } else if (k.startsWith(ADMIN_PREFIX)) {
        admin.put(clientKey(k, ADMIN_PREFIX, e.getValue()), e.getValue());
      } else if (k.startsWith(PREFIX)) {
        common.put(clientKey(k, PREFIX, e.getValue()), e.getValue());
      } else {
        own.put(k, e.getValue());
      }
    }
    ProviderConfig c;
    try {
      c = ProviderConfig.of("kafka queue", own, KEYS);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage()
              + "; Kafka client properties go under '"
              + PREFIX
              + "' (all clients) or '"
              + PRODUCER_PREFIX
              + "', '"
              + CONSUMER_PREFIX
              + "', '"
              + ADMIN_PREFIX
              + "'",
          e);
    }
    String bootstrap = required(c, "bootstrapServers");
    String topic = required(c, "topic");
    checkTopic("topic", topic);
    int bands = (int) c.longValue("bands", 2, 1, 2);
    String urgent = bands == 2 ? topic + "-urgent" : null;
    if (urgent != null) {
      checkTopic("topic", urgent);
    }
    int partitions =
        (int) c.longValue(TaskQueueProvider.PARTITIONS, -1, 1, Partitioning.MAX_PARTITIONS);
    if (partitions < 0) {
      throw new IllegalArgumentException(
          TaskQueueProvider.PARTITIONS
              + ": is required for the kafka queue (the service builder sets it to its lane count"
              + " when absent), was: absent");
    }
    short rf = (short) c.longValue("replicationFactor", -1, -1, Short.MAX_VALUE);
    if (rf == 0) {
      throw new IllegalArgumentException(
          "replicationFactor: must be at least 1, or -1 for the brokers' default, was: 0");
    }
    String group = c.get("group");
    if (group == null) {
      group = "indexqueue-" + topic;
    } else if (group.isBlank()) {
      throw new IllegalArgumentException("group: must not be blank, was: \"" + group + "\"");
    }
    String create = c.get("createTopics");
    boolean createTopics = true;
    if (create != null) {
      String v = create.trim().toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException(
            "createTopics: must be true or false, was: \"" + create + "\"");
      }
      createTopics = v.equals("true");
    }
    return new KafkaQueueSettings(
        bootstrap.trim(),
        topic,
        urgent,
        partitions,
        bands,
        rf,
        group,
        createTopics,
        c.longValue("capacity", DEFAULT_CAPACITY, 1, Long.MAX_VALUE / 4),
        c.longValue("timeoutMs", DEFAULT_TIMEOUT_MS, 1, 3_600_000),
        c.longValue("readBufferBytes", DEFAULT_READ_BUFFER_BYTES, 64 << 10, 1L << 40),
        c.longValue("lagRefreshMs", DEFAULT_LAG_REFRESH_MS, 10, 3_600_000),
        Map.copyOf(common),
        Map.copyOf(producer),
        Map.copyOf(consumer),
        Map.copyOf(admin));
  }

  private static String required(ProviderConfig c, String key) {
    String v = c.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          key
              + ": is required for the kafka queue, was: "
              + (v == null ? "absent" : "\"" + v + "\""));
    }
    return v;
  }

  /** Kafka's topic name rule: 1–249 characters of [a-zA-Z0-9._-], not "." or "..". */
  private static void checkTopic(String key, String topic) {
    if (topic.length() > 249
        || topic.equals(".")
        || topic.equals("..")
        || !topic.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(
          key
              + ": must be a Kafka topic name (1 to 249 characters of [a-zA-Z0-9._-], not '.' or"
              + " '..'"
              + (key.equals("topic") ? "; with two bands '<topic>-urgent' too" : "")
              + "), was: \""
              + (topic.length() > 80 ? topic.substring(0, 80) + "…" : topic)
              + "\"");
    }
  }

  private static String clientKey(String key, String prefix, String value) {
    String k = key.substring(prefix.length());
    if (k.isEmpty()) {
      throw new IllegalArgumentException(
          key + ": names no client property (write " + prefix + "<kafka property>)");
    }
    String why = OWNED.get(k);
    if (why != null) {
      throw new IllegalArgumentException(key + ": is set by the kafka queue itself (" + why + ")");
    }
    List<String> allowed = REQUIRED.get(k);
    if (allowed != null && !allowed.contains(value.trim().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          key
              + ": must be "
              + allowed.get(0)
              + " (the queue relies on an idempotent producer with acks=all), was: \""
              + value
              + "\"");
    }
    return k;
  }

  /** The topics the queue uses: the normal band's, then the urgent band's when there are two. */
  List<String> topics() {
    return urgentTopic == null ? List.of(topic) : List.of(topic, urgentTopic);
  }

  @Override
  public String toString() {
    Set<String> names = new TreeSet<>(common.keySet());
    producer.keySet().forEach(k -> names.add("producer." + k));
    consumer.keySet().forEach(k -> names.add("consumer." + k));
    admin.keySet().forEach(k -> names.add("admin." + k));
    return "kafka[bootstrapServers="
        + bootstrapServers
        + ", topics="
        + topics()
        + ", partitions="
        + partitions
        + ", group="
        + group
        + ", capacity="
        + capacity
        + (names.isEmpty() ? "" : ", client properties set (values not shown)=" + names)
        + "]";
  }
}
