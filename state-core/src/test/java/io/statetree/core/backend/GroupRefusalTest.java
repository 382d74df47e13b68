package io.statetree.core.backend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.SubscribeOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A backend shared between instances that keeps no group progress refuses group subscriptions
 * at subscribe time, naming the backend (DESIGN §13); ordinary listeners are unaffected.
 */
class GroupRefusalTest {

	@Test
	void aSharedBackendWithoutConsumerGroupsRefusesAGroupSubscription() {
		try (StateController c = StateController.builder().backend(new ForwardingBackend(true)).build()) {
			assertThatThrownBy(() -> c.subscribe("/orders/{id}", (event) -> {
			}, SubscribeOptions.group("billing"))).isInstanceOf(UnsupportedOperationException.class)
				.hasMessageContaining("billing")
				.hasMessageContaining("shared")
				.hasMessageContaining(String.valueOf(c.backend().describe()));
			assertThat(c.groups()).isEmpty();
			assertThat(c.deadLetters("billing")).isEmpty();
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/orders/{id}", heard::add, SubscribeOptions.defaults());
			c.set(StatePath.of("/orders/1"), 1);
			assertThat(heard).hasSize(1);
		}
	}

	@Test
	void aCacheOverASharedBackendWithoutConsumerGroupsRefusesToo() {
		CachingBackend cache = new CachingBackend(new ForwardingBackend(true), CachePolicy.defaults());
		assertThat(cache.consumerGroups()).isNull();
		try (StateController c = StateController.builder().backend(cache).build()) {
			assertThatThrownBy(() -> c.subscribe("/orders/{id}", (event) -> {
			}, SubscribeOptions.group("billing"))).isInstanceOf(UnsupportedOperationException.class)
				.hasMessageContaining("billing");
		}
	}

	@Test
	void aWriteThroughCachePassesItsDelegatesGroupProgressThrough() {
		ConsumerGroups progress = new LocalConsumerGroups();
		StateBackend delegate = new ForwardingBackend(false) {

			@Override
			public ConsumerGroups consumerGroups() {
				return progress;
			}

		};
		assertThat(new CachingBackend(delegate, CachePolicy.defaults()).consumerGroups()).isSameAs(progress);
	}

}
