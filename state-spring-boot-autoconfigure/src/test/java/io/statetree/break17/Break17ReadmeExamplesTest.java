package io.statetree.break17;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.TypeRef;
import io.statetree.spring.OldValue;
import io.statetree.spring.OnStateChange;
import io.statetree.spring.PathVar;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.stereotype.Service;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Add the starter" and "Listeners and path variables" examples copied verbatim
 * (the {@code ...} bodies filled in) and run as the README says they behave.
 */
class Break17ReadmeExamplesTest {

	record User(String name, String role) {
	}

	// ---- verbatim from README "Add the starter" ----
	@Service
	static
	class Greeter {
		private final StateController state;

		Greeter(StateController state) {
			this.state = state;
		}

		void rename(String id, String name) {
			state.set("/users/" + id + "/name", name);             // true when the value changed
		}

		User user(String id) {
			return state.get("/users/" + id, User.class);           // typed read with your JsonMapper
		}

		Map<String, User> users() {
			return state.get("/users", new TypeRef<Map<String, User>>() {});
		}
	}
	// ---- end verbatim ----

	static class SessionRevoker {

		final List<String> heard = new CopyOnWriteArrayList<>();

		@OnStateChange("/users/{id}/role")
		void roleChanged(@PathVar("id") String id, @OldValue String before, String after) {
			this.heard.add(id + ":" + before + "->" + after);
		}

	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class))
		.withBean(Greeter.class)
		.withBean(SessionRevoker.class);

	@Test
	void theGreeterAndTheSessionRevokerBehaveAsTheReadmeSays() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Greeter greeter = context.getBean(Greeter.class);
			state.set("/users/alice", Map.of("name", "Alice", "role", "member"));
			greeter.rename("alice", "Alicia");
			assertThat(greeter.user("alice")).isEqualTo(new User("Alicia", "member"));
			assertThat(greeter.users()).containsExactly(Map.entry("alice", new User("Alicia", "member")));
			state.set("/users/alice/role", "admin");
			// "also hears a whole user being replaced or deleted"
			state.delete("/users/alice");
			assertThat(context.getBean(SessionRevoker.class).heard).containsExactly("alice:null->member",
					"alice:member->admin", "alice:admin->null");
		});
	}

}
