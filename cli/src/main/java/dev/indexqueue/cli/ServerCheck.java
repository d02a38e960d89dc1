package dev.indexqueue.cli;

import java.util.Optional;

/** Finds a running server for commands that cannot go through it. Stateless. */
final class ServerCheck {
  private ServerCheck() {}

  /** Refuses with a usage error naming the server when one holds the data directory. */
  static void refuseWhenServed(Indexq root, String command) {
    Optional<ServerFile.Info> server = ServerFile.find(root.dataDirectory().toAbsolutePath());
    if (server.isPresent()) {
      throw new UsageException(
          "data directory "
              + root.dataDirectory().toAbsolutePath().normalize()
              + " is held by 'indexq serve' (pid "
              + server.get().pid()
              + ", "
              + server.get().url()
              + "): stop it to run '"
              + command
              + "', or use its HTTP API");
    }
  }
}
