package io.statetree.break17;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 part 4 tried as a user: a real server, Spring Security not on the class path, the
 * README's "Without Spring Security" section taken at its word.
 */
@ExtendWith(OutputCaptureExtension.class)
class Break17ActuatorWithoutSecurityTest {

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

	private static ConfigurableApplicationContext start(String... properties) {
		ClassLoader withoutSecurity = new FilteredClassLoader("org.springframework.security");
		return new SpringApplicationBuilder(App.class).resourceLoader(new DefaultResourceLoader(withoutSecurity))
			.properties("server.port=0", "management.health.redis.enabled=false", "spring.jmx.enabled=false")
			.properties(properties)
			.run();
	}

	/** With access unrestricted the README says writes work for every caller Boot lets through. */
	@Test
	void unrestrictedAccessLetsAnAnonymousCallerWriteAndDelete() throws Exception {
		try (ConfigurableApplicationContext context = start(
				"management.endpoints.web.exposure.include=statetree,statetreechanges",
				"management.endpoint.statetree.access=unrestricted")) {
			StateController state = context.getBean(StateController.class);
			HttpResponse<String> write = send(context, "POST", "/actuator/statetree/flags/beta",
					"{\"value\":\"\\\"on\\\"\"}");
			assertThat(write.statusCode()).as("POST body %s", write.body()).isEqualTo(200);
			assertThat(state.get("/flags/beta")).isEqualTo("on");
			HttpResponse<String> delete = send(context, "DELETE", "/actuator/statetree/flags/beta", null);
			assertThat(delete.statusCode()).as("DELETE body %s", delete.body()).isEqualTo(200);
			assertThat(state.get("/flags/beta")).isNull();
		}
	}

	/** The changes endpoint masks old and new values by default (show-values defaults to never). */
	@Test
	void theChangesEndpointMasksValuesByDefault() throws Exception {
		try (ConfigurableApplicationContext context = start(
				"management.endpoints.web.exposure.include=statetree,statetreechanges")) {
			StateController state = context.getBean(StateController.class);
			state.set("/app/name", "Visible-Name-42");
			state.set("/app/name", "Other-Name-43");
			HttpResponse<String> changes = send(context, "GET", "/actuator/statetreechanges", null);
			assertThat(changes.statusCode()).isEqualTo(200);
			assertThat(changes.body()).contains("/app/name")
				.contains("******")
				.doesNotContain("Visible-Name-42")
				.doesNotContain("Other-Name-43");
			HttpResponse<String> snapshot = send(context, "GET", "/actuator/statetree/app?snapshot", null);
			assertThat(snapshot.body()).doesNotContain("Other-Name-43");
		}
	}

	/** show-values=always is honoured, sensitive keys stay masked, a rule naming authorities keeps callers out. */
	@Test
	void alwaysShowsValuesButNotSensitiveKeysNorRuleGuardedPaths(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoints.web.exposure.include=statetree",
				"management.endpoint.statetree.access=unrestricted", "statetree.security.show-values=always",
				"statetree.security.rules[0].pattern=/vault", "statetree.security.rules[0].read=ROLE_VAULT")) {
			StateController state = context.getBean(StateController.class);
			state.set("/app", Map.of("name", "Shown-Name-7", "apiToken", "tok-hidden-9"));
			state.set("/vault/code", "vault-hidden-3");
			HttpResponse<String> app = send(context, "GET", "/actuator/statetree/app", null);
			assertThat(app.body()).contains("Shown-Name-7").doesNotContain("tok-hidden-9");
			HttpResponse<String> vault = send(context, "GET", "/actuator/statetree/vault/code", null);
			assertThat(vault.statusCode()).isIn(403, 404);
			assertThat(vault.body()).doesNotContain("vault-hidden-3");
			HttpResponse<String> overwrite = send(context, "POST", "/actuator/statetree/vault/code",
					"{\"value\":\"1\"}");
			assertThat(overwrite.statusCode()).isEqualTo(403);
			assertThat(state.get("/vault/code")).isEqualTo("vault-hidden-3");
			HttpResponse<String> root = send(context, "GET", "/actuator/statetree", null);
			assertThat(root.body()).doesNotContain("vault-hidden-3");
		}
		assertThat(output).contains("WARN").contains("answer every caller");
	}

	/** Nothing exposed: no WARN (README). */
	@Test
	void nothingExposedNoWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start("management.endpoints.web.exposure.include=health")) {
			assertThat(context.getBean(StateController.class)).isNotNull();
		}
		assertThat(output).doesNotContain("answer every caller");
	}

	/** README: {@code when-authorized} shows nothing without Spring Security, as no caller is authorized. */
	@Test
	void whenAuthorizedShowsNothing() throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoints.web.exposure.include=statetree",
				"statetree.security.show-values=when-authorized")) {
			context.getBean(StateController.class).set("/app/name", "Hidden-Name-5");
			HttpResponse<String> app = send(context, "GET", "/actuator/statetree/app", null);
			assertThat(app.statusCode()).isEqualTo(200);
			assertThat(app.body()).contains("name").contains("******").doesNotContain("Hidden-Name-5");
		}
	}

	/** README: the console enabled without Spring Security fails start-up with a failure analysis. */
	@Test
	void theConsoleWithoutSecurityFailsStartUpWithAnAnalysis(CapturedOutput output) {
		Throwable failure = org.assertj.core.api.Assertions
			.catchThrowable(() -> start("statetree.console.enabled=true").close());
		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START").contains("statetree.console.enabled");
	}

	private static HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path,
			String body) throws Exception {
		URI uri = URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json");
		request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody());
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
