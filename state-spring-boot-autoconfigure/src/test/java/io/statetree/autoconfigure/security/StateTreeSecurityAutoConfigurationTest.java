package io.statetree.autoconfigure.security;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.endpoint.StateTreeEndpointAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default security for the StateTree endpoints applies while the application declares no
 * {@link SecurityFilterChain}, and backs off completely as soon as it declares one.
 */
class StateTreeSecurityAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
				StateTreeEndpointAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, StateTreeSecurityAutoConfiguration.class,
				WebMvcAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=statetree");

	@Test
	void defaultChainsGuardTheEndpointsWhenTheApplicationHasNone() {
		this.runner.run((context) -> assertThat(context).hasBean("stateTreeSecurityFilterChain"));
	}

	@Test
	void backsOffWhenTheApplicationDeclaresItsOwnChain() {
		this.runner.withUserConfiguration(OwnChain.class).run((context) -> {
			assertThat(context).doesNotHaveBean("stateTreeSecurityFilterChain");
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("ownChain");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnChain {

		@Bean
		SecurityFilterChain ownChain(HttpSecurity http) throws Exception {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
			return http.build();
		}

	}

}
