package dev.indexqueue.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.indexqueue.DeadLetter;
import dev.indexqueue.IndexStatus;
import dev.indexqueue.QueueFullException;
import dev.indexqueue.TaskStage;
import dev.indexqueue.Ticket;
import dev.indexqueue.workspace.IndexReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON HTTP API of {@code indexq serve}, on the JDK's {@code jdk.httpserver}: files,
 * workspaces, search, status, queue, dead letters, waiting, and its OpenAPI description at {@code
 * /openapi.json}. Thread-safe: requests run on a small pool of daemon threads over one {@link
 * Session}, whose service and workspace manager are thread-safe.
 *
 * <p>Every error answer is JSON, {@code {"error":{"status":400,"field":"limit","message":"..."}}},
 * with a 4xx status for bad requests (naming the field) and never a stack trace; unexpected
 * failures answer 500 with one line and are logged. With a token, every request (the OpenAPI
 * description too) must carry {@code Authorization: Bearer TOKEN}.
 */
final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final Pattern FIELD = Pattern.compile("^([A-Za-z][A-Za-z0-9_.-]*): ");
  private static final int MAX_LIMIT = 1000;
  private static final long MAX_WAIT_MILLIS = 600_000;

  /** A request the API refuses, with its status and the field at fault. */
  static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String field;

    ApiError(int status, String field, String message) {
      super(message);
      this.status = status;
      this.field = field;
    }
  }

  /** A request: path parameters and query parameters. */
  private record Request(HttpExchange exchange, List<String> params, Map<String, String> query) {
    String param(int i) {
      return params.get(i);
    }
  }

  private record Answer(int status, Object body) {}

  @FunctionalInterface
  private interface Handler {
    Answer handle(Request r) throws Exception;
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final Session session;
  private final String token;
  private final HttpServer server;
  private final ExecutorService pool;
  private final List<Route> routes = new ArrayList<>();
  private final long maxBody;

  /**
   * Binds the server (not started yet).
   *
   * @param session the data directory's session
   * @param address where to listen
   * @param token the token every request must carry, or null (loopback only)
   * @throws IOException when the address cannot be bound
   */
  HttpApi(Session session, InetSocketAddress address, String token) throws IOException {
    this.session = session;
    this.token = token;
    this.maxBody = 3 * session.manager().maxContentBytes() + 64 * 1024;
    this.server = HttpServer.create(address, 64);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "indexq-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/", this::dispatch);
    routes();
  }

  void start() {
    server.start();
  }

  /** The base URL, such as {@code http://127.0.0.1:7700}. */
  String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + a.getPort();
  }

  /** Stops accepting, lets running requests end (1 s at most) and stops the threads. */
  @Override
  public void close() {
    server.stop(1);
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------ routes

  private void route(String method, String template, Handler h) {
    String regex = template.replace("{ws}", "([^/]+)").replace("{path}", "(.+)");
    routes.add(new Route(method, Pattern.compile("^" + regex + "$"), h));
  }

  private void routes() {
    route("GET", "/openapi.json", r -> new Answer(200, openApi()));
    route("GET", "/api/health", r -> new Answer(200, health()));
    route("GET", "/api/status", this::status);
    route("GET", "/api/queue", r -> new Answer(200, queue()));
    route("GET", "/api/search", this::search);
    route("GET", "/api/workspaces", r -> new Answer(200, workspaces()));
    route("PUT", "/api/workspaces/{ws}", this::register);
    route("GET", "/api/workspaces/{ws}/status", this::workspaceStatus);
    route("POST", "/api/workspaces/{ws}/index", this::index);
    route("POST", "/api/workspaces/{ws}/reindex", this::reindex);
    route("GET", "/api/workspaces/{ws}/ready", this::ready);
    route("POST", "/api/workspaces/{ws}/files/{path}", r -> file(r, "create"));
    route("PUT", "/api/workspaces/{ws}/files/{path}", r -> file(r, "update"));
    route("DELETE", "/api/workspaces/{ws}/files/{path}", r -> file(r, "delete"));
    route("GET", "/api/dead-letters", r -> new Answer(200, Map.of("deadLetters", deadLetters())));
    route("POST", "/api/dead-letters/replay", this::replay);
    route("DELETE", "/api/dead-letters", this::clearDeadLetters);
  }

  private Map<String, Object> health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("version", Indexq.version());
    m.put("pid", ProcessHandle.current().pid());
    m.put("data", session.data().path().toString());
    return m;
  }

  private Map<String, Object> queue() {
    return Views.queue(
        session.service().queueStatus(), session.deadLetterFile().read().size(), session);
  }

  private Answer status(Request r) {
    String ws = r.query().get("workspace");
    boolean skipped = bool(r, "skipped");
    Map<String, Views.Workspace> out = new LinkedHashMap<>();
    // a cluster node that registered no workspace (a worker) still shows its queue
    boolean none = ws == null && session.registry().workspaces().isEmpty();
    if (!(none && session.node().isCluster())) {
      for (String name : session.workspaces(ws == null ? null : workspace(ws))) {
        out.put(name, workspaceView(name, skipped));
      }
    }
    return new Answer(200, new Views.Status(queue(), null, out));
  }

  private Views.Workspace workspaceView(String name, boolean skipped) {
    IndexStatus s = session.service().indexStatus(name);
    return Views.workspace(String.valueOf(session.registry().workspaces().get(name)), s, skipped);
  }

  private Answer search(Request r) {
    String q = r.query().get("q");
    if (q == null) {
      throw new ApiError(400, "q", "q: the query is required");
    }
    int limit = intParam(r, "limit", 20, 1, MAX_LIMIT);
    String ws = r.query().get("workspace");
    List<String> names = session.workspaces(ws == null ? null : workspace(ws));
    return new Answer(
        200,
        SearchCommand.search(
            names, q, limit, (w, query, l) -> session.service().search(w, query, l)));
  }

  private List<Map<String, Object>> workspaces() {
    List<Map<String, Object>> out = new ArrayList<>();
    session
        .registry()
        .workspaces()
        .forEach((k, v) -> out.add(Map.of("workspace", k, "directory", v.toString())));
    return out;
  }

  private Answer register(Request r) {
    String ws = workspace(r.param(0));
    JsonNode body = body(r);
    JsonNode dir = body.get("directory");
    if (dir == null || !dir.isTextual() || dir.asText().isBlank()) {
      throw new ApiError(400, "directory", "directory: a directory path (string) is required");
    }
    Path path = Path.of(dir.asText());
    if (!path.isAbsolute()) {
      throw new ApiError(400, "directory", "directory: must be an absolute path, was: " + path);
    }
    Path before = session.register(ws, path);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workspace", ws);
    m.put("directory", session.registry().directory(ws).toString());
    m.put("previous", before == null ? null : before.toString());
    return new Answer(before == null ? 201 : 200, m);
  }

  private Answer workspaceStatus(Request r) {
    String ws = registered(r.param(0));
    return new Answer(200, workspaceView(ws, bool(r, "skipped")));
  }

  private Answer index(Request r) {
    String ws = registered(r.param(0));
    int priority = intParam(r, "priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    IndexReport rep = session.manager().withPriority(priority).index(ws, null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workspace", ws);
    m.put("indexed", rep.indexed());
    m.put("removed", rep.removed());
    m.put("unchanged", rep.unchanged());
    m.put("applied", rep.applied());
    m.put("failed", rep.failed());
    m.put("tookMillis", rep.took().toMillis());
    m.put("status", rep.status() == null ? null : Views.workspace(null, rep.status(), false));
    return new Answer(200, m);
  }

  private Answer reindex(Request r) {
    String ws = registered(r.param(0));
    int priority = intParam(r, "priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    Ticket t = session.manager().withPriority(priority).forceReindex(ws);
    return new Answer(202, Map.of("workspace", ws, "sequence", t.sequence()));
  }

  private Answer ready(Request r) throws InterruptedException {
    String ws = registered(r.param(0));
    long millis = intParam(r, "timeoutMillis", 30_000, 0, (int) MAX_WAIT_MILLIS);
    boolean ready = session.service().awaitIndexReady(ws, Duration.ofMillis(millis));
    return new Answer(200, Map.of("workspace", ws, "ready", ready));
  }

  private Answer file(Request r, String op) throws Exception {
    String ws = registered(r.param(0));
    String path = r.param(1);
    int priority = intParam(r, "priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    String wait = r.query().getOrDefault("wait", "none");
    TaskStage stage =
        switch (wait) {
          case "none" -> null;
          case "applied" -> TaskStage.APPLIED;
          case "durable" -> TaskStage.DURABLE;
          case "visible" -> TaskStage.VISIBLE;
          default ->
              throw new ApiError(
                  400, "wait", "wait: must be none, applied, durable or visible, was: " + wait);
        };
    var m = session.manager().withPriority(priority);
    Ticket t;
    try {
      if (op.equals("delete")) {
        t = m.deleteFile(ws, path);
      } else {
        JsonNode c = body(r).get("content");
        if (c == null || !c.isTextual()) {
          throw new ApiError(400, "content", "content: a string is required");
        }
        t =
            op.equals("create")
                ? m.createFile(ws, path, c.asText())
                : m.updateFile(ws, path, c.asText());
      }
    } catch (FileAlreadyExistsException e) {
      throw new ApiError(409, "path", "path: the file exists already: " + path);
    } catch (NoSuchFileException e) {
      throw new ApiError(404, "path", "path: no such file: " + path);
    }
    if (stage != null) {
      t.future(stage).get(10, TimeUnit.MINUTES);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workspace", ws);
    out.put("path", path);
    out.put("operation", op);
    out.put("sequence", t.sequence());
    out.put("waited", wait);
    return new Answer(op.equals("create") ? 201 : 200, out);
  }

  private List<Map<String, Object>> deadLetters() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (DeadLetterFile.Entry e : session.deadLetterFile().read()) {
      list.add(DeadLettersCommand.json(e));
    }
    for (DeadLetter d : session.service().deadLetters().list()) {
      list.add(
          DeadLettersCommand.json(
              new DeadLetterFile.Entry(
                  d.sequence(),
                  d.task().type(),
                  d.task().workspace(),
                  d.task().path(),
                  d.attempts(),
                  d.permanent(),
                  d.lastFailure(),
                  d.error())));
    }
    return list;
  }

  private Answer replay(Request r) {
    List<Ticket> tickets = new ArrayList<>(session.service().deadLetters().replay());
    List<DeadLetterFile.Entry> stored = session.deadLetterFile().read();
    session.deadLetterFile().clear();
    int dropped = 0;
    for (DeadLetterFile.Entry e : stored) {
      if (!session.registry().contains(e.workspace())) {
        dropped++;
        continue;
      }
      tickets.add(session.service().submit(DeadLettersCommand.ReplayCommand.task(session, e)));
    }
    List<Long> seqs = new ArrayList<>();
    tickets.forEach(t -> seqs.add(t.sequence()));
    return new Answer(202, Map.of("replayed", seqs, "dropped", dropped));
  }

  private Answer clearDeadLetters(Request r) {
    int n = session.deadLetterFile().clear() + session.service().deadLetters().clear();
    return new Answer(200, Map.of("cleared", n));
  }

  // ------------------------------------------------------------------------------ checks

  private static String workspace(String ws) {
    if (!dev.indexqueue.IndexTask.isValidWorkspace(ws)) {
      try {
        dev.indexqueue.IndexTask.checkWorkspace(ws);
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "workspace", e.getMessage());
      }
    }
    return ws;
  }

  private String registered(String ws) {
    workspace(ws);
    if (!session.registry().contains(ws)) {
      throw new ApiError(
          404,
          "workspace",
          "workspace: not registered: " + ws + " (PUT /api/workspaces/" + ws + ")");
    }
    return ws;
  }

  private static boolean bool(Request r, String name) {
    String v = r.query().get(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw new ApiError(400, name, name + ": must be true or false, was: " + Texts.quote(v));
  }

  private static int intParam(Request r, String name, int dflt, int min, int max) {
    String v = r.query().get(name);
    if (v == null) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ApiError(400, name, name + ": must be an integer, was: " + Texts.quote(v));
    }
    if (n < min || n > max) {
      throw new ApiError(
          400, name, name + ": must be between " + min + " and " + max + ", was: " + n);
    }
    return n;
  }

  private JsonNode body(Request r) {
    HttpExchange ex = r.exchange();
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(
          415, "Content-Type", "Content-Type: must be application/json, was: " + type);
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBody + 1));
    } catch (IOException e) {
      throw new ApiError(400, "body", "body: cannot be read: " + e.getMessage());
    }
    if (bytes.length > maxBody) {
      throw new ApiError(413, "body", "body: must be at most " + maxBody + " bytes");
    }
    try {
      JsonNode n = Jsons.MAPPER.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new ApiError(400, "body", "body: must be a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new ApiError(
          400,
          "body",
          "body: not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (IOException e) {
      throw new ApiError(400, "body", "body: cannot be read");
    }
  }

  // ------------------------------------------------------------------------------ dispatch

  private void dispatch(HttpExchange ex) {
    try (ex) {
      Answer a;
      try {
        a = route(ex);
      } catch (ApiError e) {
        a = error(e.status, e.field, e.getMessage());
      } catch (UsageException e) {
        a =
            error(
                e.getMessage().startsWith("unknown workspace") ? 404 : 400,
                "workspace",
                e.getMessage());
      } catch (IllegalArgumentException e) {
        Matcher m = FIELD.matcher(String.valueOf(e.getMessage()));
        a = error(400, m.find() ? m.group(1) : null, firstLine(e.getMessage()));
      } catch (QueueFullException e) {
        a = error(503, null, "the queue is full: " + firstLine(e.getMessage()));
      } catch (IllegalStateException e) {
        a = error(503, null, firstLine(e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        a = error(503, null, "the server is stopping");
      } catch (Exception | Error e) {
        LOG.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        a = error(500, null, "internal error: " + firstLine(String.valueOf(e)));
      }
      send(ex, a);
    } catch (IOException e) {
      LOG.debug("answering {} failed: {}", ex.getRequestURI(), e.toString());
    }
  }

  private Answer route(HttpExchange ex) throws Exception {
    if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
      throw new ApiError(401, "Authorization", "Authorization: a valid bearer token is required");
    }
    URI uri = ex.getRequestURI();
    String rawPath = uri.getRawPath();
    Set<String> allowed = new java.util.TreeSet<>();
    for (Route r : routes) {
      Matcher m = r.path().matcher(rawPath);
      if (!m.matches()) {
        continue;
      }
      if (!r.method().equals(ex.getRequestMethod())) {
        allowed.add(r.method());
        continue;
      }
      List<String> params = new ArrayList<>();
      for (int i = 1; i <= m.groupCount(); i++) {
        params.add(decode(m.group(i), "path"));
      }
      return r.handler().handle(new Request(ex, params, query(uri.getRawQuery())));
    }
    if (!allowed.isEmpty()) {
      ex.getResponseHeaders().add("Allow", String.join(", ", allowed));
      throw new ApiError(
          405,
          null,
          "method " + ex.getRequestMethod() + " is not allowed here; allowed: " + allowed);
    }
    throw new ApiError(404, null, "no such resource: " + rawPath + " (see /openapi.json)");
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1), k);
      if (out.putIfAbsent(k, v) != null) {
        throw new ApiError(400, k, k + ": given more than once");
      }
    }
    return out;
  }

  private static String decode(String s, String field) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, field, field + ": bad percent-encoding");
    }
  }

  private static Answer error(int status, String field, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("status", status);
    e.put("field", field);
    e.put("message", message);
    return new Answer(status, Map.of("error", e));
  }

  private static void send(HttpExchange ex, Answer a) throws IOException {
    byte[] body =
        a.body() instanceof byte[] b ? b : Jsons.write(a.body()).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] openApi() throws IOException {
    try (InputStream in = HttpApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IOException("openapi.json is missing from the jar");
      }
      return in.readAllBytes();
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Quoting for messages (short, control characters escaped). */
  static final class Texts {
    private Texts() {}

    static String quote(String v) {
      String s = v.length() > 40 ? v.substring(0, 40) + "…" : v;
      return "\"" + s.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
  }
}
