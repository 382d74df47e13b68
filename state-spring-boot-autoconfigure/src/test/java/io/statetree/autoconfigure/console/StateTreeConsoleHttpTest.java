package io.statetree.autoconfigure.console;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.statetree.core.StateController;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's page and JSON API over HTTP on a real server, under StateTree's default security
 * chains: sign-in required (a redirect to the login page for the page, 401 for the API), CSRF
 * required for writes, bad input refused with a 400 naming it and nothing written, and the page's
 * assets small and from this host only.
 */
@SpringBootTest(classes = ConsoleTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "statetree.console.enabled=true", "management.health.redis.enabled=false" })
class StateTreeConsoleHttpTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	StateController controller;

	@BeforeEach
	void fillTree() {
		this.controller.set("/shop", Map.of("a", 2, "b", 3));
		this.controller.set("/db", Map.of("password", "http-secret-pw-1"));
	}

	@Test
	void thePageRedirectsToTheLoginPageAndTheApiAnswers401WithoutSignIn() throws Exception {
		HttpResponse<String> page = send(client(), "GET", "/statetree/", null, null, Map.of("Accept", "text/html"));
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/login");
		HttpResponse<String> api = send(client(), "GET", "/statetree/api/children?path=/", null, null,
				Map.of("X-Requested-With", "XMLHttpRequest"));
		assertThat(api.statusCode()).isEqualTo(401);
		assertThat(api.body()).doesNotContain("shop");
		assertThat(send(client(), "GET", "/statetree/api/session", "nobody", null, Map.of()).statusCode())
			.isEqualTo(403);
	}

	@Test
	void aReaderBrowsesWithSecretsMasked() throws Exception {
		HttpResponse<String> children = send(client(), "GET", "/statetree/api/children?path=/", "reader", null,
				Map.of());
		assertThat(children.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(children.body()).get("children").findValuesAsString("name")).contains("shop", "db");
		HttpResponse<String> db = send(client(), "GET", "/statetree/api/value?path=/db", "reader", null, Map.of());
		assertThat(db.body()).doesNotContain("http-secret-pw-1").contains("******");
	}

	@Test
	void aWriteWithoutTheCsrfTokenIsRefusedAndWritesNothing() throws Exception {
		long before = this.controller.revision();
		// Spring Security's CSRF filter runs before HTTP Basic authenticates the caller: the request is
		// refused as an anonymous one (401), whatever its credentials.
		HttpResponse<String> put = send(client(), "PUT", "/statetree/api/value?path=/shop/a", "writer", "7",
				Map.of());
		assertThat(put.statusCode()).isIn(401, 403);
		assertThat(send(client(), "DELETE", "/statetree/api/value?path=/shop", "writer", null, Map.of()).statusCode())
			.isIn(401, 403);
		HttpClient client = client();
		Map<String, String> csrf = csrf(client, "writer");
		Map<String, String> wrong = Map.of(csrf.keySet().iterator().next(), "not-the-token");
		assertThat(send(client, "PUT", "/statetree/api/value?path=/shop/a", "writer", "7", wrong).statusCode())
			.isIn(401, 403);
		assertThat(send(client, "POST", "/statetree/api/restore?revision=" + before, "writer", null, Map.of())
			.statusCode()).isIn(401, 403);
		assertThat(this.controller.get("/shop/a")).isEqualTo(2);
		assertThat(this.controller.revision()).isEqualTo(before);
	}

	@Test
	void aWriteWithTheSessionsCsrfTokenWrites() throws Exception {
		HttpClient client = client();
		Map<String, String> csrf = csrf(client, "writer");
		HttpResponse<String> put = send(client, "PUT", "/statetree/api/value?path=/shop/a", "writer", "7", csrf);
		assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
		assertThat(this.controller.get("/shop/a")).isEqualTo(7);
		HttpResponse<String> restore = send(client, "POST",
				"/statetree/api/restore?revision=" + this.controller.revision(), "writer", null, csrf);
		assertThat(restore.statusCode()).as(restore.body()).isEqualTo(200);
		assertThat(this.controller.get("/shop/a")).isEqualTo(2);
	}

	@Test
	void invalidJsonIs400NamingThePathAndWritesNothing() throws Exception {
		HttpClient client = client();
		Map<String, String> csrf = csrf(client, "writer");
		long before = this.controller.revision();
		HttpResponse<String> put = send(client, "PUT", "/statetree/api/value?path=/shop/c", "writer",
				"{\"x\": secret-text-in-body", csrf);
		assertThat(put.statusCode()).isEqualTo(400);
		JsonNode body = JSON.readTree(put.body());
		assertThat(body.get("message").asString()).contains("/shop/c").contains("JSON");
		assertThat(put.body()).doesNotContain("secret-text-in-body");
		HttpResponse<String> badPath = send(client, "PUT", "/statetree/api/value?path=/shop//c", "writer", "1", csrf);
		assertThat(badPath.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(badPath.body()).get("message").asString()).contains("/shop//c");
		HttpResponse<String> badRevision = send(client, "POST", "/statetree/api/restore?revision=abc", "writer", null,
				csrf);
		assertThat(badRevision.statusCode()).isEqualTo(400);
		assertThat(badRevision.body()).contains("revision");
		HttpResponse<String> badPattern = send(client, "GET", "/statetree/api/events?pattern=/a/***", "writer", null,
				Map.of());
		assertThat(badPattern.statusCode()).isEqualTo(400);
		HttpResponse<String> badAfter = send(client, "GET", "/statetree/api/events?after=x", "writer", null, Map.of());
		assertThat(badAfter.statusCode()).isEqualTo(400);
		assertThat(badAfter.body()).contains("after");
		assertThat(this.controller.revision()).isEqualTo(before);
		assertThat(this.controller.exists("/shop/c")).isFalse();
	}

	@Test
	void aRepeatedParameterOrAPathWithoutLeadingSlashIs400NamingItAndWritesNothing() throws Exception {
		HttpClient client = client();
		Map<String, String> csrf = csrf(client, "writer");
		long before = this.controller.revision();
		HttpResponse<String> twoPaths = send(client, "PUT", "/statetree/api/value?path=/a&path=/b", "writer", "1",
				csrf);
		assertThat(twoPaths.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(twoPaths.body()).get("message").asString()).contains("'path'");
		for (String get : new String[] { "/statetree/api/value?path=/shop&path=/db",
				"/statetree/api/children?path=/&path=/shop", "/statetree/api/children?path=/&limit=1&limit=2",
				"/statetree/api/changes?limit=1&limit=2", "/statetree/api/dead-letters?group=a&group=b",
				"/statetree/api/events?pattern=/shop/**&pattern=/db/**" }) {
			HttpResponse<String> answer = send(client, "GET", get, "writer", null, Map.of());
			assertThat(answer.statusCode()).as(get).isEqualTo(400);
			assertThat(answer.body()).as(get).contains("given at most once");
		}
		assertThat(send(client, "DELETE", "/statetree/api/value?path=/shop&path=/db", "writer", null, csrf)
			.statusCode()).isEqualTo(400);
		HttpResponse<String> relative = send(client, "PUT", "/statetree/api/value?path=shop/c", "writer", "1", csrf);
		assertThat(relative.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(relative.body()).get("message").asString()).contains("shop/c").contains("'/'");
		assertThat(send(client, "GET", "/statetree/api/value?path=shop", "writer", null, Map.of()).statusCode())
			.isEqualTo(400);
		HttpResponse<String> relativePattern = send(client, "GET", "/statetree/api/events?pattern=shop/**", "writer",
				null, Map.of());
		assertThat(relativePattern.statusCode()).isEqualTo(400);
		assertThat(relativePattern.body()).contains("'pattern'");
		assertThat(this.controller.revision()).isEqualTo(before);
		assertThat(this.controller.exists("/a")).isFalse();
		assertThat(this.controller.exists("/shop/c")).isFalse();
		assertThat(this.controller.get("/shop/a")).isEqualTo(2);
	}

	@Test
	void aBodyAbove1MiBIs413AndABigValueIsShownAsAMarker() throws Exception {
		HttpClient client = client();
		Map<String, String> csrf = csrf(client, "writer");
		long before = this.controller.revision();
		HttpResponse<String> huge = send(client, "PUT", "/statetree/api/value?path=/huge", "writer",
				'"' + "h".repeat(2 * 1024 * 1024) + '"', csrf);
		assertThat(huge.statusCode()).isEqualTo(413);
		assertThat(huge.body()).contains("1048576").doesNotContain("hhhh");
		assertThat(this.controller.revision()).isEqualTo(before);
		this.controller.set("/big", "big-http-".repeat(2000));
		HttpResponse<String> value = send(client, "GET", "/statetree/api/value?path=/big", "reader", null, Map.of());
		assertThat(value.statusCode()).isEqualTo(200);
		assertThat(value.body()).doesNotContain("big-http-").hasSizeLessThan(200);
		assertThat(JSON.readTree(value.body()).get("value").get("truncated").asBoolean()).isTrue();
		HttpResponse<String> changes = send(client, "GET", "/statetree/api/changes", "reader", null, Map.of());
		assertThat(changes.statusCode()).isEqualTo(200);
		assertThat(changes.body()).doesNotContain("big-http-").contains("\"truncated\":true");
	}

	@Test
	void theAssetsAreSmallComeFromThisHostOnlyAndForbidOtherOrigins() throws Exception {
		int total = 0;
		for (String asset : new String[] { "/statetree/", "/statetree/console.js", "/statetree/console.css" }) {
			HttpResponse<String> response = send(client(), "GET", asset, "reader", null, Map.of());
			assertThat(response.statusCode()).as(asset).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Security-Policy").orElse(""))
				.contains("default-src 'self'");
			assertThat(response.body()).as(asset).doesNotContain("https://").doesNotContain("src=\"//")
				.doesNotContain("href=\"//");
			assertThat(response.body().replace("http://www.w3.org/2000/svg", "")).as(asset).doesNotContain("http://");
			total += response.body().getBytes(StandardCharsets.UTF_8).length;
		}
		assertThat(total).isLessThan(200 * 1024);
		HttpResponse<String> home = send(client(), "GET", "/statetree", "reader", null, Map.of());
		assertThat(home.statusCode()).isEqualTo(302);
		assertThat(home.headers().firstValue("Location").orElse("")).endsWith("/statetree/");
	}

	private Map<String, String> csrf(HttpClient client, String user) throws Exception {
		HttpResponse<String> session = send(client, "GET", "/statetree/api/session", user, null, Map.of());
		assertThat(session.statusCode()).isEqualTo(200);
		JsonNode csrf = JSON.readTree(session.body()).get("csrf");
		return Map.of(csrf.get("header").asString(), csrf.get("token").asString());
	}

	private static HttpClient client() {
		return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
	}

	private HttpResponse<String> send(HttpClient client, String method, String path, @Nullable String user,
			@Nullable String body, Map<String, String> headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (user != null) {
			request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + ConsoleTestApplication.PASSWORD).getBytes(StandardCharsets.UTF_8)));
		}
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		headers.forEach(request::header);
		return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
