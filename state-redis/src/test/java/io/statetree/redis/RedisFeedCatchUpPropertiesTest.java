package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.internal.ControllerInternals;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local commit's wait as a property (issue 19, DESIGN §5): random sequences of writes by two
 * instances on one namespace, made while instance A's change feed is held back (its reading
 * thread passes nothing on), in either dispatch mode. Each of A's commits catches the feed up
 * itself: A's listener hears every commit of both instances exactly once, in revision order, and
 * no commit of A's takes as long as the old one-second wait. Once the feed is let go nothing is
 * heard twice.
 */
class RedisFeedCatchUpPropertiesTest {

	private static final long BOUND_MILLIS = 700;

	private static final RedisTestFixture REDIS = new RedisTestFixture("catch-up", 2);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/** One write: by A ({@code local}) or B, of a value at one of three paths. */
	record Write(boolean local, int key, int value) {
	}

	@Provide
	Arbitrary<List<Write>> writes() {
		return Combinators
			.combine(Arbitraries.of(true, false, false), Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(1, 1_000))
			.as(Write::new)
			.list()
			.ofMinSize(1)
			.ofMaxSize(12);
	}

	@Property(tries = 12)
	void everyCommitIsHeardOnceInRevisionOrderWhileTheFeedIsHeldBack(@ForAll("writes") List<Write> writes,
			@ForAll StateController.Dispatch dispatch) {
		String namespace = REDIS.newNamespace();
		RedisBackend backendA = REDIS.backend(0, namespace);
		StateController a = StateController.builder().backend(backendA).instanceId("a").dispatch(dispatch).build();
		StateController b = StateController.builder()
			.backend(REDIS.backend(1, namespace))
			.instanceId("b")
			.build();
		try {
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			a.subscribe("/**", heard::add);
			b.set("/start", true);
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);

			backendA.changeFeed().holdReads(true);
			List<String> expected = new ArrayList<>(List.of("b:/start"));
			long slowest = 0;
			for (Write write : writes) {
				String path = "/k" + write.key();
				if (write.local()) {
					long started = System.nanoTime();
					a.set(path, write.value());
					slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
					expected.add("a:" + path + "=" + write.value());
				}
				else {
					b.set(path, write.value());
					expected.add("b:" + path + "=" + write.value());
				}
			}
			backendA.changeFeed().holdReads(false);
			b.set("/end", true);
			expected.add("b:/end");
			// A's or B's writes of a value a path already held change nothing and are not heard
			List<String> changed = withoutUnchanged(expected);
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= changed.size());
			ControllerInternals.awaitDispatch(a, 10_000);

			List<StateEvent> events = List.copyOf(heard);
			List<String> described = new ArrayList<>();
			for (StateEvent event : events) {
				String path = event.path().toString();
				described.add(event.origin() + ":" + path
						+ ((event.newValue() instanceof Integer value) ? "=" + value : ""));
			}
			assertThat(described).as("A's listener, feed held back, %s", dispatch).containsExactlyElementsOf(changed);
			assertThat(events).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
			assertThat(slowest).as("the slowest of A's commits, ms").isLessThan(BOUND_MILLIS);
		}
		finally {
			a.close();
			b.close();
		}
	}

	/** Drops the writes that set the value their path already held (they change nothing). */
	private static List<String> withoutUnchanged(List<String> writes) {
		java.util.Map<String, String> values = new java.util.HashMap<>();
		List<String> changed = new ArrayList<>();
		for (String write : writes) {
			int colon = write.indexOf(':');
			int equals = write.indexOf('=');
			String path = (equals < 0) ? write.substring(colon + 1) : write.substring(colon + 1, equals);
			String value = (equals < 0) ? "" : write.substring(equals + 1);
			if (value.equals(values.put(path, value)) && equals >= 0) {
				continue;
			}
			changed.add(write);
		}
		return changed;
	}

}
