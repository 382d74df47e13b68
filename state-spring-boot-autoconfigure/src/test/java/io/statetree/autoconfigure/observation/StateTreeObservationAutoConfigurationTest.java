package io.statetree.autoconfigure.observation;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With an {@link ObservationRegistry}, commits, listener calls and derivation calls are observed
 * under {@code statetree.*} names with low-cardinality tags; listener observations wrap the call.
 */
class StateTreeObservationAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				StateTreeObservationAutoConfiguration.class))
		.withPropertyValues("statetree.instance-id=one");

	@Test
	void observesCommitsListenersAndDerivationsWithTheirTags() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.runner.withBean(ObservationRegistry.class, () -> registry)
			.withBean("listeners", Listeners.class, () -> new Listeners(registry))
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				controller.set("/users/ann", Map.of("admin", true));
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> listeners.current.get() != null);
				assertThat(listeners.current.get().getContext().getName()).as("observation open in the listener")
					.isEqualTo("statetree.listener");
				assertThat(registry).hasObservationWithNameEqualTo("statetree.listener")
					.that()
					.hasLowCardinalityKeyValue("statetree.listener", "listeners#userChanged")
					.hasLowCardinalityKeyValue("statetree.backend", "memory")
					.hasBeenStarted()
					.hasBeenStopped();
				assertThat(registry).hasObservationWithNameEqualTo("statetree.derivation")
					.that()
					.hasLowCardinalityKeyValue("statetree.destination", "/stats/users")
					.hasBeenStopped();
				assertThat(registry).hasObservationWithNameEqualTo("statetree.commit")
					.that()
					.hasLowCardinalityKeyValue("statetree.origin", "local")
					.hasBeenStopped();
				assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
			});
	}

	@Test
	void aFailingListenersObservationCarriesTheError() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.runner.withBean(ObservationRegistry.class, () -> registry)
			.withBean("failing", Failing.class, Failing::new)
			.run((context) -> {
				context.getBean(StateController.class).set("/fail", 1);
				assertThat(registry).hasObservationWithNameEqualTo("statetree.listener")
					.that()
					.hasLowCardinalityKeyValue("statetree.listener", "failing#fail")
					.hasError()
					.hasBeenStopped();
			});
	}

	@Test
	void noRegistryNoObserver() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean("stateTreeObservationObserver")
			.doesNotHaveBean(ControllerObserver.class));
	}

	static class Listeners {

		private final ObservationRegistry registry;

		final AtomicReference<Observation> current = new AtomicReference<>();

		Listeners(ObservationRegistry registry) {
			this.registry = registry;
		}

		@OnStateChange("/users/{id}")
		void userChanged(Map<String, Object> user) {
			this.current.set(this.registry.getCurrentObservation());
		}

		@Derived(path = "/stats/users", sources = "/users")
		int count(Map<String, Object> users) {
			return (users != null) ? users.size() : 0;
		}

	}

	static class Failing {

		@OnStateChange("/fail")
		void fail(Object value) {
			throw new IllegalStateException("boom");
		}

	}

}
