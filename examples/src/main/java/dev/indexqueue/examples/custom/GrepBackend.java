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
 * (every query word must occur in the document's content or path, case-insensitively; {@code
 * "quoted text"} and {@code a OR b} work too; the score counts the occurrences). Thread-safe as the
 * SPI requires: {@link #apply} runs concurrently from different lanes on disjoint workspaces, and
 * {@link #commit} and {@link #makeVisible} run concurrently with it.
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

  /**
   * Searches like {@code grep -i} over the content and the path: words must all occur (a word
   * written as {@code |+|} or {@code @tailrec} is searched as written), {@code "quoted text"} must
   * occur as it is, and {@code a OR b} needs either. Hits hold up to three lines that contain an
   * alternative, whole-word occurrences first, then in line order; a file whose content holds none
   * of them matched by its path and is path-only.
   */
  @Override
  public SearchResults search(String workspace, String query, int limit) {
    SearchResults.checkQuery(query);
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be at least 1, was: " + limit);
    }
    List<List<String>> clauses = parse(query);
    List<SearchHit> hits = new ArrayList<>();
    visible
        .getOrDefault(workspace, Map.of())
        .forEach(
            (path, content) -> {
              String lower = content.toLowerCase(Locale.ROOT);
              String lowerPath = path.toLowerCase(Locale.ROOT);
              int score = 0;
              boolean inContent = false;
              for (List<String> alternatives : clauses) {
                boolean found = false;
                for (String w : alternatives) {
                  int n = count(lower, w);
                  score += n;
                  inContent |= n > 0;
                  found |= n > 0 || lowerPath.contains(w);
                }
                if (!found) {
                  return;
                }
              }
              if (!inContent) {
                hits.add(new SearchHit(workspace, path, 1, true, List.of()));
                return;
              }
              List<String> words = new ArrayList<>();
              clauses.forEach(words::addAll);
              hits.add(new SearchHit(workspace, path, score, lines(content, words)));
            });
    hits.sort(
        Comparator.comparingDouble((SearchHit h) -> -h.score()).thenComparing(SearchHit::path));
    return new SearchResults(hits.size(), hits.subList(0, Math.min(limit, hits.size())));
  }

  /** The query as clauses that must all match, each a list of lower-cased alternatives. */
  private static List<List<String>> parse(String query) {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < query.length(); ) {
      char c = query.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = query.indexOf('"', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("query: a quote is not closed");
        }
        if (end > i + 1) {
          tokens.add(query.substring(i + 1, end));
        }
        i = end + 1;
      } else {
        int end = i;
        while (end < query.length() && !Character.isWhitespace(query.charAt(end))) {
          end++;
        }
        tokens.add(query.substring(i, end));
        i = end;
      }
    }
    List<List<String>> clauses = new ArrayList<>();
    boolean or = false;
    for (String t : tokens) {
      if (t.equals("OR") && !clauses.isEmpty()) {
        or = true;
        continue;
      }
      String w = t.toLowerCase(Locale.ROOT);
      if (or) {
        clauses.get(clauses.size() - 1).add(w);
      } else {
        clauses.add(new ArrayList<>(List.of(w)));
      }
      or = false;
    }
    if (clauses.isEmpty()) {
      throw new IllegalArgumentException("query: must hold a word");
    }
    return clauses;
  }

  private static int count(String text, String word) {
    int n = 0;
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length())) {
      n++;
    }
    return n;
  }

  /** Up to 3 lines holding a query word, whole-word occurrences first, with the words' ranges. */
  private static List<SearchHit.MatchLine> lines(String content, List<String> words) {
    List<SearchHit.MatchLine> found = new ArrayList<>();
    List<Boolean> whole = new ArrayList<>();
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      String lower = line.toLowerCase(Locale.ROOT);
      TreeMap<Integer, Integer> ranges = new TreeMap<>();
      boolean wholeWord = false;
      for (String w : words) {
        for (int at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + w.length())) {
          ranges.merge(at, at + w.length(), Math::max);
          wholeWord |= isBoundary(lower, at - 1) && isBoundary(lower, at + w.length());
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
        found.add(new SearchHit.MatchLine(i + 1, line, merged));
        whole.add(wholeWord);
      }
    }
    List<SearchHit.MatchLine> out = new ArrayList<>();
    for (boolean pass : new boolean[] {true, false}) {
      for (int i = 0; i < found.size() && out.size() < 3; i++) {
        if (whole.get(i) == pass) {
          out.add(found.get(i));
        }
      }
    }
    return out;
  }

  /** Whether the character at {@code i} (or the text's edge) does not continue a word. */
  private static boolean isBoundary(String s, int i) {
    return i < 0
        || i >= s.length()
        || !Character.isLetterOrDigit(s.charAt(i)) && s.charAt(i) != '_';
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
