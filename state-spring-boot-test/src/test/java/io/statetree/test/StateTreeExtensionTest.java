package io.statetree.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.statetree.core.StateController;
import io.statetree.core.backend.InMemoryBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StateTreeExtension}: each test gets its own empty in-memory controller, the same one in
 * its {@code @BeforeEach}, and recorded events to await.
 */
@ExtendWith(StateTreeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateTreeExtensionTest {

	private StateController fromBeforeEach;

	@BeforeEach
	void seed(StateController state) {
		this.fromBeforeEach = state;
		state.set("/seed", "from-before-each");
	}

	@Test
	@Order(1)
	void theTestSeesTheControllerOfItsBeforeEach(StateController state, StateTreeTestEvents events) {
		assertThat(state).isSameAs(this.fromBeforeEach);
		assertThat(state.backend()).isInstanceOf(InMemoryBackend.class);
		assertThat(events.events("/seed")).hasSize(1);
		state.set("/leftover", 1);
	}

	@Test
	@Order(2)
	void eachTestStartsFromAFreshTree(StateController state, StateTreeTestEvents events) {
		assertThat(state.get("/leftover")).isNull();
		assertThat(state.get("/seed")).isEqualTo("from-before-each");
		assertThat(events.events()).extracting((event) -> event.path().toString()).containsExactly("/seed");
	}

	@Test
	@Order(3)
	void awaitsAnEventWrittenOnAnotherThread(StateController state, StateTreeTestEvents events) {
		events.clear();
		CompletableFuture.runAsync(() -> state.set("/users/7/name", "Ada"));
		assertThat(events.awaitEvent("/users/*/name", Duration.ofSeconds(5)).newValue()).isEqualTo("Ada");
		assertThat(events.events("/users/**")).hasSize(1);
	}

	@Test
	@Order(4)
	void anEventThatNeverComesFailsNamingThePatternNotValues(StateController state, StateTreeTestEvents events) {
		state.set("/other", "value-not-in-message-55");
		assertThatThrownBy(() -> events.awaitEvent("/never/*", Duration.ofMillis(50)))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("/never/*")
			.hasMessageContaining("/other")
			.hasMessageNotContaining("value-not-in-message-55");
	}

	@Test
	@Order(5)
	void anEventAlreadyRecordedIsReturnedAtOnce(StateController state, StateTreeTestEvents events) {
		state.set("/done", true);
		assertThat(events.awaitEvent("/done", Duration.ZERO).newValue()).isEqualTo(true);
		assertThatThrownBy(() -> events.awaitEvent("/done", Duration.ofSeconds(-1)))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
