package dev.indexqueue.cli;

import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq search QUERY}: searches one or every workspace with Lucene's classic query syntax
 * and prints {@code path:line: text}, the match highlighted on a terminal; JSON with {@code
 * --json}. With a server holding the data directory it asks the server (no index is opened here);
 * without one it opens the committed index read-only, so it works while another process writes. Not
 * thread-safe: one instance per run.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search the index (Lucene query syntax over content and path) and print path:line: text.",
      "Examples: 'getUserName', 'path:README', '\"exact phrase\"', 'foo AND NOT bar'."
    })
final class SearchCommand implements Callable<Integer> {
  private static final String BOLD_RED = "\u001b[1;31m";
  private static final String RESET = "\u001b[0m";

  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "QUERY", description = "The query.")
  String query;

  @Option(
      names = {"-w", "--workspace"},
      paramLabel = "NAME",
      description = "Only this workspace (default: all).")
  String workspace;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      defaultValue = "20",
      description = "Most files to show (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1, was " + limit);
    }
    if (query.length() > SearchResults.MAX_QUERY_LENGTH) {
      throw new UsageException(
          "the query is too long ("
              + query.length()
              + " characters; at most "
              + SearchResults.MAX_QUERY_LENGTH
              + ")");
    }
    if (query.isBlank()) {
      throw new UsageException("the query is empty");
    }
    Path data = root.existingDataDirectory();
    Views.Search answer = null;
    Optional<ServerFile.Info> server = ServerFile.find(data);
    if (server.isPresent()) {
      try {
        answer = new Client(server.get()).search(query, workspace, limit);
      } catch (Client.Unreachable e) {
        answer = null; // it stopped meanwhile: read the directory
      }
    }
    if (answer == null) {
      answer = local(data);
    }
    print(answer);
    return Indexq.EXIT_OK;
  }

  private Views.Search local(Path data) {
    try (LocalReader r = LocalReader.open(data, root.node())) {
      return search(r.workspaces(workspace), query, limit, r::search);
    }
  }

  /** Searches the workspaces and merges their hits by score. */
  static Views.Search search(List<String> names, String query, int limit, Searcher searcher) {
    List<SearchHit> hits = new ArrayList<>();
    long total = 0;
    for (String ws : names) {
      SearchResults r = searcher.search(ws, query, limit);
      total += r.totalHits();
      hits.addAll(r.hits());
    }
    hits.sort(Comparator.comparingDouble((SearchHit h) -> -h.score()));
    if (hits.size() > limit) {
      hits = new ArrayList<>(hits.subList(0, limit));
    }
    return Views.search(query, new SearchResults(total, hits), limit);
  }

  /** One workspace's search. */
  interface Searcher {
    SearchResults search(String workspace, String query, int limit);
  }

  private void print(Views.Search answer) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Jsons.write(answer));
      out.flush();
      return;
    }
    boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
    boolean prefix = answer.hits().stream().map(Views.Hit::workspace).distinct().count() > 1;
    for (Views.Hit h : answer.hits()) {
      String path = prefix ? h.workspace() + ":" + h.path() : h.path();
      if (h.lines().isEmpty()) {
        out.println(path);
      }
      for (Views.Line l : h.lines()) {
        out.println(path + ":" + l.line() + ": " + line(l, color));
      }
    }
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    if (answer.hits().isEmpty()) {
      err.println("indexq: no match");
    } else if (answer.totalHits() > answer.hits().size()) {
      long more = answer.totalHits() - answer.hits().size();
      err.printf("%,d more file%s (-n to show)%n", more, more == 1 ? "" : "s");
    }
    err.flush();
  }

  /** The line's text, trimmed, with the highlighted ranges in bold red when {@code color}. */
  static String line(Views.Line l, boolean color) {
    String text = l.text();
    if (!color || l.highlights().isEmpty()) {
      return text.strip();
    }
    StringBuilder b = new StringBuilder();
    int at = 0;
    for (int[] r : l.highlights()) {
      int start = Math.min(r[0], text.length());
      int end = Math.min(r[1], text.length());
      if (start < at) {
        continue;
      }
      b.append(text, at, start).append(BOLD_RED).append(text, start, end).append(RESET);
      at = end;
    }
    b.append(text.substring(at));
    return b.toString().strip();
  }
}
