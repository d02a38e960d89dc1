package dev.indexqueue.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Talks to a running {@code indexq serve} over HTTP with the JDK's {@link HttpURLConnection} (not
 * {@code java.net.http.HttpClient}, which sets up TLS at creation and costs a command a few hundred
 * milliseconds of start-up for a plain local request); loads neither Lucene nor Chronicle. Not
 * thread-safe: one command uses it.
 */
final class Client {
  /** The server could not be reached (it stopped meanwhile). */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ServerFile.Info server;

  Client(ServerFile.Info server) {
    this.server = server;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Encodes a workspace-relative path for a URL, keeping its slashes. */
  static String encPath(String path) {
    StringBuilder b = new StringBuilder();
    for (String seg : path.split("/", -1)) {
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(enc(seg));
    }
    return b.toString();
  }

  Views.Search search(String query, String workspace, int limit) throws Unreachable {
    String q =
        "/api/search?q="
            + enc(query)
            + "&limit="
            + limit
            + (workspace == null ? "" : "&workspace=" + enc(workspace));
    return read(send("GET", q, null), Views.Search.class);
  }

  Views.Status status(String workspace, boolean withSkipped) throws Unreachable {
    String q =
        "/api/status?skipped="
            + withSkipped
            + (workspace == null ? "" : "&workspace=" + enc(workspace));
    return read(send("GET", q, null), Views.Status.class);
  }

  /** Creates, updates or deletes a file; returns the server's answer. */
  Map<String, Object> file(
      String method, String workspace, String path, String content, int priority)
      throws Unreachable {
    String body = content == null ? null : Jsons.write(Map.of("content", content));
    String q =
        "/api/workspaces/"
            + enc(workspace)
            + "/files/"
            + encPath(path)
            + "?wait=visible&priority="
            + priority;
    return read(send(method, q, body), new TypeReference<Map<String, Object>>() {});
  }

  /** A status and a body. */
  private record Response(int statusCode, String body) {}

  private Response send(String method, String pathAndQuery, String body) throws Unreachable {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) URI.create(server.url() + pathAndQuery).toURL().openConnection();
      c.setConnectTimeout(5_000);
      c.setReadTimeout(300_000);
      c.setRequestMethod(method);
      c.setRequestProperty("Accept", "application/json");
      if (server.token() != null) {
        c.setRequestProperty("Authorization", "Bearer " + server.token());
      }
      if (body != null) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = "";
      if (in != null) {
        try (in) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return new Response(status, text);
    } catch (ConnectException e) {
      throw new Unreachable("the server at " + server.url() + " does not answer", e);
    } catch (IOException e) {
      throw new Unreachable("the server at " + server.url() + " failed: " + e, e);
    }
  }

  private static <T> T read(Response r, Class<T> type) {
    check(r);
    try {
      return Jsons.MAPPER.readValue(r.body(), type);
    } catch (IOException e) {
      throw new IllegalStateException("the server answered with unexpected JSON: " + e, e);
    }
  }

  private static <T> T read(Response r, TypeReference<T> type) {
    check(r);
    try {
      return Jsons.MAPPER.readValue(r.body(), type);
    } catch (IOException e) {
      throw new IllegalStateException("the server answered with unexpected JSON: " + e, e);
    }
  }

  /** An error answer becomes the exception the local path would throw. */
  private static void check(Response r) {
    if (r.statusCode() < 400) {
      return;
    }
    String message = "HTTP " + r.statusCode();
    try {
      JsonNode e = Jsons.MAPPER.readTree(r.body()).path("error");
      if (e.hasNonNull("message")) {
        message = e.get("message").asText();
      }
    } catch (IOException ignored) {
      // keep the status
    }
    if (r.statusCode() < 500) {
      throw new UsageException(message);
    }
    throw new IllegalStateException("the server failed: " + message);
  }
}
