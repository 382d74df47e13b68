package io.statetree.autoconfigure.endpoint;

import java.util.Map;

import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeEndpointWebExtension;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The StateTree endpoints without Spring Security on the classpath (DESIGN §9): an unauthenticated
 * web caller is let in (exposure and access decide), values are masked unless {@code show-values}
 * is set, and a WARN says so at start-up; with Spring Security nothing changes.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateTreeEndpointWithoutSecurityTest {

	private static final String WARNING = "Spring Security is not on the classpath: the StateTree actuator endpoints";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				EndpointAutoConfiguration.class, StateTreeEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=statetree");

	private final ApplicationContextRunner withoutSecurity = this.runner
		.withClassLoader(new FilteredClassLoader("org.springframework.security"));

	@Test
	void withoutSecurityAnAnonymousCallerReadsKeysWithValuesMasked(CapturedOutput output) {
		this.withoutSecurity.run((context) -> {
			assertThat(context.getBean(StateTreeAccess.class).isUnguarded()).isTrue();
			context.getBean(StateController.class).set("/app/alpha", Map.of("name", "Alpha-visible-123"));
			WebEndpointResponse<Object> response = context.getBean(StateTreeEndpointWebExtension.class)
				.read(SecurityContext.NONE, new String[] { "app" }, null, null);
			assertThat(response.getStatus()).isEqualTo(200);
			String body = JsonMapper.builder().build().writeValueAsString(response.getBody());
			assertThat(body).contains("alpha").contains("******").doesNotContain("Alpha-visible-123");
		});
		assertThat(output).contains(WARNING).contains("values are masked (statetree.security.show-values=never)");
	}

	@Test
	void withoutSecurityAnExplicitShowValuesIsKept(CapturedOutput output) {
		this.withoutSecurity.withPropertyValues("statetree.security.show-values=always").run((context) -> {
			context.getBean(StateController.class).set("/app/alpha", Map.of("name", "Alpha-visible-123"));
			WebEndpointResponse<Object> response = context.getBean(StateTreeEndpointWebExtension.class)
				.read(SecurityContext.NONE, new String[] { "app" }, null, null);
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(JsonMapper.builder().build().writeValueAsString(response.getBody()))
				.contains("Alpha-visible-123");
		});
		assertThat(output).contains(WARNING).contains("values are SHOWN (statetree.security.show-values=always)");
	}

	@Test
	void withoutSecuritySensitiveKeysAndWritesStillFollowTheRules() {
		this.withoutSecurity.withPropertyValues("statetree.security.show-values=always").run((context) -> {
			context.getBean(StateController.class).set("/app/db", Map.of("password", "pw-not-shown-42"));
			WebEndpointResponse<Object> response = context.getBean(StateTreeEndpointWebExtension.class)
				.read(SecurityContext.NONE, new String[] { "app", "db" }, null, null);
			assertThat(JsonMapper.builder().build().writeValueAsString(response.getBody()))
				.doesNotContain("pw-not-shown-42");
		});
	}

	@Test
	void withSecurityAnAnonymousCallerIsStillRefused(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context.getBean(StateTreeAccess.class).isUnguarded()).isFalse();
			WebEndpointResponse<Object> response = context.getBean(StateTreeEndpointWebExtension.class)
				.read(SecurityContext.NONE, new String[] { "app" }, null, null);
			assertThat(response.getStatus()).isEqualTo(401);
		});
		assertThat(output).doesNotContain(WARNING);
	}

}
