package io.statetree.autoconfigure.security;

import io.statetree.actuate.StateTreeChangesEndpoint;
import io.statetree.actuate.StateTreeEndpoint;
import io.statetree.actuate.StateTreeGroupsEndpoint;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.ClassUtils;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Default web security for the StateTree endpoints, used only while the application declares no
 * {@link SecurityFilterChain} of its own (then it backs off completely, as Spring Boot's does, and
 * the application's chain decides; the endpoints still check roles and path rules themselves).
 * <p>
 * Declaring a chain makes Spring Boot's default actuator chain back off, so this configuration
 * declares two:
 * <ul>
 * <li>one for the {@code statetree}, {@code statetreechanges} and {@code statetreegroups} endpoints: every request must
 * be authenticated with HTTP Basic, no session is created, and no CSRF token is asked for (the
 * write operations only accept JSON bodies, which a cross-site form cannot send, and DELETE
 * cannot be sent cross-site without CORS consent);</li>
 * <li>one for everything else, the same as Spring Boot's default: health open, every other
 * request authenticated, form login and HTTP Basic.</li>
 * </ul>
 */
@AutoConfiguration(after = { StateTreeAutoConfiguration.class, WebEndpointAutoConfiguration.class },
		before = { ManagementWebSecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class },
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
// StateTreeEndpoint is in this jar: naming it here would only make the class condition (which
// checks the names in alphabetical order, io.statetree first) load it in every application
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, EndpointRequest.class,
		WebEndpointAutoConfiguration.class })
@ConditionalOnDefaultWebSecurity
public final class StateTreeSecurityAutoConfiguration {

	@Bean
	@Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 10)
	SecurityFilterChain stateTreeSecurityFilterChain(HttpSecurity http) throws Exception {
		http.securityMatcher(stateTreeEndpoints());
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
		http.httpBasic(withDefaults());
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		http.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(SecurityFilterProperties.BASIC_AUTH_ORDER)
	SecurityFilterChain stateTreeDefaultSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> {
			if (ClassUtils.isPresent("org.springframework.boot.health.actuate.endpoint.HealthEndpoint",
					getClass().getClassLoader())) {
				requests.requestMatchers(HealthMatchers.health()).permitAll();
			}
			requests.anyRequest().authenticated();
		});
		if (ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", getClass().getClassLoader())) {
			http.cors(withDefaults());
		}
		http.formLogin(withDefaults());
		http.httpBasic(withDefaults());
		return http.build();
	}

	private static RequestMatcher stateTreeEndpoints() {
		return EndpointRequest.to(StateTreeEndpoint.class, StateTreeChangesEndpoint.class, StateTreeGroupsEndpoint.class);
	}

	/**
	 * Touches the health module only when it is present.
	 */
	private static final class HealthMatchers {

		static RequestMatcher[] health() {
			return new RequestMatcher[] { EndpointRequest.to(HealthEndpoint.class),
					EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, HealthEndpoint.class) };
		}

	}

}
