package dev.indexqueue.cli;

import dev.indexqueue.Ticket;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code indexq file create|update|delete -w NAME PATH}: changes one file of a registered workspace
 * through the workspace API (checks first, atomic write, the index follows) and waits until the
 * change is searchable. Through a running server when one holds the data directory. Not
 * thread-safe: one instance per run.
 */
@Command(
    name = "file",
    mixinStandardHelpOptions = true,
    description = "Create, update or delete a file of a workspace; the index follows.",
    subcommands = {FileCommand.Create.class, FileCommand.Update.class, FileCommand.Delete.class})
final class FileCommand implements Runnable {
  @ParentCommand Indexq root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: create, update or delete");
  }

  /** What the file subcommands share. */
  abstract static class Change implements Callable<Integer> {
    @ParentCommand FileCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = {"-w", "--workspace"},
        paramLabel = "NAME",
        required = true,
        description = "The workspace.")
    String workspace;

    @Parameters(paramLabel = "PATH", description = "The file's path in the workspace.")
    String path;

    @Option(
        names = "--priority",
        paramLabel = "N",
        defaultValue = "0",
        description = "Task priority, lower is more urgent (default: ${DEFAULT-VALUE}).")
    int priority;

    abstract String method();

    String content() throws IOException {
      return null;
    }

    abstract Ticket local(Session s, String content) throws IOException;

    @Override
    public Integer call() throws Exception {
      Indexq root = parent.root;
      Path data = root.existingDataDirectory();
      String content = content();
      PrintWriter out = spec.commandLine().getOut();
      Optional<ServerFile.Info> server = ServerFile.find(data);
      if (server.isPresent()) {
        try {
          Map<String, Object> answer =
              new Client(server.get()).file(method(), workspace, path, content, priority);
          out.println(
              spec.name() + "d " + path + " (task " + answer.get("sequence") + ", visible)");
          out.flush();
          return Indexq.EXIT_OK;
        } catch (Client.Unreachable e) {
          // it stopped meanwhile: open the directory
        }
      }
      try (Session s = Session.open(root, "file " + spec.name() + " " + path)) {
        s.workspaces(workspace);
        Ticket t;
        try {
          t = local(s.withPriority(priority), content);
        } catch (FileAlreadyExistsException e) {
          throw new UsageException("file exists: " + path + " (use 'indexq file update')");
        } catch (NoSuchFileException e) {
          throw new UsageException("no such file: " + path);
        }
        t.visible().get();
        out.println(spec.name() + "d " + path + " (task " + t.sequence() + ", visible)");
        out.flush();
        return Indexq.EXIT_OK;
      }
    }
  }

  /** Content from {@code --content}, {@code --from FILE} or standard input. */
  abstract static class Write extends Change {
    @Option(names = "--content", paramLabel = "TEXT", description = "The content.")
    String text;

    @Option(
        names = "--from",
        paramLabel = "FILE",
        description = "Read the content from FILE (default: standard input).")
    Path from;

    @Override
    String content() throws IOException {
      if (text != null) {
        return text;
      }
      if (from != null) {
        return Files.readString(from, StandardCharsets.UTF_8);
      }
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a new file.")
  static final class Create extends Write {
    @Override
    String method() {
      return "POST";
    }

    @Override
    Ticket local(Session s, String content) throws IOException {
      return s.manager().createFile(workspace, path, content);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true, description = "Replace a file.")
  static final class Update extends Write {
    @Override
    String method() {
      return "PUT";
    }

    @Override
    Ticket local(Session s, String content) throws IOException {
      return s.manager().updateFile(workspace, path, content);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a file.")
  static final class Delete extends Change {
    @Override
    String method() {
      return "DELETE";
    }

    @Override
    Ticket local(Session s, String content) throws IOException {
      return s.manager().deleteFile(workspace, path);
    }
  }
}
