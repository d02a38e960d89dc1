package dev.indexqueue.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs indexq commands in-process and captures their output. */
final class Cli {
  private Cli() {}

  /** What a command printed and returned. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  /** Runs {@code indexq --data DATA args...}. */
  static Result run(Path data, String... args) {
    List<String> all = new ArrayList<>();
    all.add("--data");
    all.add(data.toString());
    all.addAll(List.of(args));
    return runRaw(all.toArray(String[]::new));
  }

  /** Runs {@code indexq args...}. */
  static Result runRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Indexq.newCommandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
