package dev.indexqueue.cli;

import dev.indexqueue.SearchHit;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq search QUERY}: searches one or every workspace with Lucene's classic query syntax
 * (code-aware: {@code getUserName}, {@code user name} and {@code UserName} find each other) and
 * prints {@code path:line: text}, the match highlighted on a terminal; JSON with {@code --json}.
 * Not thread-safe: one instance per run.
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
  public Integer call() throws InterruptedException {
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1, was " + limit);
    }
    if (query.isBlank()) {
      throw new UsageException("the query is empty");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Session s = Session.open(root, "search")) {
      List<String> names = s.workspaces(workspace);
      s.awaitReady(names);
      List<SearchHit> hits = new ArrayList<>();
      for (String ws : names) {
        hits.addAll(s.service().search(ws, query, limit).hits());
      }
      hits.sort(Comparator.comparingDouble((SearchHit h) -> -h.score()));
      if (hits.size() > limit) {
        hits = hits.subList(0, limit);
      }
      boolean prefix = names.size() > 1;
      if (json) {
        out.println(Jsons.write(json(query, hits)));
      } else {
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        for (SearchHit h : hits) {
          String path = prefix ? h.workspace() + ":" + h.path() : h.path();
          if (h.lines().isEmpty()) {
            out.println(path);
          }
          for (SearchHit.MatchLine l : h.lines()) {
            out.println(path + ":" + l.lineNumber() + ": " + line(l, color));
          }
        }
        if (hits.isEmpty()) {
          spec.commandLine().getErr().println("indexq: no match for " + query);
        }
      }
      out.flush();
      return Indexq.EXIT_OK;
    }
  }

  /** The line's text, trimmed, with the highlighted ranges in bold red when {@code color}. */
  static String line(SearchHit.MatchLine l, boolean color) {
    String text = l.text();
    if (!color || l.highlights().isEmpty()) {
      return text.strip();
    }
    StringBuilder b = new StringBuilder();
    int at = 0;
    for (SearchHit.Range r : l.highlights()) {
      int start = Math.min(r.start(), text.length());
      int end = Math.min(r.end(), text.length());
      if (start < at) {
        continue;
      }
      b.append(text, at, start).append(BOLD_RED).append(text, start, end).append(RESET);
      at = end;
    }
    b.append(text.substring(at));
    return b.toString().strip();
  }

  static Map<String, Object> json(String query, List<SearchHit> hits) {
    List<Object> list = new ArrayList<>();
    for (SearchHit h : hits) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("workspace", h.workspace());
      m.put("path", h.path());
      m.put("score", h.score());
      List<Object> lines = new ArrayList<>();
      for (SearchHit.MatchLine l : h.lines()) {
        Map<String, Object> lm = new LinkedHashMap<>();
        lm.put("line", l.lineNumber());
        lm.put("text", l.text());
        List<Object> ranges = new ArrayList<>();
        for (SearchHit.Range r : l.highlights()) {
          ranges.add(List.of(r.start(), r.end()));
        }
        lm.put("highlights", ranges);
        lines.add(lm);
      }
      m.put("lines", lines);
      list.add(m);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("query", query);
    doc.put("hits", list);
    return doc;
  }
}
