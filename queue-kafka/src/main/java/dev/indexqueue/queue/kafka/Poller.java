package dev.indexqueue.queue.kafka;

import dev.indexqueue.IndexTask;
import dev.indexqueue.queue.kafka.internal.CoPartitionedAssignor;
import dev.indexqueue.spi.PartitionListener;
import dev.indexqueue.spi.Predecessor;
import dev.indexqueue.spi.QueuedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the queue's {@link KafkaConsumer} (which is not thread-safe): it joins
 * the consumer group (or, standalone, reads every partition), fetches into one bounded {@link
 * LogBuffer} per log, seeks when a reader asks for another position, pauses a log whose buffer is
 * full, commits the group's offsets after acknowledgements, and turns rebalances into the core's
 * {@link PartitionListener} calls. Thread-safe: readers, the acknowledging maintainer and {@link
 * #close} talk to it through the buffers' locks and concurrent queues, and wake it with {@link
 * KafkaConsumer#wakeup()} only while it waits in {@code poll}.
 *
 * <p>Rebalances (cooperative): on revocation, the core is told on the ownership thread and the
 * callback waits until it returned (the core stopped reading the partitions, finished the batch in
 * flight and committed the backend), then commits the group's offsets and lets the partitions go.
 * Meanwhile reads return at once (a lane holding its lock in a read must not stall the revocation).
 * On assignment, the logs' starts, ends and committed offsets are read, each log is positioned at
 * its first position, and the core is told on the ownership thread (it reads each partition from
 * the backend's checkpoint, seeking through {@link #read}).
 */
final class Poller implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int RECORD_OVERHEAD = 64;

  /** The consumer's default {@code fetch.min.bytes}. */
  static final int FETCH_MIN_BYTES = 256 << 10;

  /** The consumer's default {@code fetch.max.wait.ms}. */
  static final int FETCH_MAX_WAIT_MS = 100;

  private final KafkaTaskQueue q;
  private final KafkaQueueSettings s;
  private final PartitionListener listener;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final int bands;
  private final LogBuffer[] logs;
  private final AtomicIntegerArray assigned;
  private final ConcurrentLinkedQueue<Integer> requests = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<Integer, Long> pendingCommits = new ConcurrentHashMap<>();
  private final AtomicBoolean polling = new AtomicBoolean();
  private final ExecutorService ownership;
  private final long readWaitNanos;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean rebalancing;
  private volatile boolean stopping;
  private volatile boolean closing;
  private volatile long perLogLimit;
  private final LongAdder ownAppends = new LongAdder();
  private final LongAdder fetchedRecords = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder seeks = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final LongAdder polls = new LongAdder();
  private volatile Duration closeTimeout = Duration.ofSeconds(30);
  private long lastFailureLog;

  Poller(KafkaTaskQueue q, PartitionListener listener) {
    this.q = q;
    this.s = q.settings;
    this.listener = listener;
    this.bands = s.bands();
    this.logs = new LogBuffer[q.logCount()];
    for (int i = 0; i < logs.length; i++) {
      logs[i] = new LogBuffer();
    }
    this.assigned = new AtomicIntegerArray(s.partitions());
    if (listener == null) {
      for (int p = 0; p < s.partitions(); p++) {
        assigned.set(p, 1); // standalone: every partition, positioned when the thread starts
      }
    }
    this.readWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(s.timeoutMs(), 5_000));
    this.perLogLimit = Math.max(1, s.readBufferBytes() / logs.length);
    Map<String, Object> c = q.clientProperties(s.consumer());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CoPartitionedAssignor.class.getName());
    c.putIfAbsent(
        ConsumerConfig.CLIENT_ID_CONFIG,
        "indexqueue-" + s.topic() + (listener == null ? "-reader" : "-consumer"));
    c.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) s.timeoutMs());
    // the lanes get this process's own appends without a fetch (appended); a fetch that returned
    // at each append would mostly carry copies and cost the brokers a request per produce: wait
    // for FETCH_MIN_BYTES, at most FETCH_MAX_WAIT_MS (how late records of other processes can be)
    c.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
    c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    try {
      this.consumer = new KafkaConsumer<>(c);
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "kafka: the consumer cannot start: " + KafkaTaskQueue.rootMessage(e), e);
    }
    this.thread = new Thread(this, "indexqueue-kafka-poller-" + s.topic());
    thread.setDaemon(true);
    if (listener != null) {
      this.ownership =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "indexqueue-kafka-ownership-" + s.topic());
                t.setDaemon(true);
                return t;
              });
    } else {
      this.ownership = null;
    }
  }

  boolean grouped() {
    return listener != null;
  }

  void start() {
    thread.start();
  }

  // ------------------------------------------------------------------------------ readers

  /**
   * Up to {@code max} tasks of a log at or above {@code from}; waits a while for the poller when
   * the buffer does not hold {@code from} yet. Empty when this process does not own the partition,
   * during a rebalance, or when nothing arrived in time.
   */
  List<QueuedTask> read(int log, long from, int max) {
    int p = log / bands;
    int b = log % bands;
    if (assigned.get(p) == 0) {
      return List.of();
    }
    LogBuffer l = logs[log];
    long deadline = System.nanoTime() + readWaitNanos;
    l.lock.lock();
    try {
      while (true) {
        if (stopping) {
          return List.of();
        }
        from = Math.max(from, q.firstPosition(p, b));
        if (l.covers(from)) {
          List<QueuedTask> out = l.take(from, max);
          if (max > 1) {
            l.dropBelow(from);
            maybeResume(l, log);
          }
          if (!out.isEmpty()) {
            return out;
          }
        } else if (l.from >= 0 && from == l.fetched) {
          if (max > 1) {
            l.dropBelow(from);
            maybeResume(l, log);
          }
        } else if (l.wanted != from) {
          l.wanted = from;
          request(l, log);
        }
        if (from >= q.effectiveEnd(log) || rebalancing || assigned.get(p) == 0) {
          return List.of();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        l.changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } finally {
      l.lock.unlock();
    }
  }

  /** Holds {@code l.lock}. */
  private void maybeResume(LogBuffer l, int log) {
    if (l.paused && !l.resumeWanted && l.bytes < perLogLimit / 2) {
      l.resumeWanted = true;
      request(l, log);
    }
  }

  /** Holds {@code l.lock}. */
  private void request(LogBuffer l, int log) {
    requests.add(log);
    wakeUp();
  }

  private void wakeUp() {
    if (polling.get()) {
      consumer.wakeup();
    }
  }

  /**
   * This process's producer had the record at {@code offset} of a log acknowledged (called on the
   * producer's thread, in offset order per partition): the buffer takes it when it is the very next
   * offset the buffer lacks, so the log's reader need not wait for the consumer's fetch. Otherwise
   * (another process's records lie between, the buffer is full, the partition is not read here) the
   * consumer delivers it as usual. Either way the buffer holds each offset once and in order: the
   * consumer's copy of a record the buffer already covers is skipped ({@link #deliver}).
   */
  void appended(int log, long offset, IndexTask task, Predecessor predecessor, int size) {
    if (stopping || assigned.get(log / bands) == 0) {
      return;
    }
    LogBuffer l = logs[log];
    l.lock.lock();
    try {
      if (l.from < 0 || offset != l.fetched || l.bytes >= perLogLimit) {
        return;
      }
      l.add(
          new QueuedTask(log / bands, log % bands, offset, task, predecessor),
          size + RECORD_OVERHEAD);
      l.changed.signalAll();
    } finally {
      l.lock.unlock();
    }
    ownAppends.increment();
    q.noteTask(log, offset);
  }

  /**
   * How many acknowledged appends of this process went into a buffer at once ({@link #appended}).
   */
  long ownAppends() {
    return ownAppends.sum();
  }

  /** The maintainer acknowledged a log up to {@code position}: commit the group's offset. */
  void commitLater(int log, long position) {
    pendingCommits.merge(log, position, Math::max);
    wakeUp();
  }

  /** The cluster reports new records in a partition this process owns: wake its lane. */
  void arrived(int partition) {
    if (listener != null && assigned.get(partition) == 1 && !closing) {
      listener.arrived(partition);
    }
  }

  // ------------------------------------------------------------------------------ the loop

  @Override
  public void run() {
    int failures = 0;
    try {
      if (listener != null) {
        consumer.subscribe(s.topics(), new Rebalance());
      } else {
        List<TopicPartition> all = new ArrayList<>();
        for (int i = 0; i < logs.length; i++) {
          all.add(q.topicPartition(i));
        }
        consumer.assign(all);
        Set<Integer> ps = new TreeSet<>();
        for (int p = 0; p < s.partitions(); p++) {
          ps.add(p);
        }
        position(ps);
      }
      while (!stopping) {
        try {
          handleRequests();
          commitPending(false, null);
          ConsumerRecords<byte[], byte[]> records;
          polling.set(true);
          try {
            if (!requests.isEmpty() || stopping) {
              continue;
            }
            polls.increment();
            records = consumer.poll(POLL);
          } finally {
            polling.set(false);
          }
          deliver(records);
          failures = 0;
        } catch (WakeupException e) {
          // a reader's request, an acknowledgement or close: handled at the top of the loop
        } catch (OffsetOutOfRangeException e) {
          outOfRange(e.offsetOutOfRangePartitions());
        } catch (RuntimeException e) {
          failures++;
          long now = System.nanoTime();
          if (failures == 1 || now - lastFailureLog > TimeUnit.SECONDS.toNanos(10)) {
            lastFailureLog = now;
            LOG.error(
                "kafka queue {}: reading failed ({} time(s) in a row), retrying: {}",
                s.topic(),
                failures,
                KafkaTaskQueue.rootMessage(e),
                e);
          }
          stop.await(Math.min(1_000, 10L << Math.min(failures, 7)), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("kafka queue {}: the poller stopped: {}", s.topic(), e.toString(), e);
    } finally {
      closing = true;
      try {
        commitPending(true, null);
      } catch (RuntimeException e) {
        LOG.warn(
            "kafka queue {}: the last offset commit failed: {}",
            s.topic(),
            KafkaTaskQueue.rootMessage(e));
      }
      LOG.debug(
          "kafka queue {}: {} poll(s), {} record(s) fetched ({} already buffered), {} own"
              + " append(s) buffered at once, {} seek(s), {} offset commit(s)",
          s.topic(),
          polls.sum(),
          fetchedRecords.sum(),
          duplicates.sum(),
          ownAppends.sum(),
          seeks.sum(),
          commits.sum());
      try {
        consumer.close(CloseOptions.timeout(closeTimeout));
      } catch (RuntimeException e) {
        LOG.warn("kafka queue {}: closing the consumer: {}", s.topic(), e.toString());
      }
      stopped.countDown();
    }
  }

  private void handleRequests() {
    Integer log;
    while ((log = requests.poll()) != null) {
      LogBuffer l = logs[log];
      TopicPartition tp = q.topicPartition(log);
      l.lock.lock();
      try {
        if (assigned.get(log / bands) == 0) {
          l.wanted = -1;
          l.resumeWanted = false;
          continue;
        }
        if (l.wanted >= 0) {
          seeks.increment();
          consumer.seek(tp, l.wanted);
          l.reset(l.wanted);
          l.wanted = -1;
          l.resumeWanted = false;
          if (l.paused) {
            consumer.resume(List.of(tp));
            l.paused = false;
          }
        } else if (l.resumeWanted) {
          l.resumeWanted = false;
          if (l.paused && l.bytes < perLogLimit / 2) {
            consumer.resume(List.of(tp));
            l.paused = false;
          }
        }
        l.changed.signalAll();
      } finally {
        l.lock.unlock();
      }
    }
  }

  private void deliver(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      int log = q.logIndex(tp);
      if (log < 0) {
        continue;
      }
      int p = log / bands;
      int b = log % bands;
      LogBuffer l = logs[log];
      List<ConsumerRecord<byte[], byte[]>> corrupt = null;
      List<String> reasons = null;
      long fetched;
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
      long consumed = rs.isEmpty() ? -1 : rs.get(rs.size() - 1).offset() + 1;
      fetchedRecords.add(rs.size());
      l.lock.lock();
      try {
        if (l.from < 0) {
          continue; // not positioned (revoked meanwhile)
        }
        for (ConsumerRecord<byte[], byte[]> r : rs) {
          if (r.offset() < l.fetched) {
            duplicates.increment(); // the buffer has it (this process's own append) or sought past
            continue;
          }
          try {
            IndexTask t = TaskCodec.decode(r.key(), r.value());
            Header h = r.headers().lastHeader(TaskCodec.PREDECESSOR_HEADER);
            Predecessor pred = TaskCodec.predecessor(h == null ? null : h.value());
            l.add(
                new QueuedTask(p, b, r.offset(), t, pred),
                Math.max(0, r.serializedKeySize())
                    + Math.max(0, r.serializedValueSize())
                    + RECORD_OVERHEAD);
            q.noteTask(log, r.offset());
          } catch (TaskCodec.CorruptRecordException e) {
            l.skip(r.offset());
            q.noteSkipped(log, r.offset());
            if (r.offset() > l.corruptReported) {
              l.corruptReported = r.offset();
              if (corrupt == null) {
                corrupt = new ArrayList<>();
                reasons = new ArrayList<>();
              }
              corrupt.add(r);
              reasons.add(e.getMessage());
            }
          }
        }
        fetched = l.fetched;
        if (!l.paused && l.bytes >= perLogLimit) {
          consumer.pause(List.of(tp));
          l.paused = true;
        }
        l.changed.signalAll();
      } finally {
        l.lock.unlock();
      }
      boolean grew = q.advanceEnd(log, fetched);
      java.util.OptionalLong lag = consumer.currentLag(tp); // behind the consumer's own position
      if (lag.isPresent() && consumed >= 0) {
        grew |= q.advanceEnd(log, consumed + lag.getAsLong());
      }
      if (corrupt != null) {
        for (int i = 0; i < corrupt.size(); i++) {
          ConsumerRecord<byte[], byte[]> r = corrupt.get(i);
          lost(
              p,
              b,
              r.offset(),
              r.offset() + 1,
              TaskCodec.workspaceOrNull(r.key()),
              "the record at offset "
                  + r.offset()
                  + " of "
                  + tp
                  + " is not an IndexQueue task ("
                  + reasons.get(i)
                  + "); it was skipped");
        }
      }
      if (grew) {
        arrived(p);
      }
    }
  }

  private void lost(int p, int b, long from, long to, String workspace, String reason) {
    if (listener != null && !closing) {
      try {
        listener.lost(p, b, from, to, workspace, reason);
      } catch (RuntimeException e) {
        LOG.error("kafka queue {}: reporting lost tasks failed: {}", s.topic(), e.toString(), e);
      }
    } else {
      LOG.error(
          "kafka queue {}: LOST partition {} band {} positions {} to {}: {}",
          s.topic(),
          p,
          b,
          from,
          to - 1,
          reason);
    }
  }

  /** The consumer's position fell below a log's start (retention) or past its end. */
  private void outOfRange(Map<TopicPartition, Long> positions) {
    Set<TopicPartition> tps = positions.keySet();
    Map<TopicPartition, Long> starts = unwoken(() -> consumer.beginningOffsets(tps));
    Map<TopicPartition, Long> ends = unwoken(() -> consumer.endOffsets(tps));
    for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
      TopicPartition tp = e.getKey();
      int log = q.logIndex(tp);
      long at = e.getValue();
      long start = starts.getOrDefault(tp, at);
      long end = ends.getOrDefault(tp, at);
      long to;
      if (at < start) {
        q.advanceStart(log, start);
        lost(
            log / bands,
            log % bands,
            at,
            start,
            null,
            "the records from offset "
                + at
                + " to "
                + (start - 1)
                + " of "
                + tp
                + " were deleted by the topic's retention before they were read");
        to = start;
      } else {
        LOG.error(
            "kafka queue {}: offset {} of {} is past the log's end {} (was the topic deleted and"
                + " created again?); reading from its end",
            s.topic(),
            at,
            tp,
            end);
        to = end;
      }
      LogBuffer l = logs[log];
      l.lock.lock();
      try {
        consumer.seek(tp, to);
        l.reset(to);
        l.wanted = -1;
        l.changed.signalAll();
      } finally {
        l.lock.unlock();
      }
    }
  }

  /** Commits the pending acknowledgements of owned partitions ({@code only}: of those). */
  private void commitPending(boolean sync, Set<Integer> only) {
    if (pendingCommits.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<Integer, Long> taken = new HashMap<>();
    for (Map.Entry<Integer, Long> e : pendingCommits.entrySet()) {
      int log = e.getKey();
      int p = log / bands;
      if (only != null && !only.contains(p)) {
        continue;
      }
      if (pendingCommits.remove(log, e.getValue())) {
        if (assigned.get(p) == 1) {
          offsets.put(q.topicPartition(log), new OffsetAndMetadata(e.getValue()));
          taken.put(log, e.getValue());
        }
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    commits.increment();
    if (sync) {
      unwoken(
          () -> {
            consumer.commitSync(offsets, closeTimeout);
            return null;
          });
    } else {
      consumer.commitAsync(
          offsets,
          (done, failure) -> {
            if (failure != null) {
              LOG.debug(
                  "kafka queue {}: committing offsets failed, retrying with the next: {}",
                  s.topic(),
                  failure.toString());
              taken.forEach((log, pos) -> pendingCommits.merge(log, pos, Math::max));
            }
          });
    }
  }

  private <T> T unwoken(Supplier<T> call) {
    for (int i = 0; ; i++) {
      try {
        return call.get();
      } catch (WakeupException e) {
        if (i >= 5) {
          throw e;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ ownership

  /** Positions each log of {@code ps} at its first position and marks them owned. */
  private void position(Set<Integer> ps) {
    for (int p : ps) {
      for (int b = 0; b < bands; b++) {
        int log = p * bands + b;
        LogBuffer l = logs[log];
        l.lock.lock();
        try {
          long first = q.firstPosition(p, b);
          consumer.seek(q.topicPartition(log), first);
          l.reset(first); // a reader's pending request (wanted) is handled next
          l.paused = false;
          l.changed.signalAll();
        } finally {
          l.lock.unlock();
        }
      }
      assigned.set(p, 1);
    }
    int owned = 0;
    for (int p = 0; p < s.partitions(); p++) {
      owned += assigned.get(p);
    }
    perLogLimit = Math.max(1, s.readBufferBytes() / Math.max(1, owned * bands));
  }

  private Set<Integer> partitionsOf(Collection<TopicPartition> tps) {
    Set<Integer> ps = new TreeSet<>();
    for (TopicPartition tp : tps) {
      if (q.logIndex(tp) >= 0) {
        ps.add(tp.partition());
      }
    }
    return ps;
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
      Set<Integer> ps = partitionsOf(parts);
      if (ps.isEmpty()) {
        return;
      }
      Set<TopicPartition> tps = new HashSet<>();
      for (int p : ps) {
        for (int b = 0; b < bands; b++) {
          tps.add(q.topicPartition(p * bands + b));
        }
      }
      try {
        Map<TopicPartition, OffsetAndMetadata> committed = unwoken(() -> consumer.committed(tps));
        Map<TopicPartition, Long> starts = unwoken(() -> consumer.beginningOffsets(tps));
        Map<TopicPartition, Long> ends = unwoken(() -> consumer.endOffsets(tps));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach(
            (tp, o) -> {
              if (o != null) {
                offsets.put(tp, o.offset());
              }
            });
        q.learn(starts, ends, offsets);
      } catch (RuntimeException e) {
        LOG.warn(
            "kafka queue {}: reading the offsets of partitions {} failed, using what is known: {}",
            s.topic(),
            ps,
            KafkaTaskQueue.rootMessage(e));
      }
      position(ps);
      if (!closing) {
        ownership.execute(
            () -> {
              try {
                listener.assigned(ps);
              } catch (RuntimeException e) {
                LOG.error(
                    "kafka queue {}: the service refused partitions {}: {}",
                    s.topic(),
                    ps,
                    e.getMessage(),
                    e);
              }
            });
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
      giveUp(parts, true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> parts) {
      LOG.warn(
          "kafka queue {}: lost partitions {} (the group moved on without this member)",
          s.topic(),
          partitionsOf(parts));
      giveUp(parts, false);
    }

    private void giveUp(Collection<TopicPartition> parts, boolean commit) {
      Set<Integer> ps = partitionsOf(parts);
      if (ps.isEmpty()) {
        return;
      }
      rebalancing = true;
      for (LogBuffer l : logs) {
        l.lock.lock();
        try {
          l.changed.signalAll();
        } finally {
          l.lock.unlock();
        }
      }
      try {
        if (!closing) {
          Future<?> f = ownership.submit(() -> listener.revoked(ps));
          boolean interrupted = false;
          while (true) {
            try {
              f.get();
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            } catch (ExecutionException e) {
              LOG.error(
                  "kafka queue {}: giving up partitions {} failed: {}",
                  s.topic(),
                  ps,
                  e.getCause().toString(),
                  e.getCause());
              break;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        if (commit) {
          try {
            commitPending(true, ps);
          } catch (RuntimeException e) {
            LOG.warn(
                "kafka queue {}: committing the offsets of partitions {} before giving them up"
                    + " failed: {}",
                s.topic(),
                ps,
                KafkaTaskQueue.rootMessage(e));
          }
        }
      } finally {
        for (int p : ps) {
          assigned.set(p, 0);
          for (int b = 0; b < bands; b++) {
            int log = p * bands + b;
            pendingCommits.remove(log);
            LogBuffer l = logs[log];
            l.lock.lock();
            try {
              l.forget();
              l.changed.signalAll();
            } finally {
              l.lock.unlock();
            }
          }
        }
        rebalancing = false;
      }
    }
  }

  // ------------------------------------------------------------------------------ close

  void close(Duration timeout) {
    closeTimeout = timeout;
    stopping = true;
    stop.countDown();
    consumer.wakeup();
    for (LogBuffer l : logs) {
      l.lock.lock();
      try {
        l.changed.signalAll();
      } finally {
        l.lock.unlock();
      }
    }
    try {
      if (Thread.currentThread() != thread
          && !stopped.await(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("kafka queue {}: the poller did not stop in time", s.topic());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownership != null) {
      ownership.shutdownNow();
    }
  }
}
