package io.statetree.redis.break26;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * break26, area 4: two write-through near caches ({@code CachingBackend} over {@code RedisBackend})
 * and a plain Redis controller on one namespace, random writes from any of them: real writes, equal
 * writes in another form, deletes of absent paths, {@code setAll}, {@code update}, {@code increment}
 * by 0, batches that change nothing, lifetimes restarted by an equal write and short lifetimes that
 * run out. After every call each controller's revision has not moved back, and once the feed caught
 * up every controller reads what Redis holds; at the end every controller heard the same events in
 * revision order and none heard a resync.
 */
class NearCacheInstancesModelPropertiesTest {

	private static final List<String> PATHS = List.of("/a", "/a/x", "/a/y", "/b");

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private static volatile @Nullable LettuceConnectionFactory factory;

	private static synchronized LettuceConnectionFactory factory() {
		LettuceConnectionFactory open = factory;
		if (open == null) {
			open = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
			factory = open;
		}
		return open;
	}

	@AfterContainer
	static synchronized void close() {
		LettuceConnectionFactory open = factory;
		factory = null;
		if (open != null) {
			open.destroy();
		}
	}

	record Call(int who, String kind, String path, @Nullable Object value) {

		@Override
		public String toString() {
			return this.who + ":" + this.kind + " " + this.path + ((this.value != null) ? " " + this.value : "");
		}

	}

	@Provide
	Arbitrary<List<Call>> calls() {
		Arbitrary<Integer> who = Arbitraries.integers().between(0, 2);
		Arbitrary<String> paths = Arbitraries.of(PATHS);
		Arbitrary<Object> values = Arbitraries.of(1, 1.0, new BigDecimal("1.00"), 2L, "s", Map.of("x", 1),
				Map.of("x", 1.0, "y", 2));
		Arbitrary<String> kinds = Arbitraries.of("set", "set", "delete", "setAll", "update", "increment0",
				"noopBatch", "ttlLong", "ttlShort", "equalTtl");
		return Combinators.combine(who, kinds, paths, values).as(Call::new).list().ofMinSize(1).ofMaxSize(10);
	}

