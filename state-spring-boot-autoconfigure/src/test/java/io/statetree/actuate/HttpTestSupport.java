package io.statetree.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the running application over HTTP and checks that no secret ever appears in a response
 * body (every call) or in the log output (after every test).
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class HttpTestSupport {

	/** Values stored under sensitive keys: they must never leave the process. */
	static final List<String> SECRETS = List.of("s3cr3t-pw-987", "k3y-abc-654", "cred-pass-321", "new-secret-000");

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	StateController controller;

	@BeforeEach
	void fillTree() {
		this.controller.set("/app", Map.of("alpha",
				Map.of("name", "Alpha", "internal", Map.of("note", "hidden-note-123")), "beta",
				Map.of("name", "Beta")));
		this.controller.set("/db", Map.of("url", "jdbc:h2:mem:db", "password", "s3cr3t-pw-987", "apiKey",
				"k3y-abc-654", "credentials", Map.of("user", "u", "pass", "cred-pass-321")));
		this.controller.set("/vault", Map.of("code", "vault-code-555"));
	}

	@AfterEach
	void noSecretInLogs(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain(SECRETS);
	}

	Response get(String path, @Nullable String user) {
		return send("GET", path, user, null);
	}

	Response post(String path, @Nullable String user, String json) {
		return send("POST", path, user, json);
	}

	Response delete(String path, @Nullable String user) {
		return send("DELETE", path, user, null);
	}

	Response send(String method, String path, @Nullable String user, @Nullable String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Accept", "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		if (user != null) {
			String credentials = user + ":" + ActuatorTestApplication.PASSWORD;
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.body()).as("%s %s as %s", method, path, user).doesNotContain(SECRETS);
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(method + " " + path + " interrupted", ex);
		}
	}

	record Response(int status, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
