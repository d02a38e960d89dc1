package dev.indexqueue.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code indexq} command line: indexes directories into a Lucene index behind a persistent
 * Chronicle queue, keeps them in sync, searches them and reports their status. Each run is one
 * command; the data directory ({@code --data}) is held exclusively for the run, so commands of one
 * data directory never run concurrently. Instances are not thread-safe: one per run.
 *
 * <p>Exit codes: {@value #EXIT_OK} when the command succeeded, {@value #EXIT_FAILURE} when it
 * failed, {@value #EXIT_USAGE} for bad input (an unknown option or workspace, a missing directory,
 * an unusable or busy data directory), always with a one-line message on standard error and no
 * stack trace unless {@code --verbose}.
 */
@Command(
    name = "indexq",
    mixinStandardHelpOptions = true,
    versionProvider = Indexq.Version.class,
    description = {
      "Keeps a search index in sync with directories of text files: an ordered, durable task queue"
          + " (Chronicle, or Kafka across nodes) in front of a Lucene index (or a SolrCloud"
          + " collection).",
      ""
    },
    subcommands = {
      DemoCommand.class,
      IndexCommand.class,
      WatchCommand.class,
      SearchCommand.class,
      StatusCommand.class,
      FileCommand.class,
      ServeCommand.class,
      DeadLettersCommand.class,
      RepairCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 failure, 2 bad input.",
      "Example:  indexq index src && indexq search 'getUserName' && indexq status",
      "Cluster:  indexq --config node.properties --role worker serve",
      "  node.properties: queue=kafka, kafka-bootstrap=..., kafka-topic=...,",
      "  backend=solr, solr-zk=..., solr-collection=... (README: Running on a cluster)"
    })
public final class Indexq implements Runnable {
  /** The command succeeded. */
  public static final int EXIT_OK = 0;

  /** The command failed. */
  public static final int EXIT_FAILURE = 1;

  /** Bad input: usage, unknown workspace, missing directory, unusable or busy data directory. */
  public static final int EXIT_USAGE = 2;

  /** Stopped by Ctrl-C (SIGINT) before the work was done: 128 + 2, as shells report it. */
  public static final int EXIT_INTERRUPTED = 130;

  /** The data directory when {@code --data} is not given. */
  public static final String DEFAULT_DATA = ".indexq";

  /** The queue kinds {@code --queue} accepts. */
  public enum QueueKind {
    /** Persistent: tasks survive a crash and are applied on the next run. */
    chronicle,
    /** In memory: fast, lost when the process ends. */
    memory,
    /** Kafka: shared by the nodes of a cluster ({@code --kafka-*}). */
    kafka
  }

  /** The index backends {@code --backend} accepts. */
  public enum BackendKind {
    /** A Lucene index in the data directory. */
    lucene,
    /** A SolrCloud collection ({@code --solr-*}), shared by the nodes of a cluster. */
    solr
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "Data directory: Lucene index, Chronicle queue, workspace registry (default: "
              + DEFAULT_DATA
              + ").")
  Path data;

  @Option(
      names = "--queue",
      paramLabel = "KIND",
      scope = ScopeType.INHERIT,
      description = "Task queue: ${COMPLETION-CANDIDATES} (default: chronicle).")
  QueueKind queue;

  @Option(
      names = "--backend",
      paramLabel = "KIND",
      scope = ScopeType.INHERIT,
      description = "Index: ${COMPLETION-CANDIDATES} (default: lucene).")
  BackendKind backend;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      scope = ScopeType.INHERIT,
      description =
          "What this node does on a cluster queue: ${COMPLETION-CANDIDATES} (default: both;"
              + " a producer submits and waits, a worker applies tasks).")
  NodeSettings.RoleName role;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "A properties file with the options below by name without the dashes"
              + " (kafka-bootstrap=..., solr-collection=..., role=..., queue=..., backend=...),"
              + " solr-username/solr-password, and kafka.<client property>; options override it.")
  Path config;

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT,...",
      scope = ScopeType.INHERIT,
      description = "Kafka bootstrap servers (--queue kafka).")
  String kafkaBootstrap;

  @Option(
      names = "--kafka-topic",
      paramLabel = "TOPIC",
      scope = ScopeType.INHERIT,
      description = "Kafka topic of the tasks (created when missing; urgent ones in TOPIC-urgent).")
  String kafkaTopic;

  @Option(
      names = "--kafka-group",
      paramLabel = "GROUP",
      scope = ScopeType.INHERIT,
      description = "Kafka consumer group of the workers (default: indexqueue-TOPIC).")
  String kafkaGroup;

  @Option(
      names = "--kafka-partitions",
      paramLabel = "N",
      scope = ScopeType.INHERIT,
      description = "Partitions of the topic (default: the lane count, 2); every node the same.")
  Integer kafkaPartitions;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      scope = ScopeType.INHERIT,
      description =
          "A Kafka client property for every client (producer.KEY, consumer.KEY, admin.KEY for"
              + " one); repeatable. Values are never printed.")
  java.util.Map<String, String> kafkaProperties;

  @Option(
      names = "--solr-zk",
      paramLabel = "HOST:PORT[/CHROOT]",
      scope = ScopeType.INHERIT,
      description = "ZooKeeper of the SolrCloud cluster (--backend solr).")
  String solrZk;

  @Option(
      names = "--solr-url",
      paramLabel = "URL,...",
      scope = ScopeType.INHERIT,
      description = "Solr node URLs, instead of --solr-zk.")
  String solrUrl;

  @Option(
      names = "--solr-collection",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "The Solr collection (it must exist, with the indexqueue configset).")
  String solrCollection;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log more, and print stack traces of errors.")
  boolean verbose;

  /** Creates the root command. */
  public Indexq() {}

  /** The data directory chosen. */
  Path dataDirectory() {
    return data != null ? data : Path.of(DEFAULT_DATA);
  }

  /**
   * The data directory, which must exist: commands that only read never create one (a mistyped
   * {@code --data} is an error, not a new empty store).
   *
   * @throws UsageException when it does not exist
   */
  java.nio.file.Path existingDataDirectory() {
    java.nio.file.Path abs = dataDirectory().toAbsolutePath().normalize();
    if (!java.nio.file.Files.isDirectory(abs)) {
      throw new UsageException(
          "no data directory at " + abs + ": run 'indexq index DIR' first, or check --data");
    }
    return abs;
  }

  /** The queue kind chosen (by option or config file). */
  QueueKind queueKind() {
    return node().queue();
  }

  private NodeSettings node;

  /**
   * The node's settings: options over the {@code --config} file, checked once.
   *
   * @throws UsageException naming what is wrong
   */
  NodeSettings node() {
    if (node == null) {
      node = NodeSettings.resolve(this);
    }
    return node;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command: try 'indexq demo' or 'indexq --help'");
  }

  /**
   * Runs the CLI and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /**
   * A command line with the CLI's error handling: bad input prints one line and returns {@value
   * #EXIT_USAGE}; a failure prints one line and returns {@value #EXIT_FAILURE}; {@code --verbose}
   * adds the stack trace. Tests run commands in-process with it.
   */
  public static CommandLine newCommandLine() {
    Indexq root = new Indexq();
    CommandLine cl = new CommandLine(root);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionStrategy(
        parseResult -> {
          configureLogging(root.verbose);
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          String message = ex.getMessage();
          if (ex instanceof CommandLine.UnmatchedArgumentException u
              && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            java.util.List<String> suggestions = u.getSuggestions();
            message =
                (first.startsWith("-") ? "unknown option '" : "unknown command '")
                    + first
                    + "'"
                    + (suggestions.isEmpty()
                        ? ""
                        : "; did you mean '" + String.join("' or '", suggestions) + "'?");
          }
          err.println(
              "indexq: " + message + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
          err.flush();
          return EXIT_USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          PrintWriter err = c.getErr();
          if (ex instanceof CliException cli) {
            err.println("indexq: " + cli.getMessage());
            if (root.verbose) {
              ex.printStackTrace(err);
            }
            err.flush();
            return cli.exitCode();
          }
          UsageException usage = Errors.asUsage(ex);
          if (usage != null) {
            err.println("indexq: " + usage.getMessage());
          } else {
            err.println("indexq: error: " + Errors.describe(ex));
          }
          if (root.verbose) {
            ex.printStackTrace(err);
          } else if (usage == null) {
            err.println("indexq: run with --verbose for the stack trace");
          }
          err.flush();
          return usage != null ? EXIT_USAGE : EXIT_FAILURE;
        });
    return cl;
  }

  /** Sets slf4j-simple's level before the first logger is created (warn, or info with -v). */
  static void configureLogging(boolean verbose) {
    String level = "org.slf4j.simpleLogger.defaultLogLevel";
    if (System.getProperty(level) == null || verbose) {
      System.setProperty(level, verbose ? "info" : "warn");
    }
    if (!verbose) {
      // the Kafka, ZooKeeper and Solr clients warn at every failed connection attempt: a command
      // says what went wrong in one line instead (-v shows them)
      for (String chatty :
          new String[] {"org.apache.kafka", "org.apache.zookeeper", "org.apache.solr"}) {
        String key = "org.slf4j.simpleLogger.log." + chatty;
        if (System.getProperty(key) == null) {
          System.setProperty(key, "error");
        }
      }
    }
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    // Chronicle: no usage analytics, no banner
    System.setProperty("chronicle.analytics.disable", "true");
    System.setProperty("chronicle.announcer.disable", "true");
  }

  /** The version of this build (from {@code version.properties}, filtered by Maven). */
  static String version() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = Indexq.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (java.io.IOException e) {
      // no version
    }
    String v = p.getProperty("version", "");
    return v.isEmpty() || v.startsWith("${") ? "(unknown version)" : v;
  }

  /** The version shown by {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "indexq " + version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
