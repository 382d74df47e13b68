package io.statetree.autoconfigure.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.statetree.actuate.PathRule;
import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeEndpoint;
import io.statetree.actuate.StateTreeEndpointWebExtension;
import io.statetree.actuate.StateTreeRequestBodyErrors;
import io.statetree.actuate.StateTreeSanitizer;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.security.StateTreeSecurityProperties;
import io.statetree.core.InvalidPathException;
import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of the {@link StateTreeEndpoint statetree} actuator endpoint and its
 * {@link StateTreeEndpointWebExtension web extension}, when the endpoint is available (enabled
 * and exposed), with the {@link StateTreeAccess} policy, built from the
 * {@code statetree.security.*} properties, that both StateTree endpoints enforce (see also
 * {@link StateTreeChangesEndpointAutoConfiguration}).
 */
@AutoConfiguration(after = StateTreeAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, StateController.class })
@EnableConfigurationProperties(StateTreeSecurityProperties.class)
public final class StateTreeEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StateTreeAccess stateTreeAccess(StateTreeSecurityProperties properties, ResourceLoader resourceLoader) {
		StateTreeSanitizer sanitizer;
		try {
			new StateTreeSanitizer(properties.getSensitiveKeys());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("statetree.security.sensitive-keys",
					properties.getSensitiveKeys(), ex.getMessage());
		}
		try {
			new StateTreeSanitizer(properties.getAdditionalSensitiveKeys());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("statetree.security.additional-sensitive-keys",
					properties.getAdditionalSensitiveKeys(), ex.getMessage());
		}
		List<String> sensitiveKeys = new ArrayList<>(properties.getSensitiveKeys());
		sensitiveKeys.addAll(properties.getAdditionalSensitiveKeys());
		sanitizer = new StateTreeSanitizer(sensitiveKeys);
		List<PathRule> rules = new ArrayList<>();
		for (int i = 0; i < properties.getRules().size(); i++) {
			StateTreeSecurityProperties.Rule rule = properties.getRules().get(i);
			String name = "statetree.security.rules[" + i + "].pattern";
			if (rule.getPattern() == null || rule.getPattern().isBlank()) {
				throw new InvalidConfigurationPropertyValueException(name, rule.getPattern(),
						"A path rule needs a pattern");
			}
			PathPattern pattern;
			try {
				pattern = PathPattern.compile(rule.getPattern());
			}
			catch (InvalidPathException ex) {
				throw new InvalidConfigurationPropertyValueException(name, rule.getPattern(), ex.getMessage());
			}
			Set<String> read = authorities("statetree.security.rules[" + i + "].read", rule.getRead());
			Set<String> write = authorities("statetree.security.rules[" + i + "].write", rule.getWrite());
			if (read.isEmpty() && write.isEmpty()) {
				// A misspelt key (reed:) binds nothing: the rule would silently protect nothing.
				throw new InvalidConfigurationPropertyValueException(name, rule.getPattern(),
						"A path rule needs read or write authorities; without either it restricts nothing");
			}
			rules.add(new PathRule(pattern, read, write));
		}
		boolean security = EndpointGuard.securityPresent(resourceLoader.getClassLoader());
		Show showValues = EndpointGuard.showValues(properties.getShowValues(), security);
		return EndpointGuard.apply(new StateTreeAccess(properties.getReadRole(), properties.getWriteRole(), showValues,
				properties.getShowValuesRoles(), sanitizer, rules), security);
	}

	/** The start-up WARN naming the exposed StateTree endpoints when they are unguarded (no Spring Security). */
	@Bean
	@ConditionalOnMissingBean
	static UnguardedEndpointsWarning stateTreeUnguardedEndpointsWarning(ListableBeanFactory beanFactory,
			ObjectProvider<StateTreeSecurityProperties> properties) {
		return new UnguardedEndpointsWarning(beanFactory,
				() -> EndpointGuard.showValues(properties.getObject().getShowValues(), false));
	}

	private static Set<String> authorities(String name, List<String> authorities) {
		for (String authority : authorities) {
			if (authority == null || authority.isBlank()) {
				throw new InvalidConfigurationPropertyValueException(name, authorities,
						"An authority must not be blank");
			}
		}
		return Set.copyOf(authorities);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(StateController.class)
	@ConditionalOnAvailableEndpoint
	StateTreeEndpoint stateTreeEndpoint(StateController stateController, StateTreeAccess stateTreeAccess,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new StateTreeEndpoint(stateController, stateTreeAccess,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	/**
	 * The HTTP side of the endpoint: it checks the caller's roles and path rules. Created whenever
	 * the endpoint is, whatever its exposure, so that the web never serves the endpoint without
	 * those checks.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(StateTreeEndpoint.class)
	StateTreeEndpointWebExtension stateTreeEndpointWebExtension(StateTreeEndpoint stateTreeEndpoint) {
		return new StateTreeEndpointWebExtension(stateTreeEndpoint);
	}

	/**
	 * Keeps the body of a malformed write request out of the log (see
	 * {@link StateTreeRequestBodyErrors}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = { "org.springframework.web.servlet.DispatcherServlet",
			"org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints" })
	static final class RequestBodyErrorsConfiguration {

		@Bean
		StateTreeRequestBodyErrors stateTreeRequestBodyErrors(ObjectProvider<PathMappedEndpoints> endpoints) {
			return new StateTreeRequestBodyErrors(() -> {
				PathMappedEndpoints mapped = endpoints.getIfAvailable();
				List<String> paths = new ArrayList<>();
				if (mapped != null) {
					for (String id : List.of("statetree", "statetreechanges")) {
						String path = mapped.getPath(EndpointId.of(id));
						if (path != null) {
							paths.add(path);
						}
					}
				}
				return paths;
			});
		}

	}

}
