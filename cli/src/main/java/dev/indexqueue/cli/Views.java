package dev.indexqueue.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.indexqueue.IndexStatus;
import dev.indexqueue.PartitionStatus;
import dev.indexqueue.QueueStatus;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.spi.QueueGroup;
import dev.indexqueue.spi.SkippedFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shapes of the CLI's {@code --json} output and of the server's answers, and the one place
 * that turns the service's types into them (so a change of {@link QueueStatus} is adapted here
 * only). The client reads the server's answers back into the same records, so the CLI prints a
 * local and a remote answer with the same code. Stateless; the records are immutable and
 * thread-safe.
 */
final class Views {
  private Views() {}

  /** A search answer. */
  record Search(String query, long totalHits, List<Hit> hits) {}

  /** One file found. */
  record Hit(String workspace, String path, float score, boolean pathOnly, List<Line> lines) {}

  /** One matching line; highlights are {@code [start, end)} character ranges. */
  record Line(int line, String text, List<int[]> highlights) {}

  /** A workspace's index status, as printed and served. */
  record Workspace(
      String directory,
      int filesystemFiles,
      int indexedFiles,
      int upToDate,
      int missingFiles,
      int staleFiles,
      int extraIndexed,
      int skippedFiles,
      @JsonProperty("isUpToDate") boolean isUpToDate,
      double indexCoverage,
      Map<String, Integer> skippedByReason,
      List<Skipped> skipped) {}

  /** A skipped file. */
  record Skipped(String path, String reason) {}

  /** {@code status}: the queue (null when no process runs the service) and the workspaces. */
  record Status(Map<String, Object> queue, String note, Map<String, Workspace> workspaces) {}

  static Search search(String query, SearchResults r, int limit) {
    List<Hit> hits = new ArrayList<>();
    for (SearchHit h : r.hits()) {
      if (hits.size() == limit) {
        break;
      }
      hits.add(hit(h));
    }
    return new Search(query, r.totalHits(), hits);
  }

  static Hit hit(SearchHit h) {
    List<Line> lines = new ArrayList<>();
    for (SearchHit.MatchLine l : h.lines()) {
      List<int[]> ranges = new ArrayList<>();
      for (SearchHit.Range r : l.highlights()) {
        ranges.add(new int[] {r.start(), r.end()});
      }
      lines.add(new Line(l.lineNumber(), l.text(), ranges));
    }
    return new Hit(h.workspace(), h.path(), h.score(), h.pathOnly(), lines);
  }

  /**
   * A workspace's status.
   *
   * @param withSkipped whether to list the skipped files (not only count them)
   */
  static Workspace workspace(String directory, IndexStatus s, boolean withSkipped) {
    Map<String, Integer> byReason = new TreeMap<>();
    List<Skipped> skipped = new ArrayList<>();
    for (SkippedFile f : s.skipped()) {
      byReason.merge(f.reason().description(), 1, Integer::sum);
      if (withSkipped) {
        skipped.add(new Skipped(f.path(), f.reason().description()));
      }
    }
    return new Workspace(
        directory,
        s.filesystemFiles(),
        s.indexedFiles(),
        s.upToDate(),
        s.missingFiles(),
        s.staleFiles(),
        s.extraIndexed(),
        s.skippedFiles(),
        s.isUpToDate(),
        s.indexCoverage(),
        byReason,
        withSkipped ? skipped : null);
  }

  /**
   * The queue status with the group of a cluster queue: its members (this node marked), the
   * partitions each owns and the lag per partition; the group is left out for a local queue, and
   * replaced by {@code {"error": ...}} when the cluster cannot tell.
   */
  static Map<String, Object> queue(QueueStatus q, int storedDeadLetters, Session session) {
    Map<String, Object> m = queue(q, storedDeadLetters);
    if (session.node().isCluster()) {
      m.put("role", session.role().name().toLowerCase(Locale.ROOT));
      Map<String, Object> g = new LinkedHashMap<>();
      try {
        QueueGroup group = session.group().orElse(null);
        if (group != null) {
          g.put("name", group.name());
          List<Map<String, Object>> members = new ArrayList<>();
          for (QueueGroup.Member mem : group.members()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("clientId", mem.clientId());
            mm.put("host", mem.host());
            mm.put("partitions", mem.partitions());
            mm.put("thisNode", mem.clientId().equals(session.memberClientId()));
            members.add(mm);
          }
          g.put("members", members);
          Map<String, Long> lag = new TreeMap<>();
          group.lag().forEach((p, l) -> lag.put(Integer.toString(p), l));
          g.put("lag", lag);
        }
      } catch (RuntimeException e) {
        g.put("error", Errors.describe(e));
      }
      m.put("group", g);
    }
    return m;
  }

