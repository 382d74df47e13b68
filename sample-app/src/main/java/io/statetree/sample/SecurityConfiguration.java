package io.statetree.sample;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Security of the sample: the StateTree console ({@code /statetree/}) needs a form login, with a
 * session and CSRF protection on its writes; the actuator needs HTTP basic authentication (except
 * the health summary), and the accounts come from {@code sample.security.users}. Which account may read or
 * write the state is decided by the StateTree endpoints from the roles {@code STATETREE_READ} and
 * {@code STATETREE_WRITE}. The sample's own {@code /api} is open, to keep the tour short.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/**
	 * The console and the login page: signed in through a form, with a session, CSRF checked on
	 * the console's writes (the page sends the token it reads from its session).
	 */
	@Bean
	@Order(1)
	SecurityFilterChain consoleSecurityFilterChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/statetree", "/statetree/**", "/login", "/logout", "/default-ui.css");
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/login", "/default-ui.css")
			.permitAll()
			.anyRequest()
			.authenticated());
		http.formLogin((form) -> form.defaultSuccessUrl("/statetree/"));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.requestMatchers("/actuator/**")
			.authenticated()
			.anyRequest()
			.permitAll());
		http.httpBasic(Customizer.withDefaults());
		// Stateless basic authentication: no session cookie, hence no CSRF token to check.
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		http.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager userDetailsService(SampleSecurityProperties properties) {
		if (properties.getUsers().isEmpty()) {
			throw new IllegalStateException("sample.security.users defines no account; define at least one");
		}
		List<UserDetails> users = new ArrayList<>();
		properties.getUsers().forEach((name, account) -> {
			if (account.getPassword().isBlank()) {
				throw new IllegalStateException("sample.security.users." + name + ".password must not be blank");
			}
			users.add(User.withUsername(name)
				.password(account.getPassword())
				.roles(account.getRoles().toArray(String[]::new))
				.build());
		});
		return new InMemoryUserDetailsManager(users);
	}

}
