package dev.indexqueue.internal;

import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.TaskQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a service reads a partition from when it gets it (at start, or when a cluster queue assigns
 * it): for each log, the backend's committed checkpoint (within what the queue still holds), and,
 * for each workspace with tasks beyond it, its last task (so the next task of that workspace is
 * linked to it). Acknowledges each log up to its committed checkpoint (a crash may have come
 * between a commit and its acknowledge). Runs on the thread that assigns the partitions.
 *
 * <p>Partitioning changes: a checkpoint committed for another number of partitions or bands than
 * the queue has is ignored when the queue is empty (the new partitioning starts clean: nothing is
 * lost, since the backend holds every applied task), and refused with an {@link
 * IllegalStateException} when the queue holds tasks (their positions mean nothing under the other
 * partitioning).
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  private static final int SCAN_CHUNK = 4096;

  /** The outcome. */
  record Start(
      Checkpoint from,
      Checkpoint ends,
      long replayed,
      Map<String, long[]> tails /* workspace -> {band, position} */,
      List<Gap> gaps) {}

  /**
   * Positions {@code [from, to)} of a log that the backend's checkpoint says are not applied, but
   * that the queue no longer holds (deleted by its retention, or acknowledged without a commit that
   * covers them): their tasks are lost.
   */
  record Gap(int partition, int band, long from, long to) {}

  private Recovery() {}

  /**
   * The backend's committed checkpoint, if it fits the queue's partitioning: a checkpoint of
   * another layout is ignored (returns {@link Checkpoint#none()}) when the queue is empty, and
   * refused when it holds tasks.
   *
   * @throws IllegalStateException when the layouts differ and the queue holds tasks
   */
  static Checkpoint committed(String name, TaskQueue queue, IndexBackend backend) {
    int partitions = queue.partitions();
    int bands = queue.bands();
    Checkpoint cp = backend.committedCheckpoint();
    if (cp.isNone() || cp.hasLayout(partitions, bands)) {
      return cp;
    }
    if (queue.size() == 0) {
      LOG.info(
          "{}: the index was committed with {} partitions x bands, the queue has {}x{}; the queue"
              + " is empty, so the new partitioning starts clean",
          name,
          cp.layout(),
          partitions,
          bands);
      // record the new partitioning at once: a crash before the first commit must not leave the
      // old layout's checkpoint beside a queue that already holds tasks of the new one
      long[] ends = new long[partitions * bands];
      for (int p = 0; p < partitions; p++) {
        for (int b = 0; b < bands; b++) {
          ends[p * bands + b] = queue.endPosition(p, b);
        }
      }
      Checkpoint fresh = Checkpoint.of(partitions, bands, ends);
      backend.commit(fresh);
      return fresh;
    }
    throw new IllegalStateException(
        "partitions: the index was committed with "
            + cp.layout()
            + " partitions x bands, but the queue has "
            + partitions
            + "x"
            + bands
            + " and holds "
            + queue.size()
            + " tasks whose positions belong to its own partitioning. Start once more with the"
            + " queue's old partition count to drain it, or set the queue aside and reindex"
            + " the workspaces from their files");
  }

  /**
   * Where to read the logs of {@code owned} from: each log's committed position, within what the
   * queue still holds, and each log's end now (the replay horizon); and each workspace's last task
   * among those to replay. The checkpoints returned cover only {@code owned}.
   */
  static Start forPartitions(
      String name, TaskQueue queue, Checkpoint cp, Collection<Integer> owned) {
    int partitions = queue.partitions();
    int bands = queue.bands();
    long[] from = new long[partitions * bands];
    long[] ends = new long[partitions * bands];
    Arrays.fill(from, Checkpoint.NOT_COVERED);
    Arrays.fill(ends, Checkpoint.NOT_COVERED);
    long replayed = 0;
    List<Gap> gaps = new ArrayList<>();
    for (int p : owned) {
      for (int b = 0; b < bands; b++) {
        long first = queue.firstPosition(p, b);
        long end = queue.endPosition(p, b);
        long at = cp.covers(p, b) ? cp.position(p, b) : first;
        if (at < first) {
          if (at > 0 || queue.isPersistent()) {
            gaps.add(new Gap(p, b, at, first)); // the service reports it (an error, dead letters)
          }
          at = first;
        } else if (at > end) {
          if (queue.isPersistent()) {
            LOG.warn(
                "{}: partition {} band {}: the backend's checkpoint {} is past the queue's end {}"
                    + " (was the queue replaced?); reading new tasks only",
                name,
                p,
                b,
                at,
                end);
            at = end;
          } else {
            at = first;
          }
        }
        from[p * bands + b] = at;
        ends[p * bands + b] = end;
        replayed += Math.max(0, end - at);
      }
    }
    // a crash between a commit and its acknowledge leaves committed tasks in the queue: release
    // them now, or a queue they fill would never free space (nothing left to apply, no commit)
    for (int p : owned) {
      for (int b = 0; b < bands; b++) {
        if (cp.covers(p, b)) {
          queue.acknowledge(p, b, from[p * bands + b]);
        }
      }
    }
    Map<String, long[]> tails =
        replayed == 0 ? Map.of() : scanTails(queue, owned, from, ends, bands);
    if (replayed > 0) {
      LOG.info(
          "{}: replaying {} task(s) of {} workspace(s) in partitions {} from the backend's"
              + " checkpoint",
          name,
          replayed,
          tails.size(),
          owned);
    }
    return new Start(
        Checkpoint.of(partitions, bands, from),
        Checkpoint.of(partitions, bands, ends),
        replayed,
        tails,
        List.copyOf(gaps));
  }

  /** Per workspace: the last position seen in each band, and the other band's positions linked. */
  private static final class Seen {
    final long[] last = {-1, -1};
    final long[] linkedFromOther = {-1, -1};
  }

  /**
   * Reads the tasks to replay once, to find each workspace's last task: within a band the highest
   * position; across bands, band b's last task is the later one when some task of the other band
   * names it as predecessor.
   */
  private static Map<String, long[]> scanTails(
      TaskQueue queue, Collection<Integer> owned, long[] from, long[] ends, int bands) {
    Map<String, Seen> seen = new HashMap<>();
    for (int p : owned) {
      for (int b = 0; b < bands; b++) {
        long at = from[p * bands + b];
        long end = ends[p * bands + b];
        while (at < end) {
          List<QueuedTask> chunk = queue.read(p, b, at, SCAN_CHUNK);
          if (chunk.isEmpty()) {
            break;
          }
          for (QueuedTask q : chunk) {
            if (q.position() >= end) {
              break;
            }
            Seen s = seen.computeIfAbsent(q.task().workspace(), k -> new Seen());
            s.last[b] = Math.max(s.last[b], q.position());
            if (q.predecessor() != null && q.predecessor().band() != b) {
              int other = q.predecessor().band();
              s.linkedFromOther[other] =
                  Math.max(s.linkedFromOther[other], q.predecessor().position());
            }
          }
          at = chunk.get(chunk.size() - 1).position() + 1;
        }
      }
    }
    Map<String, long[]> tails = new HashMap<>();
    for (Map.Entry<String, Seen> e : seen.entrySet()) {
      Seen s = e.getValue();
      int band;
      if (s.last[0] < 0) {
        band = 1;
      } else if (s.last[1] < 0) {
        band = 0;
      } else {
        // band 0's last task is later iff a band-0 task links to band 1's last task
        band = s.linkedFromOther[1] >= s.last[1] ? 0 : 1;
      }
      tails.put(e.getKey(), new long[] {band, s.last[band]});
    }
    return tails;
  }
}
