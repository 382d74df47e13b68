package io.statetree.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * redisttl26: computed values that read lifetimes ({@code timeToLive}) on two instances sharing a
 * Redis namespace, against random writes on either instance: sets with and without a time to
 * live, rewrites of the value already there that only restart, change or clear its lifetime, and
 * deletes, on a branch ({@code /a}, whose time to live covers {@code /a/x}) and leaves (a write of
 * {@code /a} that drops {@code /a/y} changes a value and the lifetime of {@code /a/x}). The second
 * instance reads Redis directly, through a near cache ({@link CachingBackend}), or through a hybrid
 * that mounts the namespace at {@code /m}. After each write, once both instances read the same
 * values (the feed caught up), every computed value on each instance equals what
 * {@code timeToLive} answers there directly (to the hour: the lifetimes are 1, 2 or 3 hours), the
 * direct answers agree between the instances, and each instance heard the events one instance on
 * memory hears for the same writes (none for a write that changed no value).
 */
class RedisComputedLifetimeTwoInstancesPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("computed-ttl-p", 2);

	/** The paths whose lifetimes the computed values read. */
	private static final List<String> WATCHED = List.of("/a", "/a/x", "/b");

	/**
	 * The paths written: {@code /a/y} too, so that a write of {@code /a} changes a value
	 * ({@code /a/y} goes) and a lifetime that covers {@code /a/x}, which it leaves equal.
	 */
	private static final List<String> WRITTEN = List.of("/a", "/a/x", "/a/y", "/b");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/** How the second instance reaches Redis. */
	enum Reach {

		DIRECT, NEAR_CACHE, HYBRID_MOUNT

	}

	enum Kind {

		/** Writes the step's value. */
		SET,
		/** Writes the value there now (the step's value when there is none): only the lifetime may change. */
		SAME,
		/** Deletes. */
		DELETE

	}

	/**
	 * One write.
	 * @param instance 0 or 1
	 * @param path {@code /a} (a branch {@code {"x": value}}), {@code /a/x}, {@code /a/y} or {@code /b}
	 * @param kind what it writes
	 * @param value {@code "1"} or {@code "2"}
	 * @param hours the time to live, 0 for none (a permanent value)
	 */
	record Step(int instance, String path, Kind kind, String value, int hours) {

		@Override
		public String toString() {
			return "#" + this.instance + " " + this.kind + " " + this.path + "=" + this.value
					+ ((this.hours > 0) ? " ttl " + this.hours + "h" : "");
		}

	}

	/** One instance: its controller, the prefix its paths take, its computed values and how many events it heard. */
	private record Instance(StateController controller, String prefix, Map<String, Computed<@Nullable Long>> computed,
			Computed<@Nullable Long> composed, Computed<List<@Nullable Long>> pair, AtomicInteger heard) {

		String at(String path) {
			return this.prefix + path;
		}

	}

	/**
	 * A commit that changes a value ({@code /a/y} goes) and, with the branch's new time to live, the
	 * lifetime of {@code /a/x}, which it leaves equal: the second instance hears the commit, but its
	 * change at {@code /a} leaves {@code /a/x} equal, so before the fix its computed lifetime of
	 * {@code /a/x} stayed at one hour.
	 */
	@Example
	void aCommitThatChangesAValueElsewhereAndALifetimeHere() {
		run(List.of(new Step(0, "/a/x", Kind.SET, "1", 1), new Step(0, "/a/y", Kind.SET, "2", 0),
				new Step(0, "/a", Kind.SET, "1", 3)), Reach.DIRECT);
	}

	@Property(tries = 25)
	void everyComputedValueAnswersTheLifetimeItsInstanceReads(@ForAll("steps") List<Step> steps,
			@ForAll Reach reach) {
		run(steps, reach);
	}

	private static void run(List<Step> steps, Reach reach) {
		String namespace = REDIS.newNamespace();
		StateBackend second = switch (reach) {
			case DIRECT -> REDIS.backend(1, namespace);
			case NEAR_CACHE -> new CachingBackend(REDIS.backend(1, namespace), CachePolicy.defaults());
			case HYBRID_MOUNT -> new HybridBackend(new InMemoryBackend()).mount("/m", REDIS.backend(1, namespace));
		};
		try (StateController model = StateController.create();
				StateController first = StateController.builder()
			.backend(REDIS.backend(0, namespace))
			.instanceId("first")
			.build();
				StateController other = StateController.builder().backend(second).instanceId("second").build()) {
			List<Instance> instances = List.of(open(first, ""), open(other, (reach == Reach.HYBRID_MOUNT) ? "/m" : ""));
			// one instance on memory: the events a single instance hears for the same writes
			Instance single = open(model, "");
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				String what = "after step " + i + " " + step + " of " + steps + " (" + reach + ")";
				assertThat(apply(instances.get(step.instance()), step)).as("%s: whether a value changed", what)
					.isEqualTo(apply(single, step));
				int events = single.heard().get();
				await().atMost(Duration.ofSeconds(20))
					.pollInterval(Duration.ofMillis(20))
					.untilAsserted(() -> check(instances, events, what));
			}
		}
	}

	private static Instance open(StateController c, String prefix) {
		Map<String, Computed<@Nullable Long>> computed = new ConcurrentHashMap<>();
		for (String path : WATCHED) {
			computed.put(path, c.computed((view) -> hours(c.timeToLive(prefix + path))));
		}
		// a value reading another: the inner memo answers it (the lifetimes it read count for the outer)
		Computed<@Nullable Long> inner = computed.get("/a/x");
		Computed<@Nullable Long> composed = c.computed((view) -> inner.get());
		// two lifetimes and a value in one function
		Computed<List<@Nullable Long>> pair = c.computed((view) -> {
			view.get(prefix + "/b");
			return Arrays.asList(hours(c.timeToLive(prefix + "/a")), hours(c.timeToLive(prefix + "/b")));
		});
		AtomicInteger heard = new AtomicInteger();
		c.subscribe(prefix + "/**", (event) -> heard.incrementAndGet());
		return new Instance(c, prefix, computed, composed, pair, heard);
	}

	/** Applies a step on its instance; returns whether a value changed. */
	private static boolean apply(Instance instance, Step step) {
		StateController c = instance.controller();
		String at = instance.at(step.path());
		WriteOptions options = (step.hours() > 0) ? WriteOptions.ttl(Duration.ofHours(step.hours()))
				: WriteOptions.defaults();
		Object value = step.path().equals("/a") ? Map.of("x", step.value()) : step.value();
		return switch (step.kind()) {
			case SET -> c.set(at, value, options);
			case SAME -> {
				Object there = c.get(at);
				yield c.set(at, (there != null) ? there : value, options);
			}
			case DELETE -> c.delete(at);
		};
	}

	private static void check(List<Instance> instances, int events, String what) {
		Instance first = instances.get(0);
		Instance second = instances.get(1);
		for (String path : WRITTEN) {
			assertThat(second.controller().get(second.at(path))).as("%s: the second instance's value at %s", what, path)
				.isEqualTo(first.controller().get(first.at(path)));
		}
		for (int n = 0; n < instances.size(); n++) {
			Instance instance = instances.get(n);
			StateController c = instance.controller();
			for (String path : WATCHED) {
				Long direct = hours(c.timeToLive(instance.at(path)));
				assertThat(direct).as("%s: instance %d's timeToLive(%s) against instance 0's", what, n, path)
					.isEqualTo(hours(first.controller().timeToLive(first.at(path))));
				assertThat(instance.computed().get(path).get())
					.as("%s: instance %d's computed lifetime of %s", what, n, path)
					.isEqualTo(direct);
			}
		}
		// then what reads them together, and the events
		for (int n = 0; n < instances.size(); n++) {
			Instance instance = instances.get(n);
			StateController c = instance.controller();
			assertThat(instance.composed().get()).as("%s: instance %d's value reading the computed lifetime of /a/x",
					what, n)
				.isEqualTo(hours(c.timeToLive(instance.at("/a/x"))));
			assertThat(instance.pair().get()).as("%s: instance %d's value reading two lifetimes", what, n)
				.isEqualTo(Arrays.asList(hours(c.timeToLive(instance.at("/a"))),
						hours(c.timeToLive(instance.at("/b")))));
			assertThat(instance.heard().get())
				.as("%s: instance %d heard the events one instance hears (none for a write that changed no value)", what, n)
				.isEqualTo(events);
		}
	}

	/** The time left to the nearest hour, or null when none. */
	private static @Nullable Long hours(@Nullable Duration left) {
		return (left == null) ? null : Math.round(left.toMillis() / 3_600_000.0);
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 1),
				Arbitraries.of(WRITTEN),
				Arbitraries.frequency(Tuple.of(2, Kind.SET), Tuple.of(3, Kind.SAME), Tuple.of(1, Kind.DELETE)),
				Arbitraries.of("1", "2"), Arbitraries.integers().between(0, 3))
			.as(Step::new);
		return step.list().ofMinSize(1).ofMaxSize(12);
	}

}
