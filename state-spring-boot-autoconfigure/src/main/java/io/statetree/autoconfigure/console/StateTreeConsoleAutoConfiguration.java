package io.statetree.autoconfigure.console;

import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeConsole;
import io.statetree.autoconfigure.endpoint.StateTreeEndpointAutoConfiguration;
import io.statetree.core.StateController;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of the StateTree console (DESIGN §17) in a servlet web application, when
 * {@code statetree.console.enabled} is true: the page and its JSON API at
 * {@code statetree.console.path} (default {@code /statetree}), under the {@link StateTreeAccess}
 * policy of the actuator endpoints (same roles, path rules and masking), whether or not the
 * endpoints are exposed.
 * <p>
 * The console needs Spring Security: enabled without it, the application fails to start with a
 * failure analysis (the endpoints' rule without Spring Security, answering every caller Boot's
 * exposure lets through, would hand the tree and its editing to anyone). With Spring Security
 * the application's filter chain authenticates (StateTree's default chain: form login for the
 * page, HTTP Basic, CSRF protection on writes), and the console checks the roles itself.
 */
@AutoConfiguration(after = StateTreeEndpointAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Endpoint.class, StateController.class, DispatcherServlet.class })
@EnableConfigurationProperties(StateTreeConsoleProperties.class)
public final class StateTreeConsoleAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("statetree.console.enabled")
	@ConditionalOnBean({ StateController.class, StateTreeAccess.class })
	static final class ConsoleConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StateTreeConsole stateTreeConsole(StateController stateController, StateTreeAccess stateTreeAccess,
				ObjectProvider<JsonMapper> jsonMapper) {
			if (stateTreeAccess.isUnguarded()) {
				throw new ConsoleWithoutSecurityException();
			}
			return new StateTreeConsole(stateController, stateTreeAccess,
					jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
		}

		@Bean
		@ConditionalOnMissingBean
		StateTreeConsoleController stateTreeConsoleController(StateTreeConsole stateTreeConsole,
				StateTreeConsoleProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
			checkPath(properties.getPath());
			return new StateTreeConsoleController(stateTreeConsole,
					jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
		}

		private static void checkPath(String path) {
			String reason = null;
			if (path == null || !path.startsWith("/") || path.length() < 2) {
				reason = "The console's path must start with '/' and name a path below the root";
			}
			else if (path.endsWith("/")) {
				reason = "The console's path must not end with '/'";
			}
			else if (path.contains("*") || path.contains("{") || path.contains("}") || path.contains("?")
					|| path.contains("#") || path.contains("//") || path.chars().anyMatch(Character::isWhitespace)) {
				reason = "The console's path must be a plain path (no '*', '{', '}', '?', '#', '//' or spaces)";
			}
			if (reason != null) {
				throw new InvalidConfigurationPropertyValueException("statetree.console.path", path, reason);
			}
		}

	}

}