	@Property(tries = 15)
	void nearCachesAgreeWithRedisAndNeverMoveBack(@ForAll("calls") List<Call> calls,
			@ForAll StateController.Dispatch dispatch) {
		String namespace = "b26nc-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		List<StateController> controllers = new ArrayList<>();
		List<List<StateEvent>> heard = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				RedisBackend redis = RedisBackend.builder(factory()).namespace(namespace).build();
				StateController c = StateController.builder()
					.backend((i < 2) ? new CachingBackend(redis, CachePolicy.defaults()) : redis)
					.dispatch(dispatch)
					.instanceId("i" + i)
					.build();
				controllers.add(c);
				List<StateEvent> events = new CopyOnWriteArrayList<>();
				c.subscribe("/**", events::add);
				heard.add(events);
			}
			StateController plain = controllers.get(2);
			long[] seen = new long[3];
			for (int step = 0; step < calls.size(); step++) {
				Call call = calls.get(step);
				String what = "call " + step + " (" + call + ") of " + calls;
				apply(controllers.get(call.who()), call);
				for (int i = 0; i < 3; i++) {
					long now = controllers.get(i).revision();
					assertThat(now).as("revision of %d after %s", i, what).isGreaterThanOrEqualTo(seen[i]);
					seen[i] = now;
				}
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					long newest = Math.max(Math.max(controllers.get(0).revision(), controllers.get(1).revision()),
							plain.revision());
					for (int i = 0; i < 3; i++) {
						assertThat(controllers.get(i).revision()).isEqualTo(newest);
					}
					for (String path : PATHS) {
						Object expected = plain.get(path);
						for (int i = 0; i < 2; i++) {
							assertThat(String.valueOf(controllers.get(i).get(path)))
								.as("get(%s) on near cache %d after %s", path, i, what)
								.isEqualTo(String.valueOf(expected));
						}
					}
				});
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(describe(heard.get(0))).as("near cache 0 heard, after %s", calls)
					.isEqualTo(describe(heard.get(2)));
				assertThat(describe(heard.get(1))).as("near cache 1 heard, after %s", calls)
					.isEqualTo(describe(heard.get(2)));
			});
			for (List<StateEvent> events : heard) {
				assertThat(events).as("after %s", calls).noneMatch(StateEvent::isResync);
				long last = 0;
				for (StateEvent event : events) {
					assertThat(event.revision()).as("events in revision order after %s: %s", calls, describe(events))
						.isGreaterThanOrEqualTo(last);
					last = event.revision();
				}
			}
		}
		finally {
			controllers.forEach(StateController::close);
		}
	}

	/**
	 * The same calls made concurrently: each near cache writes its own half from its own thread
	 * while a third thread watches every controller's revision; it never moves back, nobody hears
	 * a resync, events come in revision order, and in the end every controller reads what Redis
	 * holds and heard the same events.
	 */
	@Property(tries = 8)
	void concurrentWritersOnNearCachesNeverMoveBack(@ForAll("calls") List<Call> first, @ForAll("calls") List<Call> second,
			@ForAll StateController.Dispatch dispatch) throws Exception {
		String namespace = "b26ncc-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		List<StateController> controllers = new ArrayList<>();
		List<List<StateEvent>> heard = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				RedisBackend redis = RedisBackend.builder(factory()).namespace(namespace).build();
				StateController c = StateController.builder()
					.backend((i < 2) ? new CachingBackend(redis, CachePolicy.defaults()) : redis)
					.dispatch(dispatch)
					.instanceId("c" + i)
					.build();
				controllers.add(c);
				List<StateEvent> events = new CopyOnWriteArrayList<>();
				c.subscribe("/**", events::add);
				heard.add(events);
			}
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
			Thread watcher = new Thread(() -> {
				long[] seen = new long[3];
				while (!done.get()) {
					for (int i = 0; i < 3; i++) {
						long now = controllers.get(i).revision();
						if (now < seen[i]) {
							failures.add(new AssertionError("revision of " + i + " moved back from " + seen[i] + " to " + now));
						}
						seen[i] = now;
					}
				}
			});
			watcher.start();
			List<Thread> writers = new ArrayList<>();
			List<List<Call>> halves = List.of(first, second);
			for (int w = 0; w < 2; w++) {
				StateController c = controllers.get(w);
				List<Call> calls = halves.get(w);
				Thread t = new Thread(() -> {
					try {
						for (Call call : calls) {
							apply(c, call);
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				});
				t.start();
				writers.add(t);
			}
			for (Thread t : writers) {
				t.join(60_000);
			}
			done.set(true);
			watcher.join(10_000);
			assertThat(failures).as("after %s and %s", first, second).isEmpty();
			StateController plain = controllers.get(2);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				for (String path : PATHS) {
					Object expected = plain.get(path);
					for (int i = 0; i < 2; i++) {
						assertThat(String.valueOf(controllers.get(i).get(path)))
							.as("get(%s) on near cache %d after %s and %s", path, i, first, second)
							.isEqualTo(String.valueOf(expected));
					}
				}
				assertThat(describe(heard.get(0))).isEqualTo(describe(heard.get(2)));
				assertThat(describe(heard.get(1))).isEqualTo(describe(heard.get(2)));
			});
			for (List<StateEvent> events : heard) {
				assertThat(events).noneMatch(StateEvent::isResync);
				long last = 0;
				for (StateEvent event : events) {
					assertThat(event.revision()).isGreaterThanOrEqualTo(last);
					last = event.revision();
				}
			}
		}
		finally {
			controllers.forEach(StateController::close);
		}
	}

	private static List<String> describe(List<StateEvent> events) {
		List<String> out = new ArrayList<>();
		for (StateEvent e : events) {
			out.add(e.revision() + " " + e.path() + " " + e.emittingPath() + " " + e.prevValue() + " -> "
					+ e.newValue() + (e.isExpiry() ? " expiry" : "") + (e.isResync() ? " resync" : ""));
		}
		return out;
	}

	private static void apply(StateController c, Call call) {
		String path = call.path();
		Object value = call.value();
		try {
			switch (call.kind()) {
				case "set" -> c.set(path, value);
				case "delete" -> c.delete(path);
				case "setAll" -> {
					Map<String, @Nullable Object> writes = new LinkedHashMap<>();
					writes.put(path, value);
					if (!path.startsWith("/a")) {
						writes.put("/a/y", null);
					}
					c.setAll(writes);
				}
				case "update" -> c.update(path, Object.class, (old) -> (old == null) ? value : old);
				case "increment0" -> c.increment(path, 0);
				case "noopBatch" -> c.batch(() -> {
					Object old = c.get(path);
					c.set(path, value);
					c.set(path, old);
				});
				case "ttlLong" -> c.set(path, value, WriteOptions.ttl(Duration.ofHours(1)));
				case "ttlShort" -> c.set(path, value, WriteOptions.ttl(Duration.ofMillis(150)));
				case "equalTtl" -> {
					Object old = c.get(path);
					c.set(path, (old == null) ? value : old, WriteOptions.ttl(Duration.ofMinutes(5)));
				}
				default -> throw new IllegalArgumentException(call.kind());
			}
		}
		catch (RuntimeException ex) {
			// a write under a leaf, an increment of a non-integer: refused alike on every instance
			if (!(ex instanceof io.statetree.core.StateWriteException)) {
				throw ex;
			}
		}
	}

}
