package dev.indexqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code indexq serve} on a real socket, driven with Java's {@link HttpClient}, curl (a script) and
 * the CLI's own commands, which find the server through the data directory.
 */
class ServeTest {
  @TempDir Path tmp;
  Path data;
  Path src;
  Thread server;
  AtomicInteger exit = new AtomicInteger(-1);
  StringWriter out = new StringWriter();
  String url;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void serve() throws Exception {
    data = tmp.resolve("data");
    src = Files.createDirectories(tmp.resolve("my shop"));
    Files.writeString(src.resolve("Cart.java"), "class Cart {\n  long totalInCents;\n}\n");
    assertThat(Cli.run(data, "index", src.toString(), "-w", "shop").exit()).isZero();
    server =
        new Thread(
            () ->
                exit.set(
                    Indexq.newCommandLine()
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(new StringWriter(), true))
                        .execute("--data", data.toString(), "serve")),
            "serve-under-test");
    server.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("listening on"));
    url = ServerFile.find(data.toAbsolutePath()).orElseThrow().url();
  }

  @AfterEach
  void stop() throws Exception {
    server.interrupt(); // like Ctrl-C
    server.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(exit.get()).as(out.toString()).isZero();
    assertThat(out.toString()).contains("stopped: shut down gracefully");
    assertThat(data.resolve(ServerFile.FILE)).doesNotExist();
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Jsons.MAPPER.readTree(r.body());
  }

  @Test
  void theApiServesFilesSearchStatusAndTheCliAnswersThroughIt() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/workspaces/shop/files/src/User.java?wait=visible&priority=-1",
            "{\"content\":\"class User { String getUserName() { return name; } }\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> found = send("GET", "/api/search?q=user%20name&workspace=shop", null);
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(json(found).at("/hits/0/path").asText()).isEqualTo("src/User.java");
    assertThat(json(found).get("totalHits").asLong()).isEqualTo(1);

    // the CLI goes through the server: the server holds the lock, and the answer is the same
    Cli.Result search = Cli.run(data, "search", "getUserName");
    assertThat(search.exit()).as(search.toString()).isZero();
    assertThat(search.out()).contains("src/User.java:1: class User");
    Cli.Result status = Cli.run(data, "status");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out()).startsWith("queue: RUNNING").containsPattern("shop\\s+2\\s+2\\s+2\\s");
    Cli.Result update =
        Cli.run(
            data, "file", "update", "-w", "shop", "src/User.java", "--content", "class Person {}");
    assertThat(update.exit()).as(update.toString()).isZero();
    assertThat(Cli.run(data, "search", "Person").out())
        .contains("src/User.java:1: class Person {}");

    HttpResponse<String> st = send("GET", "/api/workspaces/shop/status", null);
    assertThat(json(st).get("isUpToDate").asBoolean()).isTrue();
    assertThat(json(st).get("filesystemFiles").asInt()).isEqualTo(2);
    assertThat(json(send("GET", "/api/queue", null)).get("state").asText()).isEqualTo("RUNNING");
    assertThat(send("GET", "/openapi.json", null).body()).contains("\"openapi\"", "/api/search");

    // register and index another directory through the API
    Path other = Files.createDirectories(tmp.resolve("other dir"));
    Files.writeString(other.resolve("notes.md"), "zebra crossing");
    HttpResponse<String> reg =
        send(
            "PUT",
            "/api/workspaces/notes",
            Jsons.write(java.util.Map.of("directory", other.toString())));
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
    HttpResponse<String> idx = send("POST", "/api/workspaces/notes/index", null);
    assertThat(json(idx).get("indexed").asInt()).as(idx.body()).isEqualTo(1);
    assertThat(Cli.run(data, "search", "zebra", "-w", "notes").out()).contains("notes.md:1:");
  }

  @Test
  void badRequestsAre4xxWithAJsonErrorNamingTheField() throws Exception {
    record Bad(String method, String path, String body, int status, String field) {}
    for (Bad b :
        new Bad[] {
          new Bad("GET", "/api/search?q=x&limit=0", null, 400, "limit"),
          new Bad("GET", "/api/search?q=x&limit=x", null, 400, "limit"),
          new Bad("GET", "/api/search", null, 400, "q"),
          new Bad("GET", "/api/search?q=AND%20(", null, 400, "query"),
          new Bad("GET", "/api/search?q=" + "a".repeat(1100), null, 400, "query"),
          new Bad("POST", "/api/workspaces/shop/files/x.md", "{\"content\":", 400, "body"),
          new Bad("POST", "/api/workspaces/shop/files/x.md", "[1]", 400, "body"),
          new Bad("POST", "/api/workspaces/shop/files/x.md", "{}", 400, "content"),
          new Bad(
              "POST", "/api/workspaces/shop/files/a/../x.md", "{\"content\":\"x\"}", 400, "path"),
          new Bad(
              "POST", "/api/workspaces/shop/files/Cart.java", "{\"content\":\"x\"}", 409, "path"),
          new Bad("PUT", "/api/workspaces/shop/files/none.md", "{\"content\":\"x\"}", 404, "path"),
          new Bad("GET", "/api/workspaces/b%20d/status", null, 400, "workspace"),
          new Bad("GET", "/api/workspaces/nope/status", null, 404, "workspace"),
          new Bad("GET", "/api/workspaces/shop/ready?timeoutMillis=-1", null, 400, "timeoutMillis"),
          new Bad("PUT", "/api/workspaces/w2", "{\"directory\":\"relative\"}", 400, "directory"),
          new Bad(
              "PUT", "/api/workspaces/w2", "{\"directory\":\"/no/such/dir\"}", 400, "directory"),
        }) {
      HttpResponse<String> r = send(b.method(), b.path(), b.body());
      assertThat(r.statusCode())
          .as("%s %s: %s", b.method(), b.path(), r.body())
          .isEqualTo(b.status());
      JsonNode e = json(r).get("error");
      assertThat(e.get("field").asText()).as(r.body()).isEqualTo(b.field());
      assertThat(r.body()).doesNotContain("Exception", "\tat ", "a".repeat(100));
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }
    HttpResponse<String> noType =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/workspaces/shop/files/y.md"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noType.statusCode()).isEqualTo(415);
    assertThat(send("PATCH", "/api/status", null).statusCode()).isEqualTo(405);
    assertThat(send("GET", "/api/nothing", null).statusCode()).isEqualTo(404);
    assertThat(Files.list(src)).hasSize(1); // nothing refused was written
  }

  @Test
  void curlScript() throws Exception {
    assumeTrue(
        new ProcessBuilder("curl", "--version").start().waitFor() == 0, "curl is not installed");
    Path script = Path.of("src/test/sh/api-with-curl.sh").toAbsolutePath();
    Process p =
        new ProcessBuilder("/bin/sh", script.toString(), url, "shop")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("24 passed, 0 failed");
  }

  @Test
  void aStaleServerFileIsDetectedAndTheCliReadsTheIndexItself() throws Exception {
    // a server killed without cleaning up: its file names a process that is gone
    Path fake = tmp.resolve("other-data");
    Files.createDirectories(fake);
    Files.writeString(
        fake.resolve(ServerFile.FILE),
        "{\"pid\":2147483000,\"started\":\"2000-01-01T00:00:00Z\",\"url\":\"http://127.0.0.1:1\","
            + "\"token\":null,\"version\":\"x\"}");
    assertThat(ServerFile.find(fake)).isEmpty();
    assertThat(fake.resolve(ServerFile.FILE)).doesNotExist();
  }
}
