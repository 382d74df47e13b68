package io.statetree.break17;

import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import io.statetree.test.AutoConfigureStateTree;
import io.statetree.test.StateTreeTestEvents;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 17 part 7 tried as a user whose application.yml points at production storage: Redis as
 * the root (not even on this test class path), a filesystem mount at a directory that cannot
 * exist, async dispatch, a derived value. {@code @AutoConfigureStateTree} promises an in-memory
 * tree "whatever statetree.backend and the mounts say", events to await, and every test method
 * starting from the tree the context started with.
 */
@SpringBootTest(classes = Break17TestSupportTest.App.class,
		properties = { "statetree.backend=redis", "statetree.mounts.sessions.path=/sessions",
				"statetree.mounts.sessions.backend=filesystem",
				"statetree.mounts.sessions.filesystem.directory=/proc/no-such-dir/sessions",
				"statetree.listeners.dispatch=async" })
@AutoConfigureStateTree
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Break17TestSupportTest {

	@Autowired
	StateController state;

	@Autowired
	StateTreeTestEvents events;

	@Test
	@Order(1)
	void writesAreHeardAndAwaited() {
		this.state.set("/orders/1", "placed");
		this.state.set("/sessions/s1", "open");
		StateEvent audit = this.events.awaitEvent("/audit/orders/*", Duration.ofSeconds(5));
		assertThat(audit.newValue()).isEqualTo("placed");
		assertThat(this.state.get("/stats/orders")).isEqualTo(1);
		assertThat(this.state.get("/sessions/s1")).isEqualTo("open");
	}

	@Test
	@Order(2)
	void theNextTestStartsFresh() {
		assertThat(this.state.get("/orders")).isNull();
		assertThat(this.state.get("/sessions/s1")).isNull();
		assertThat(this.state.get("/audit")).isNull();
		assertThat(this.state.get("/stats/orders")).isEqualTo(0);
		assertThat(this.events.events()).isEmpty();
	}

	@Test
	@Order(3)
	void aTimedOutAwaitNamesThePatternAndThePathsHeardNeverValues() {
		this.state.set("/orders/9", "secret-value-77");
		this.events.awaitEvent("/orders/9", Duration.ofSeconds(5));
		assertThatThrownBy(() -> this.events.awaitEvent("/never/*", Duration.ofMillis(300)))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("/never/*")
			.hasMessageContaining("/orders/9")
			.message()
			.doesNotContain("secret-value-77");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		Audit audit(StateController state) {
			return new Audit(state);
		}

	}

	static class Audit {

		private final StateController state;

		Audit(StateController state) {
			this.state = state;
		}

		@OnStateChange("/orders/{id}")
		void onOrder(StateEvent event) {
			if (event.newValue() != null) {
				this.state.set("/audit" + event.emittingPath(), event.newValue());
			}
		}

		@Derived(path = "/stats/orders", sources = "/orders")
		int count(java.util.Map<String, Object> orders) {
			return (orders != null) ? orders.size() : 0;
		}

	}

}
