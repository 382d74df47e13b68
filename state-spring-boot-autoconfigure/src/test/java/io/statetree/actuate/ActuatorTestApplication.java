package io.statetree.actuate;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateEvent;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A small application for the HTTP tests: every auto-configuration, users with different roles,
 * a listener, a failing listener and a derivation.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ActuatorTestApplication {

	static final String PASSWORD = "pw";

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(user("nobody"), user("reader", "STATETREE_READ"),
				user("viewer", "STATETREE_READ", "VIEW"), user("writer", "STATETREE_READ", "STATETREE_WRITE"),
				user("admin", "STATETREE_READ", "STATETREE_WRITE", "VIEW", "ADMIN"),
				user("alice", "STATETREE_READ", "STATETREE_WRITE"));
	}

	private static org.springframework.security.core.userdetails.UserDetails user(String name, String... roles) {
		return User.withUsername(name).password("{noop}" + PASSWORD).roles(roles).build();
	}

	@Bean
	AppListeners appListeners() {
		return new AppListeners();
	}

	static class AppListeners {

		final AtomicInteger heard = new AtomicInteger();

		@OnStateChange(value = "/app/**", id = "app-audit")
		void onApp(StateEvent event) {
			this.heard.incrementAndGet();
		}

		@OnStateChange(value = "/fail/**", id = "failing")
		void onFail(StateEvent event) {
			throw new IllegalStateException("listener failed on purpose at " + event.path());
		}

		@Derived(path = "/stats/apps", sources = "/app")
		int countApps(@Nullable Map<String, Object> app) {
			return (app != null) ? app.size() : 0;
		}

	}

}
