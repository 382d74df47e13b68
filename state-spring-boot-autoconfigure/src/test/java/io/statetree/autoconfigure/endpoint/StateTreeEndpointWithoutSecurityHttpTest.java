package io.statetree.autoconfigure.endpoint;

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
 * A real server on a random port, Spring Security filtered out of the class path (DESIGN §9): the
 * exposed StateTree endpoint answers an anonymous GET with 200, keys visible and values masked;
 * a write answers as Boot's access rules say (read-only by default); a WARN was logged at start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateTreeEndpointWithoutSecurityHttpTest {

	@Test
	void anonymousReadsAnswer200WithValuesMaskedAndTheStartUpWarns(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			context.getBean(StateController.class).set("/app/alpha", Map.of("name", "Alpha-visible-123"));
			HttpResponse<String> tree = get(context, "/actuator/statetree");
			assertThat(tree.statusCode()).isEqualTo(200);
			assertThat(tree.body()).contains("app");
			HttpResponse<String> value = get(context, "/actuator/statetree/app");
			assertThat(value.statusCode()).isEqualTo(200);
			assertThat(value.body()).contains("alpha").contains("name").contains("******")
				.doesNotContain("Alpha-visible-123");
			HttpResponse<String> write = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(uri(context, "/actuator/statetree/app/alpha"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"value\":1}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(write.statusCode()).as("writing needs access unrestricted").isIn(404, 405);
			assertThat(context.getBean(StateController.class).get("/app/alpha/name")).isEqualTo("Alpha-visible-123");
		}
		assertThat(output).contains("WARN")
			.contains("Spring Security is not on the classpath: the StateTree actuator endpoints");
	}

	private static ConfigurableApplicationContext start() {
		ClassLoader withoutSecurity = new FilteredClassLoader("org.springframework.security");
		return new SpringApplicationBuilder(App.class).resourceLoader(new DefaultResourceLoader(withoutSecurity))
			.properties("server.port=0", "management.endpoints.web.exposure.include=statetree",
					"management.health.redis.enabled=false", "spring.jmx.enabled=false")
			.run();
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri(context, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
