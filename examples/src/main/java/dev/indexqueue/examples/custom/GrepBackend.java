package dev.indexqueue.examples.custom;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.TransientBackendException;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A complete {@link IndexBackend} in one class: documents in memory, searched like {@code grep -i}
 * (every query word must occur in the document, case-insensitively; the score counts the
 * occurrences). Thread-safe as the SPI requires: {@link #apply} runs concurrently from different
 * lanes on disjoint workspaces, and {@link #commit} and {@link #makeVisible} run concurrently with
 * it.
 *
 * <p>Guarantees: apply is idempotent (an upsert or delete by (workspace, path)); searches and
 * {@link #documents} see exactly what was applied before the last {@link #makeVisible}; the
 * checkpoint of the last {@link #commit} is reported by {@link #committedCheckpoint}. It lives in
 * memory, so it is lost with the process: pair this backend with the {@code memory} queue (a
 * persistent queue would drop tasks it acknowledged at a commit this backend then forgets). A
 * production backend would store the documents and the checkpoint together, atomically, at commit.
 */
public final class GrepBackend implements IndexBackend {
  /** Working documents: workspace → path → content. */
  private final Map<String, Map<String, String>> working = new ConcurrentHashMap<>();

  /** What searches see: replaced as a whole by makeVisible. */
  private volatile Map<String, Map<String, String>> visible = Map.of();

  private volatile Checkpoint committed = Checkpoint.none();
  private volatile boolean closed;

  /** Creates an empty backend. */
  public GrepBackend() {}

  @Override
  public void apply(Batch batch) {
    checkOpen();
    for (QueuedTask qt : batch.tasks()) {
      IndexTask t = qt.task();
      switch (t.type()) {
        case INDEX_FILE -> docs(t.workspace()).put(t.path(), t.content());
        case REMOVE_FILE -> docs(t.workspace()).remove(t.path());
        case REMOVE_WORKSPACE -> working.remove(t.workspace());
        case REINDEX_WORKSPACE -> reindex(t.workspace(), batch.source());
      }
    }
  }

  private void reindex(String workspace, WorkspaceSource source) {
    Map<String, String> docs = docs(workspace);
    Set<String> present = new HashSet<>();
    for (SourceFile f : source.list(workspace)) {
      Optional<String> text;
      try {
        text = source.read(workspace, f.path());
      } catch (IOException e) {
        throw new TransientBackendException("cannot read " + f.path() + ": " + e, e);
      }
      text.ifPresent(
          s -> {
            docs.put(f.path(), s);
            present.add(f.path());
          });
    }
    docs.keySet().retainAll(present);
  }

  private Map<String, String> docs(String workspace) {
    return working.computeIfAbsent(workspace, k -> new ConcurrentHashMap<>());
  }

  @Override
  public void commit(Checkpoint checkpoint) {
    checkOpen();
    // a durable backend would write documents + checkpoint atomically here; a partial checkpoint
    // (a node of a cluster owns some partitions) keeps the positions of the other logs
    Checkpoint before = committed;
    committed =
        before.isNone() || !before.hasLayout(checkpoint.partitions(), checkpoint.bands())
            ? checkpoint
            : before.mergedWith(checkpoint);
  }

  @Override
  public Checkpoint committedCheckpoint() {
    return committed;
  }

  @Override
  public void makeVisible() {
    checkOpen();
    Map<String, Map<String, String>> snapshot = new TreeMap<>();
    working.forEach(
        (ws, docs) -> {
          if (!docs.isEmpty()) {
            snapshot.put(ws, Map.copyOf(docs));
          }
        });
    visible = snapshot;
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    List<IndexedDocument> out = new ArrayList<>();
    new TreeMap<>(visible.getOrDefault(workspace, Map.of()))
        .forEach((p, c) -> out.add(new IndexedDocument(p, ContentHash.of(c), c.length())));
    return out;
  }

  @Override
  public Set<String> workspaces() {
    return new TreeSet<>(visible.keySet());
  }

  @Override
  public SearchResults search(String workspace, String query, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be at least 1, was: " + limit);
    }
    List<String> words = new ArrayList<>();
    for (String w : query.toLowerCase(Locale.ROOT).split("\\s+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("query: must hold a word, was: \"" + query + "\"");
    }
    List<SearchHit> hits = new ArrayList<>();
    visible
        .getOrDefault(workspace, Map.of())
        .forEach(
            (path, content) -> {
              String lower = content.toLowerCase(Locale.ROOT);
              int score = 0;
              for (String w : words) {
                int n = count(lower, w);
                if (n == 0) {
                  return;
                }
                score += n;
              }
              hits.add(new SearchHit(workspace, path, score, lines(content, words)));
            });
    hits.sort(
        Comparator.comparingDouble((SearchHit h) -> -h.score()).thenComparing(SearchHit::path));
    return new SearchResults(hits.size(), hits.subList(0, Math.min(limit, hits.size())));
  }

  private static int count(String text, String word) {
    int n = 0;
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length())) {
      n++;
    }
    return n;
  }

  /** Up to 3 lines holding a query word, with the words' ranges. */
  private static List<SearchHit.MatchLine> lines(String content, List<String> words) {
    List<SearchHit.MatchLine> out = new ArrayList<>();
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length && out.size() < 3; i++) {
      String lower = lines[i].toLowerCase(Locale.ROOT);
      TreeMap<Integer, Integer> ranges = new TreeMap<>();
      for (String w : words) {
        for (int at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + w.length())) {
          ranges.merge(at, at + w.length(), Math::max);
        }
      }
      if (!ranges.isEmpty()) {
        List<SearchHit.Range> merged = new ArrayList<>();
        int start = -1;
        int end = -1;
        for (Map.Entry<Integer, Integer> r : ranges.entrySet()) {
          if (r.getKey() > end) {
            if (start >= 0) {
              merged.add(new SearchHit.Range(start, end));
            }
            start = r.getKey();
          }
          end = Math.max(end, r.getValue());
        }
        merged.add(new SearchHit.Range(start, end));
        out.add(new SearchHit.MatchLine(i + 1, lines[i], merged));
      }
    }
    return out;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the grep backend is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
