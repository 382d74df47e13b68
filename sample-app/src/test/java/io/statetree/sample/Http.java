package io.statetree.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client for the tests, talking to the sample on its port.
 */
final class Http {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final String base;

	private final JsonMapper json;

	private final @Nullable String authorization;

	Http(int port, JsonMapper json) {
		this("http://localhost:" + port, json, null);
	}

	private Http(String base, JsonMapper json, @Nullable String authorization) {
		this.base = base;
		this.json = json;
		this.authorization = authorization;
	}

	/**
	 * Returns a client that authenticates with HTTP basic.
	 */
	Http as(String user, String password) {
		String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		return new Http(this.base, this.json, "Basic " + token);
	}

	Response get(String path) {
		return send("GET", path, null);
	}

	Response put(String path, String body) {
		return send("PUT", path, body);
	}

	Response post(String path, @Nullable String body) {
		return send("POST", path, body);
	}

	Response patch(String path, String body) {
		return send("PATCH", path, body);
	}

	Response delete(String path) {
		return send("DELETE", path, null);
	}

	Response send(String method, String path, @Nullable String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), this.json);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(method + " " + path + " interrupted", ex);
		}
	}

	/**
	 * A status and a body.
	 */
	record Response(int status, String body, JsonMapper mapper) {

		JsonNode json() {
			return this.mapper.readTree(this.body);
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
