package io.statetree.autoconfigure.console;

import io.statetree.core.StateEvent;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A small application with the console: every auto-configuration (StateTree's default security
 * chains: form login, HTTP Basic, CSRF), in-memory users {@code reader} (read role),
 * {@code writer} (read and write roles) and {@code nobody} (no role), a listener and a derivation.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ConsoleTestApplication {

	static final String PASSWORD = "console-pw";

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(user("nobody"), user("reader", "STATETREE_READ"),
				user("writer", "STATETREE_READ", "STATETREE_WRITE"));
	}

	private static UserDetails user(String name, String... roles) {
		return User.withUsername(name).password("{noop}" + PASSWORD).roles(roles).build();
	}

	@Bean
	ShopBeans shopBeans() {
		return new ShopBeans();
	}

	static class ShopBeans {

		@OnStateChange(value = "/shop/**", id = "shop-audit")
		void audit(StateEvent event) {
		}

		@Derived(path = "/stats/total", sources = { "/shop/a", "/shop/b" })
		int total(@Nullable Integer a, @Nullable Integer b) {
			return ((a != null) ? a : 0) + ((b != null) ? b : 0);
		}

	}

}
