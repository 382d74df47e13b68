package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.internal.ControllerInternals;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19, the local commit's wait (DESIGN §5: a local commit is delivered after every earlier
 * revision, whichever instance made it). Instance A's change feed is held back (a test seam: its
 * reading thread passes nothing on) while instance B commits; then A commits. A's listeners must
 * hear B's commits and then A's own, in revision order, and A's commit must not wait long: the
 * committing thread catches the feed up by reading the stream itself. Before, it waited one
 * second and then went first, out of order. When B's commits were trimmed from the stream before
 * A read them, A's listeners hear a resync instead: nothing is passed over silently. Once the
 * feed is let go, nothing is heard twice. In both dispatch modes.
 */
@ExtendWith(RedisTestServer.class)
class RedisFeedCatchUpTest {

	/** How long A's commit may take although its feed is held back (the old wait was one second). */
	private static final Duration BOUND = Duration.ofMillis(700);

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aLocalCommitIsHeardAfterTheRemoteOnesItsHeldBackFeedHadNotBrought(StateController.Dispatch dispatch,
			RedisTestServer redis) throws Exception {
		try (HeldBack held = HeldBack.start(redis, dispatch, (builder) -> builder)) {
			RedisBackend backendA = held.backendA();
			StateController a = held.a();
			StateController b = held.b();
			List<StateEvent> heard = held.heard();
			for (int i = 1; i <= 5; i++) {
				b.set("/b", i);
			}
			long started = System.nanoTime();
			a.set("/a", "local");
			long millis = (System.nanoTime() - started) / 1_000_000;
			ControllerInternals.awaitDispatch(a, 10_000);
			System.out.printf("RedisFeedCatchUpTest[%s]: the local commit took %d ms with the feed held back%n",
					dispatch, millis);
			assertThat(heard).extracting(StateEvent::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
			assertThat(heard).extracting(StateEvent::origin).containsExactly("b", "b", "b", "b", "b", "b", "a");
			assertThat(heard.get(5).newValue()).isEqualTo(5);
			assertThat(Duration.ofMillis(millis)).as("the local commit's wait").isLessThan(BOUND);

			// let the feed go: what it held was delivered already and is not heard again
			backendA.changeFeed().holdReads(false);
			b.set("/b", 6);
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 8);
			ControllerInternals.awaitDispatch(a, 10_000);
			assertThat(heard).extracting(StateEvent::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
		}
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void remoteCommitsTrimmedAwayBeforeTheCatchUpAreReportedWithAResync(StateController.Dispatch dispatch,
			RedisTestServer redis) throws Exception {
		try (HeldBack held = HeldBack.start(redis, dispatch, (builder) -> builder.feedRetention(10))) {
			RedisBackend backendA = held.backendA();
			StateController a = held.a();
			StateController b = held.b();
			List<StateEvent> heard = held.heard();
			// far more than the retention: the stream's first entries are trimmed away
			for (int i = 1; i <= 300; i++) {
				b.set("/b", i);
			}
			long started = System.nanoTime();
			a.set("/a", "local");
			long millis = (System.nanoTime() - started) / 1_000_000;
			ControllerInternals.awaitDispatch(a, 10_000);
			System.out.printf("RedisFeedCatchUpTest[%s]: the local commit took %d ms after a trimmed gap%n", dispatch,
					millis);
			List<StateEvent> events = List.copyOf(heard);
			List<Long> remote = new ArrayList<>();
			boolean resync = false;
			for (StateEvent event : events.subList(1, events.size())) {
				if (event.isResync()) {
					resync = true;
				}
				else if ("b".equals(event.origin())) {
					remote.add(event.revision());
				}
			}
			assertThat(resync || remote.size() == 300).as("B's commits heard, or a resync in their place: %s", remote)
				.isTrue();
			assertThat(resync).as("the stream had lost B's first commits").isTrue();
			assertThat(events).filteredOn((e) -> "a".equals(e.origin()) && !e.isResync())
				.extracting(StateEvent::revision)
				.containsExactly(302L);
			assertThat(Duration.ofMillis(millis)).as("the local commit's wait").isLessThan(BOUND);
			assertThat(a.get("/b")).isEqualTo(300);

			backendA.changeFeed().holdReads(false);
			b.set("/b", 301);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> heard.stream().anyMatch((e) -> e.revision() == 303 && !e.isResync()));
			ControllerInternals.awaitDispatch(a, 10_000);
			assertThat(heard.stream().filter(StateEvent::isResync).count()).as("one resync").isEqualTo(1);
			assertThat(heard.get(heard.size() - 1).revision()).isEqualTo(303);
		}
	}

	/**
	 * Instances A and B on a new namespace, their backends built with the same settings; A's
	 * listener on everything has heard B's first commit (revision 1), and then A's feed is held
	 * back.
	 * @param backendA A's backend
	 * @param a instance A, in the dispatch mode under test
	 * @param b instance B
	 * @param heard what A's listener heard
	 */
	private record HeldBack(RedisBackend backendA, StateController a, StateController b, List<StateEvent> heard)
			implements AutoCloseable {

		static HeldBack start(RedisTestServer redis, StateController.Dispatch dispatch,
				UnaryOperator<RedisBackend.Builder> settings) {
			String namespace = redis.newNamespace();
			RedisBackend backendA = settings.apply(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace))
				.build();
			StateController a = StateController.builder().backend(backendA).instanceId("a").dispatch(dispatch).build();
			StateController b = StateController.builder()
				.backend(settings.apply(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace)).build())
				.instanceId("b")
				.build();
			HeldBack held = new HeldBack(backendA, a, b, new CopyOnWriteArrayList<>());
			try {
				a.subscribe("/**", held.heard()::add);
				b.set("/b", 0);
				await().atMost(Duration.ofSeconds(10)).until(() -> held.heard().size() == 1);
				backendA.changeFeed().holdReads(true);
				return held;
			}
			catch (RuntimeException | Error ex) {
				held.close();
				throw ex;
			}
		}

		@Override
		public void close() {
			try {
				this.a.close();
			}
			finally {
				this.b.close();
			}
		}

	}

}
