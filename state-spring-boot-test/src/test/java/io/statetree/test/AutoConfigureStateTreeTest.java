package io.statetree.test;

import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.spring.OnStateChange;
import io.statetree.core.StateEvent;
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

/**
 * {@link AutoConfigureStateTree} in a Spring Boot test: the tree is in memory although the
 * application configures files in a directory that cannot exist, the application's listeners
 * work and their events can be awaited, and every test method starts from the tree the context
 * started with (what the application wrote at start-up included) and no recorded events.
 */
@SpringBootTest(classes = AutoConfigureStateTreeTest.App.class,
		properties = { "statetree.backend=filesystem", "statetree.filesystem.directory=/proc/no-such-dir/state" })
@AutoConfigureStateTree
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoConfigureStateTreeTest {

	@Autowired
	StateController state;

	@Autowired
	StateTreeTestEvents events;

	@Test
	@Order(1)
	void theTreeIsInMemoryAndListenersWork() {
		assertThat(this.state.backend()).isInstanceOf(InMemoryBackend.class);
		assertThat(this.state.get("/config/mode")).isEqualTo("started");
		this.state.set("/orders/1", "placed");
		assertThat(this.events.awaitEvent("/audit/orders/*", Duration.ofSeconds(5)).newValue()).isEqualTo("placed");
		this.state.set("/config/mode", "changed-by-test");
	}

	@Test
	@Order(2)
	void theNextTestStartsFromTheTreeTheContextStartedWith() {
		assertThat(this.state.get("/orders/1")).isNull();
		assertThat(this.state.get("/audit")).isNull();
		assertThat(this.state.get("/config/mode")).isEqualTo("started");
		assertThat(this.events.events()).isEmpty();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		Audit audit(StateController state) {
			state.set("/config/mode", "started");
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
				this.state.set("/audit/orders/" + event.pathVariables().get("id"), event.newValue());
			}
		}

	}

}