  /** The queue status: the one place that reads {@link QueueStatus}. */
  static Map<String, Object> queue(QueueStatus q, int storedDeadLetters) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", q.state().name());
    m.put("queueSize", q.queueSize());
    m.put("capacity", q.capacity());
    m.put("pending", q.pending());
    m.put("inFlight", q.inFlight());
    m.put("workerRunning", q.workerRunning());
    m.put("accepted", q.accepted());
    m.put("replayed", q.replayed());
    m.put("applied", q.applied());
    m.put("coalesced", q.coalesced());
    m.put("retried", q.retried());
    m.put("deadLettered", q.deadLettered());
    m.put("storedDeadLetters", storedDeadLetters);
    m.put("oldestPendingMillis", q.oldestPendingAge().toMillis());
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (PartitionStatus p : q.partitions()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("partition", p.partition());
      pm.put("lane", p.lane());
      pm.put("depth", p.depth());
      pm.put("checkpoint", p.checkpoint());
      pm.put("urgentCheckpoint", p.urgentCheckpoint());
      pm.put("end", p.end());
      pm.put("urgentEnd", p.urgentEnd());
      pm.put(
          "lag",
          Math.max(0, p.end() - p.checkpoint())
              + (p.urgentEnd() >= 0 ? Math.max(0, p.urgentEnd() - p.urgentCheckpoint()) : 0));
      pm.put("oldestPendingMillis", p.oldestPendingAge().toMillis());
      partitions.add(pm);
    }
    m.put("partitions", partitions);
    m.put("failure", q.failure());
    return m;
  }

  /** The queue status on one line, from its view (local or from a server). */
  static String queueText(Map<String, Object> q) {
    Object failure = q.get("failure");
    return String.format(
            Locale.ROOT,
            "queue: %s, %,d queued (capacity %,d), %,d pending, %,d in flight; accepted %,d,"
                + " replayed %,d, applied %,d, coalesced %,d, retried %,d, dead-lettered %,d (%,d"
                + " stored); %s%s",
            q.get("state"),
            num(q, "queueSize"),
            num(q, "capacity"),
            num(q, "pending"),
            num(q, "inFlight"),
            num(q, "accepted"),
            num(q, "replayed"),
            num(q, "applied"),
            num(q, "coalesced"),
            num(q, "retried"),
            num(q, "deadLettered"),
            num(q, "storedDeadLetters"),
            partitionsText(q.get("partitions")),
            failure == null ? "" : "; FAILED: " + failure)
        + groupText(q);
  }

  /** The role and group lines of a cluster node, or "". */
  private static String groupText(Map<String, Object> q) {
    if (!(q.get("group") instanceof Map<?, ?> g)) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    b.append("\nnode: role ").append(q.get("role"));
    if (g.get("error") != null) {
      return b.append("; group: unknown (").append(g.get("error")).append(")").toString();
    }
    b.append("; group ").append(g.get("name")).append(": ");
    List<String> members = new ArrayList<>();
    if (g.get("members") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> mm) {
          members.add(
              mm.get("clientId")
                  + (Boolean.TRUE.equals(mm.get("thisNode")) ? " (this node)" : "")
                  + " at "
                  + mm.get("host")
                  + " owns "
                  + mm.get("partitions"));
        }
      }
    }
    b.append(members.isEmpty() ? "no members (no worker runs)" : String.join("; ", members));
    if (g.get("lag") instanceof Map<?, ?> lag) {
      List<String> parts = new ArrayList<>();
      lag.forEach((p, l) -> parts.add(p + ": " + l));
      b.append("\nlag per partition (tasks not yet committed): ").append(String.join(", ", parts));
    }
    return b.toString();
  }

  /** "partition 0: depth 0, checkpoint 351 (urgent 2)" for each partition, joined. */
  private static String partitionsText(Object partitions) {
    if (!(partitions instanceof List<?> list) || list.isEmpty()) {
      return "owns no partitions";
    }
    List<String> parts = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof Map<?, ?> p) {
        @SuppressWarnings("unchecked")
        Map<String, Object> pm = (Map<String, Object>) p;
        long urgent = num(pm, "urgentCheckpoint");
        parts.add(
            String.format(
                Locale.ROOT,
                "partition %d: depth %,d, lag %,d, checkpoint %,d%s",
                num(pm, "partition"),
                num(pm, "depth"),
                num(pm, "lag"),
                num(pm, "checkpoint"),
                urgent >= 0 && pm.containsKey("urgentCheckpoint")
                    ? String.format(Locale.ROOT, " (urgent %,d)", urgent)
                    : ""));
      }
    }
    return String.join("; ", parts);
  }

  private static long num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  static String coverage(double c) {
    return c == 100.0 ? "100.0" : String.format(Locale.ROOT, "%.1f", Math.min(c, 99.9));
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
  }
}
