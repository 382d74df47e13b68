package io.statetree.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.backend.InMemoryBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An observer's scopes wrap the calls they observe: opened on the calling thread just before a
 * listener or a derivation runs, closed just after with its error, before the timed report;
 * combined observers open in order and close in reverse.
 */
class ObserverScopeTest {

	/** Records the order of scope and report calls. */
	static final class Recording implements ControllerObserver {

		final List<String> calls;

		final String name;

		Recording(String name, List<String> calls) {
			this.name = name;
			this.calls = calls;
		}

		@Override
		public Scope listenerStarting(String listenerId, StatePath path) {
			this.calls.add(this.name + " open " + listenerId + " " + path);
			return (error) -> this.calls.add(this.name + " close " + listenerId + " "
					+ ((error != null) ? error.getMessage() : "ok"));
		}

		@Override
		public Scope derivationStarting(StatePath destination) {
			this.calls.add(this.name + " open derivation " + destination);
			return (error) -> this.calls.add(this.name + " close derivation " + destination);
		}

		@Override
		public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
			this.calls.add(this.name + " report " + listenerId);
		}

		@Override
		public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
			this.calls.add(this.name + " report derivation " + destination);
		}

	}

	@Test
	void scopesWrapListenerAndDerivationCallsInOrderAndCloseInReverse() {
		List<String> calls = new CopyOnWriteArrayList<>();
		try (StateController controller = StateController.builder()
			.backend(new InMemoryBackend())
			.observer(new Recording("a", calls))
			.observer(new Recording("b", calls))
			.build()) {
			controller.derive("/double", "/n", Integer.class, (n) -> (n == null) ? null : 2 * n);
			controller.subscribe("/n", (event) -> calls.add("listener runs"));
			controller.registerCallback((event) -> {
				throw new IllegalStateException("boom");
			}, "failing", false);
			controller.subscribeById("/n", "failing");
			calls.clear();
			controller.set("/n", 2);
			assertThat(calls).containsSubsequence("a open derivation /double", "b open derivation /double",
					"b close derivation /double", "a close derivation /double", "a report derivation /double",
					"b report derivation /double");
			int opened = calls.indexOf("listener runs");
			assertThat(opened).isGreaterThan(1);
			assertThat(calls.get(opened - 2)).startsWith("a open ").endsWith(" /n");
			assertThat(calls.get(opened - 1)).startsWith("b open ").endsWith(" /n");
			assertThat(calls.get(opened + 1)).startsWith("b close ").endsWith(" ok");
			assertThat(calls.get(opened + 2)).startsWith("a close ").endsWith(" ok");
			assertThat(calls).contains("b close failing boom", "a close failing boom", "a report failing",
				"b report failing");
			assertThat(calls.indexOf("a close failing boom")).isLessThan(calls.indexOf("a report failing"));
		}
	}

	@Test
	void anObserverWhoseScopeFailsDoesNotDisturbTheListener() {
		List<String> heard = new CopyOnWriteArrayList<>();
		ControllerObserver failing = new ControllerObserver() {
			@Override
			public Scope listenerStarting(String listenerId, StatePath path) {
				return (error) -> {
					throw new IllegalStateException("scope close failed");
				};
			}

			@Override
			public Scope derivationStarting(StatePath destination) {
				throw new IllegalStateException("scope open failed");
			}
		};
		try (StateController controller = StateController.builder()
			.backend(new InMemoryBackend())
			.observer(failing)
			.build()) {
			controller.derive("/double", "/n", Integer.class, (n) -> (n == null) ? null : 2 * n);
			controller.subscribe("/n", (event) -> heard.add("heard"));
			controller.set("/n", 2);
			assertThat(heard).containsExactly("heard");
			assertThat(controller.get("/double")).isEqualTo(4);
		}
	}

}
