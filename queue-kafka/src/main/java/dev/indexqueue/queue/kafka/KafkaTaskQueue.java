package dev.indexqueue.queue.kafka;

import dev.indexqueue.IndexTask;
import dev.indexqueue.spi.PartitionListener;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueueGroup;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskQueue} over Kafka topics: band 0 of partition {@code p} is partition {@code p} of
 * the topic, band 1 (the urgent band) partition {@code p} of {@code <topic>-urgent}; a task's
 * position is its record's offset. Thread-safe as the SPI asks: any number of appending threads,
 * one reader per partition, the maintainer acknowledging concurrently.
 *
 * <ul>
 *   <li><b>Append</b> sends one record (key: the workspace; the predecessor in a header) with an
 *       idempotent producer ({@code acks=all}) and returns its offset once the broker acknowledged
 *       it. {@link #FULL} when {@link #size()} reached {@link #capacity()}, or when the producer's
 *       buffer stayed full for {@code max.block.ms}.
 *   <li><b>Read</b>: one poller thread owns the consumer and fills a bounded buffer per log; a read
 *       takes from it, and asks the poller to seek when it wants another position (a read waits up
 *       to {@code min(timeoutMs, 5 s)} for records it knows exist).
 *   <li><b>Acknowledge</b> commits the consumer group's offset (through the poller), so standard
 *       tools show the lag. {@link #firstPosition} is the larger of the log's start (retention) and
 *       the group's committed offset; {@link #size()} is the lag, over all logs, as this process
 *       knows it (its appends, its fetches, and a refresh from the cluster every {@code
 *       lagRefreshMs}).
 *   <li><b>Ownership</b>: {@link #subscribe} joins the consumer group (cooperative rebalancing,
 *       both bands of a partition to one member) and tells the core what this process owns. A queue
 *       whose reads start without {@code subscribe} (tools, tests) reads every partition without
 *       joining the group.
 *   <li><b>Shared</b>: {@link #isShared()} is true (other processes append and read): the core
 *       waits for tasks another process applies through the backend's checkpoints.
 * </ul>
 */
final class KafkaTaskQueue implements TaskQueue {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTaskQueue.class);

  final KafkaQueueSettings settings;
  private final int partitions;
  private final int bands;
  private final TopicPartition[] tps;
  private final Map<TopicPartition, Integer> logOf = new HashMap<>();
  private final Admin admin;

  private final Object stateLock = new Object();
  private final AtomicLongArray end;
  private final AtomicLongArray logStart;
  private final AtomicLongArray acked;

  /** Per log, a run of offsets [skipFrom, skipTo) holding no task (corrupt records); -1: none. */
  private final AtomicLongArray skipFrom;

  private final AtomicLongArray skipTo;
  private volatile long held;
  private long inflight;

  private final Object clientLock = new Object();
  private volatile KafkaProducer<byte[], byte[]> producer;
  private volatile Poller poller;
  private final Map<Integer, Long> unsentAcks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher;
  private volatile boolean closed;

  KafkaTaskQueue(KafkaQueueSettings settings) {
    this.settings = settings;
    this.partitions = settings.partitions();
    this.bands = settings.bands();
    this.tps = new TopicPartition[partitions * bands];
    for (int p = 0; p < partitions; p++) {
      for (int b = 0; b < bands; b++) {
        TopicPartition tp = new TopicPartition(settings.topics().get(b), p);
        tps[p * bands + b] = tp;
        logOf.put(tp, p * bands + b);
      }
    }
    this.end = new AtomicLongArray(tps.length);
    this.logStart = new AtomicLongArray(tps.length);
    this.acked = new AtomicLongArray(tps.length);
    this.skipFrom = new AtomicLongArray(tps.length);
    this.skipTo = new AtomicLongArray(tps.length);
    for (int i = 0; i < tps.length; i++) {
      skipFrom.set(i, -1);
    }
    this.admin = createAdmin();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
      ensureTopics(deadline);
      while (true) {
        try {
          refresh(deadline);
          break;
        } catch (IllegalStateException e) {
          // a topic just created takes a moment to reach every broker's metadata
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException
                  || e.getCause()
                      instanceof org.apache.kafka.common.errors.LeaderNotAvailableException
                  || e.getCause()
                      instanceof org.apache.kafka.common.errors.NotLeaderOrFollowerException)
              || System.nanoTime() > deadline) {
            throw e;
          }
        }
      }
    } catch (RuntimeException | Error e) {
      admin.close(Duration.ZERO);
      throw e;
    }
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "indexqueue-kafka-refresh-" + settings.topic());
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(
        this::refreshQuietly,
        settings.lagRefreshMs(),
        settings.lagRefreshMs(),
        TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------------------ clients

  Map<String, Object> clientProperties(Map<String, String> specific) {
    Map<String, Object> p = new HashMap<>(settings.common());
    p.putAll(specific);
    p.put("bootstrap.servers", settings.bootstrapServers());
    return p;
  }

  private Admin createAdmin() {
    Map<String, Object> p = clientProperties(settings.admin());
    long timeout = settings.timeoutMs();
    p.putIfAbsent(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeout, 3_600_000));
    p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout, 30_000));
    p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "indexqueue-" + settings.topic() + "-admin");
    try {
      return Admin.create(p);
    } catch (KafkaException e) {
      throw new IllegalArgumentException(
          "bootstrapServers: the Kafka admin client cannot start with \""
              + settings.bootstrapServers()
              + "\": "
              + rootMessage(e),
          e);
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    KafkaProducer<byte[], byte[]> p = producer;
    if (p != null) {
      return p;
    }
    synchronized (clientLock) {
      checkOpen();
      if (producer == null) {
        Map<String, Object> c = clientProperties(settings.producer());
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // one request in flight per broker: the submits that arrive while it travels go out
        // together in the next one (a lone submitter waits no longer; see the README)
        c.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        c.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaQueueSettings.MAX_RECORD_BYTES);
        c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.timeoutMs());
        c.putIfAbsent(
            ProducerConfig.CLIENT_ID_CONFIG, "indexqueue-" + settings.topic() + "-producer");
        try {
          producer = new KafkaProducer<>(c);
        } catch (KafkaException e) {
          throw new IllegalArgumentException(
              "kafka.producer: the Kafka producer refuses its properties: " + rootMessage(e), e);
        }
      }
      return producer;
    }
  }

  private Poller poller(PartitionListener listener) {
    synchronized (clientLock) {
      checkOpen();
      if (poller == null) {
        poller = new Poller(this, listener);
        poller.start();
        for (Map.Entry<Integer, Long> e : unsentAcks.entrySet()) {
          poller.commitLater(e.getKey(), e.getValue());
        }
        unsentAcks.clear();
      } else if (listener != null) {
        throw new IllegalStateException(
            "subscribe: must be called once, before any read (the queue already reads "
                + (poller.grouped() ? "as a member of group " + settings.group() : "standalone")
                + ")");
      }
      return poller;
    }
  }

  // ------------------------------------------------------------------------------ open

  private void ensureTopics(long deadline) {
    List<String> topics = settings.topics();
    Map<String, TopicDescription> found = describe(topics, deadline);
    List<String> missing = new ArrayList<>();
    for (String t : topics) {
      if (!found.containsKey(t)) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      if (!settings.createTopics()) {
        throw new IllegalArgumentException(
            "topic: "
                + missing
                + " does not exist on the cluster at "
                + settings.bootstrapServers()
                + " and createTopics is false: create "
                + (missing.size() == 1 ? "it" : "them")
                + " with "
                + partitions
                + " partitions (and cleanup.policy=delete), or set createTopics=true");
      }
      List<NewTopic> create = new ArrayList<>();
      for (String t : missing) {
        create.add(
            new NewTopic(
                    t,
                    Optional.of(partitions),
                    settings.replicationFactor() < 0
                        ? Optional.empty()
                        : Optional.of(settings.replicationFactor()))
                .configs(
                    Map.of(
                        "cleanup.policy",
                        "delete",
                        "max.message.bytes",
                        Integer.toString(KafkaQueueSettings.MAX_RECORD_BYTES))));
      }
      Map<String, org.apache.kafka.common.KafkaFuture<Void>> results =
          admin.createTopics(create).values();
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> r : results.entrySet()) {
        try {
          await(r.getValue(), deadline, "creating topic '" + r.getKey() + "'");
          LOG.info(
              "Created topic {} with {} partitions (replication factor {})",
              r.getKey(),
              partitions,
              settings.replicationFactor() < 0
                  ? "the brokers' default"
                  : settings.replicationFactor());
        } catch (ClusterException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e.toUserError();
          }
        }
      }
      found = describe(topics, deadline);
      while (found.size() < topics.size() && System.nanoTime() < deadline) {
        // a created topic takes a moment to reach every broker's metadata
        found = describe(topics, deadline);
      }
    }
    for (String t : topics) {
      TopicDescription d = found.get(t);
      if (d == null) {
        throw new IllegalStateException(
            "topic: '" + t + "' was created but the cluster does not describe it yet");
      }
      if (d.partitions().size() != partitions) {
        throw new IllegalArgumentException(
            "partitions: the topic '"
                + t
                + "' has "
                + d.partitions().size()
                + " partitions, but the queue is configured with "
                + partitions
                + " (the service builder sets 'partitions' to its lane count when absent); set"
                + " partitions="
                + d.partitions().size()
                + ", or use another topic: a topic's partitions decide where each workspace's"
                + " tasks live, so they cannot differ");
      }
    }
  }

  private Map<String, TopicDescription> describe(List<String> topics, long deadline) {
    Map<String, TopicDescription> found = new HashMap<>();
    Map<String, org.apache.kafka.common.KafkaFuture<TopicDescription>> r =
        admin.describeTopics(topics).topicNameValues();
    for (String t : topics) {
      try {
        found.put(t, await(r.get(t), deadline, "describing topic '" + t + "'"));
      } catch (ClusterException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e.toUserError();
        }
      }
    }
    return found;
  }

  /** A failure talking to the cluster, with what we were doing. */
  private final class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String doing;

    ClusterException(String doing, Throwable cause) {
      super(doing + ": " + rootMessage(cause), cause);
      this.doing = doing;
    }

    RuntimeException toUserError() {
      Throwable c = getCause();
      if (c instanceof java.util.concurrent.TimeoutException
          || c instanceof org.apache.kafka.common.errors.TimeoutException) {
        return new IllegalStateException(
            "bootstrapServers: no Kafka broker answered at "
                + settings.bootstrapServers()
                + " within "
                + settings.timeoutMs()
                + " ms (timeoutMs) while "
                + doing
                + "; check the address, the listeners and that the cluster is up",
            c);
      }
      if (c instanceof TopicAuthorizationException) {
        return new IllegalStateException(
            "topic: not authorized for "
                + settings.topics()
                + " while "
                + doing
                + " (Kafka: "
                + rootMessage(c)
                + "); the queue's principal needs Describe, Read and Write on the topics"
                + " (and Create when createTopics=true)",
            c);
      }
      if (c instanceof GroupAuthorizationException) {
        return new IllegalStateException(
            "group: not authorized for consumer group '"
                + settings.group()
                + "' while "
                + doing
                + " (Kafka: "
                + rootMessage(c)
                + "); the queue's principal needs Describe and Read on the group",
            c);
      }
      if (c instanceof AuthorizationException) {
        return new IllegalStateException(
            "not authorized while " + doing + " (Kafka: " + rootMessage(c) + ")", c);
      }
      return new IllegalStateException("kafka: " + doing + " failed: " + rootMessage(c), c);
    }
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> f, long deadline, String doing) {
    try {
      return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new ClusterException(doing, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ClusterException(doing, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + doing, e);
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // ------------------------------------------------------------------------------ offsets

  /** Reads the logs' starts and ends and the group's committed offsets from the cluster. */
  private void refresh(long deadline) {
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicPartition tp : tps) {
      earliest.put(tp, OffsetSpec.earliest());
      latest.put(tp, OffsetSpec.latest());
    }
    ListOffsetsResult starts = admin.listOffsets(earliest);
    ListOffsetsResult ends = admin.listOffsets(latest);
    var group = admin.listConsumerGroupOffsets(settings.group()).partitionsToOffsetAndMetadata();
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> s =
        awaitOrUserError(starts.all(), deadline, "reading the topics' first offsets");
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e =
        awaitOrUserError(ends.all(), deadline, "reading the topics' end offsets");
    Map<TopicPartition, OffsetAndMetadata> g =
        awaitOrUserError(
            group, deadline, "reading the committed offsets of group '" + settings.group() + "'");
    Map<TopicPartition, Long> starts1 = new HashMap<>();
    Map<TopicPartition, Long> ends1 = new HashMap<>();
    Map<TopicPartition, Long> committed = new HashMap<>();
    s.forEach((tp, i) -> starts1.put(tp, i.offset()));
    e.forEach((tp, i) -> ends1.put(tp, i.offset()));
    g.forEach(
        (tp, o) -> {
          if (o != null) {
            committed.put(tp, o.offset());
          }
        });
    Set<Integer> grew = learn(starts1, ends1, committed);
    Poller pl = poller;
    if (pl != null) {
      for (int p : grew) {
        pl.arrived(p);
      }
    }
  }

  private <T> T awaitOrUserError(
      org.apache.kafka.common.KafkaFuture<T> f, long deadline, String doing) {
    try {
      return await(f, deadline, doing);
    } catch (ClusterException e) {
      throw e.toUserError();
    }
  }

  private void refreshQuietly() {
    if (closed) {
      return;
    }
    try {
      flushUnsentAcks();
      refresh(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs()));
    } catch (RuntimeException e) {
      LOG.debug("kafka queue {}: refreshing the lag failed: {}", settings.topic(), e.toString());
    }
  }

  /**
   * Merges what the cluster or the consumer reports (each only raises a value) and returns the
   * partitions whose end grew.
   */
  Set<Integer> learn(
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends,
      Map<TopicPartition, Long> committed) {
    Set<Integer> grew = new HashSet<>();
    synchronized (stateLock) {
      for (int i = 0; i < tps.length; i++) {
        TopicPartition tp = tps[i];
        long before = heldOf(i);
        Long v = starts.get(tp);
        if (v != null && v > logStart.get(i)) {
          logStart.set(i, v);
        }
        v = committed.get(tp);
        if (v != null && v > acked.get(i)) {
          acked.set(i, v);
        }
        v = ends.get(tp);
        if (v != null && v > end.get(i)) {
          end.set(i, v);
          grew.add(i / bands);
        }
        held += heldOf(i) - before;
      }
    }
    return grew;
  }

  /** Raises a log's end; returns whether it grew. */
  boolean advanceEnd(int log, long newEnd) {
    if (newEnd <= end.get(log)) {
      return false;
    }
    synchronized (stateLock) {
      long before = heldOf(log);
      if (newEnd <= end.get(log)) {
        return false;
      }
      end.set(log, newEnd);
      held += heldOf(log) - before;
      return true;
    }
  }

  /** Raises a log's start (the poller found the log's records deleted below it). */
  void advanceStart(int log, long start) {
    synchronized (stateLock) {
      long before = heldOf(log);
      if (start > logStart.get(log)) {
        logStart.set(log, start);
      }
      held += heldOf(log) - before;
    }
  }

  /** The poller skipped a record that is not a task. */
  void noteSkipped(int log, long offset) {
    synchronized (stateLock) {
      if (skipFrom.get(log) >= 0 && skipTo.get(log) == offset) {
        skipTo.set(log, offset + 1);
      } else {
        skipFrom.set(log, offset);
        skipTo.set(log, offset + 1);
      }
    }
  }

  /** The poller delivered a task. */
  void noteTask(int log, long offset) {
    if (skipFrom.get(log) >= 0 && offset >= skipTo.get(log)) {
      synchronized (stateLock) {
        if (offset >= skipTo.get(log)) {
          skipFrom.set(log, -1);
        }
      }
    }
  }

  /**
   * Where reading stops for now: the log's end, or the start of a run of skipped offsets (records
   * that are not tasks) the log ends with, since no task lies there (a lane must not wait for one).
   */
  long effectiveEnd(int log) {
    long e = end.get(log);
    long from = skipFrom.get(log);
    if (from >= 0 && skipTo.get(log) >= e) {
      return Math.min(from, e);
    }
    return e;
  }

  private long heldOf(int log) {
    return Math.max(0, end.get(log) - Math.max(logStart.get(log), acked.get(log)));
  }

  // ------------------------------------------------------------------------------ SPI

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public int bands() {
    return bands;
  }

  int logIndex(TopicPartition tp) {
    Integer i = logOf.get(tp);
    return i == null ? -1 : i;
  }

  TopicPartition topicPartition(int log) {
    return tps[log];
  }

  int logCount() {
    return tps.length;
  }

  private int log(int partition, int band) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException(
          "partition: must be between 0 and " + (partitions - 1) + ", was: " + partition);
    }
    if (band < 0 || band >= bands) {
      throw new IllegalArgumentException(
          "band: must be between 0 and " + (bands - 1) + ", was: " + band);
    }
    return partition * bands + band;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("kafka queue " + settings.topic() + " is closed");
    }
  }

  @Override
  public long append(int partition, int band, IndexTask task, Predecessor predecessor) {
    int log = log(partition, band);
    checkOpen();
    synchronized (stateLock) {
      if (held + inflight >= settings.capacity()) {
        return FULL;
      }
      inflight++;
    }
    try {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              tps[log].topic(), partition, TaskCodec.key(task.workspace()), TaskCodec.value(task));
      if (predecessor != null) {
        record
            .headers()
            .add(
                new RecordHeader(TaskCodec.PREDECESSOR_HEADER, TaskCodec.predecessor(predecessor)));
      }
      RecordMetadata m;
      try {
        Future<RecordMetadata> f = producer().send(record, ownAppend(log, task, predecessor));
        m = f.get();
      } catch (ExecutionException e) {
        return failed(e.getCause(), task, log);
      } catch (BufferExhaustedException e) {
        return FULL;
      } catch (KafkaException e) {
        return failed(e, task, log);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for the broker's acknowledgement of a task of workspace "
                + task.workspace()
                + "; it may still be appended",
            e);
      }
      advanceEnd(log, m.offset() + 1);
      return m.offset();
    } finally {
      synchronized (stateLock) {
        inflight--;
      }
    }
  }

  /**
   * The producer's callback that hands an acknowledged record to this process's reader (the
   * poller's buffer) at once, so a lane reading its own process's appends does not wait for the
   * consumer to fetch them; {@code null} when nothing here reads yet, or when the task would not
   * come back from the record exactly as it is (text that is not well-formed UTF-16). Kafka runs
   * the callbacks of a partition's records in offset order, before {@code send}'s future completes.
   */
  private org.apache.kafka.clients.producer.Callback ownAppend(
      int log, IndexTask task, Predecessor predecessor) {
    Poller pl = poller;
    if (pl == null || !TaskCodec.roundTrips(task)) {
      return null;
    }
    return (m, e) -> {
      if (e == null && m != null && m.hasOffset()) {
        pl.appended(
            log,
            m.offset(),
            task,
            predecessor,
            Math.max(0, m.serializedKeySize()) + Math.max(0, m.serializedValueSize()));
      }
    };
  }

  private long failed(Throwable c, IndexTask task, int log) {
    if (c instanceof BufferExhaustedException) {
      return FULL;
    }
    if (closed) {
      throw new IllegalStateException(
          "kafka queue "
              + settings.topic()
              + " was closed while a task of workspace "
              + task.workspace()
              + " waited for the broker's acknowledgement; it may still be appended",
          c);
    }
    if (c instanceof RecordTooLargeException) {
      throw new IllegalArgumentException(
          "content: the task's record is larger than Kafka accepts (the producer's"
              + " max.request.size or the topic's max.message.bytes; Kafka: "
              + rootMessage(c)
              + "); raise them, or lower the service's maxContentBytes",
          c);
    }
    if (c instanceof AuthorizationException) {
      throw new IllegalStateException(
          "topic: not authorized to write to "
              + tps[log].topic()
              + " (Kafka: "
              + rootMessage(c)
              + "); the queue's principal needs Write on the topics",
          c);
    }
    if (c instanceof org.apache.kafka.common.errors.TimeoutException) {
      throw new IllegalStateException(
          "kafka: no acknowledgement for a task of workspace "
              + task.workspace()
              + " on "
              + tps[log]
              + " in time (max.block.ms / delivery.timeout.ms; Kafka: "
              + rootMessage(c)
              + "); it may still be appended",
          c);
    }
    throw new IllegalStateException(
        "kafka: the broker did not acknowledge a task of workspace "
            + task.workspace()
            + " on "
            + tps[log]
            + " (Kafka: "
            + rootMessage(c)
            + "); it may still be appended",
        c);
  }

  @Override
  public List<QueuedTask> read(int partition, int band, long fromPosition, int maxTasks) {
    int log = log(partition, band);
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks: must be at least 1, was: " + maxTasks);
    }
    checkOpen();
    long from = Math.max(fromPosition, firstPosition(partition, band));
    if (from >= effectiveEnd(log)) {
      return List.of();
    }
    Poller pl = poller;
    if (pl == null) {
      pl = poller(null);
    }
    return pl.read(log, from, maxTasks);
  }

  @Override
  public void acknowledge(int partition, int band, long position) {
    int log = log(partition, band);
    if (position <= acked.get(log)) {
      return;
    }
    synchronized (stateLock) {
      long before = heldOf(log);
      if (position > acked.get(log)) {
        acked.set(log, position);
      }
      held += heldOf(log) - before;
    }
    Poller pl = poller;
    if (pl != null) {
      pl.commitLater(log, position);
    } else {
      unsentAcks.merge(log, position, Math::max);
    }
  }

  /** Commits acknowledgements made before any consumer existed (the group has no member here). */
  private void flushUnsentAcks() {
    if (unsentAcks.isEmpty() || poller != null) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<Integer, Long> sent = new HashMap<>(unsentAcks);
    sent.forEach((log, pos) -> offsets.put(tps[log], new OffsetAndMetadata(pos)));
    try {
      admin
          .alterConsumerGroupOffsets(settings.group(), offsets)
          .all()
          .get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
      sent.forEach((log, pos) -> unsentAcks.remove(log, pos));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn(
          "kafka queue {}: committing offsets of group {} failed: {}",
          settings.topic(),
          settings.group(),
          rootMessage(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public long firstPosition(int partition, int band) {
    int log = log(partition, band);
    return Math.max(logStart.get(log), acked.get(log));
  }

  @Override
  public long endPosition(int partition, int band) {
    return effectiveEnd(log(partition, band));
  }

  @Override
  public long size() {
    return held;
  }

  @Override
  public long capacity() {
    return settings.capacity();
  }

  /** Nothing to do: {@link #append} returned after every in-sync replica had the record. */
  @Override
  public void sync(int partition) {}

  @Override
  public void subscribe(PartitionListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    poller(listener);
  }

  /**
   * The consumer group from the admin client ({@code describeConsumerGroups}): each member with the
   * partitions of the main topic it owns; the lag per partition from the offsets this queue last
   * read (refreshed every {@code lagRefreshMs}). Blocks up to {@code timeoutMs}.
   */
  @Override
  public Optional<QueueGroup> group() {
    checkOpen();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
    Map<String, ConsumerGroupDescription> d =
        awaitOrUserError(
            admin.describeConsumerGroups(List.of(settings.group())).all(),
            deadline,
            "describing group '" + settings.group() + "'");
    List<QueueGroup.Member> members = new ArrayList<>();
    ConsumerGroupDescription g = d.get(settings.group());
    if (g != null) {
      for (MemberDescription m : g.members()) {
        Set<Integer> owned = new java.util.TreeSet<>();
        for (TopicPartition tp : m.assignment().topicPartitions()) {
          if (tp.topic().equals(settings.topic())) {
            owned.add(tp.partition());
          }
        }
        members.add(
            new QueueGroup.Member(m.consumerId(), m.clientId(), m.host(), List.copyOf(owned)));
      }
    }
    Map<Integer, Long> lag = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      long l = 0;
      for (int b = 0; b < bands; b++) {
        int log = p * bands + b;
        l += Math.max(0, effectiveEnd(log) - Math.max(logStart.get(log), acked.get(log)));
      }
      lag.put(p, l);
    }
    return Optional.of(new QueueGroup(settings.group(), members, lag));
  }

  @Override
  public boolean isPersistent() {
    return true;
  }

  /** True: producers and workers of other processes share the topics. */
  @Override
  public boolean isShared() {
    return true;
  }

  @Override
  public void close() {
    synchronized (clientLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    refresher.shutdownNow();
    Duration timeout = Duration.ofMillis(Math.min(settings.timeoutMs(), 30_000));
    Poller pl = poller;
    if (pl != null) {
      pl.close(timeout);
    } else {
      closedFlush();
    }
    KafkaProducer<byte[], byte[]> p = producer;
    if (p != null) {
      long appending;
      synchronized (stateLock) {
        appending = inflight;
      }
      // appends wait for their acknowledgement, so the producer holds only the records of appends
      // in progress, whose callers close the queue under them: they fail at once ("closed; it may
      // still be appended") instead of holding the close for the timeout
      p.close(appending > 0 ? Duration.ZERO : timeout);
    }
    admin.close(timeout);
  }

  private void closedFlush() {
    flushUnsentAcks();
  }

  /** How many of this process's appends its reader took at once, without a fetch (for tests). */
  long ownAppendsBuffered() {
    Poller pl = poller;
    return pl == null ? 0 : pl.ownAppends();
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "KafkaTaskQueue" + settings;
  }
}
