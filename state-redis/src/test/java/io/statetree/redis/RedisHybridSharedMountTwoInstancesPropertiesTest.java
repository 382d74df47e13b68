package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
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
 * mount26: two instances, each a hybrid with its own in-memory root and the same Redis namespace
 * mounted at {@code /m} (plain, or behind a near cache that the feed invalidates), run random
 * operations, each on either instance: writes and deletes at, below and above the mount point
 * (emptying it, writing {@code {}} there, deleting it), and batches of them. After every operation,
 * once the other instance's feed caught up, both read the same {@code get("/")},
 * {@code exists("/m")} and {@code childNames("/")} (DESIGN §18), and the mount point reads as the
 * README's rule says: absent exactly when the mount holds nothing.
 */
class RedisHybridSharedMountTwoInstancesPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("hybrid-shared", 2);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/** One write: a value, or {@code null} to delete. */
	record Write(String path, @Nullable Object value) {

		@Override
		public String toString() {
			return (this.value == null) ? "delete " + this.path : this.path + "=" + StateValues.toJsonString(this.value);
		}

	}

	/** One operation on one instance: a single write, or a batch of several. */
	record Step(int instance, List<Write> writes, boolean batch) {

		@Override
		public String toString() {
			return "#" + this.instance + (this.batch ? " batch " : " ") + this.writes;
		}

	}

	/** The finding's exact input: one instance empties the mount point, then deletes it. */
	@Example
	void theFindingsInput() {
		run(List.of(new Step(0, List.of(new Write("/m/x", 1)), false),
				new Step(0, List.of(new Write("/m/x", null)), false),
				new Step(1, List.of(new Write("/m", Map.of())), false), new Step(0, List.of(new Write("/m", null)), false)),
				false, true);
	}

	/** A batch that writes below the mount point and deletes it again, then one above it with {@code {}} there. */
	@Example
	void aBatchThatEmptiesTheMountAndAWriteAboveIt() {
		run(List.of(new Step(1, List.of(new Write("/m/a/b", 2), new Write("/m/a", null)), true),
				new Step(0, List.of(new Write("/", Map.of("m", Map.of("c", 1)))), false),
				new Step(1, List.of(new Write("/", Map.of("m", Map.of()))), false)),
				true, false);
	}

	@Property(tries = 40)
	void bothInstancesReadTheSameAfterEveryOperation(@ForAll("steps") List<Step> steps, @ForAll boolean cached0,
			@ForAll boolean cached1) {
		run(steps, cached0, cached1);
	}

	private static void run(List<Step> steps, boolean cached0, boolean cached1) {
		String namespace = REDIS.newNamespace();
		try (StateController first = instance(0, namespace, cached0);
				StateController second = instance(1, namespace, cached1)) {
			List<StateController> instances = List.of(first, second);
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				String what = "step " + i + " (" + step + ") of " + steps + ", near caches " + cached0 + "/" + cached1;
				apply(instances.get(step.instance()), step);
				StateController writer = instances.get(step.instance());
				StateController other = instances.get(1 - step.instance());
				assertTheRule(what + ", the writer", writer);
				await().atMost(Duration.ofSeconds(20))
					.pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(10))
					.untilAsserted(() -> assertThat(reads(other)).as("%s: the other instance", what)
						.isEqualTo(reads(writer)));
				assertTheRule(what + ", the other instance", other);
			}
		}
	}

	private static StateController instance(int index, String namespace, boolean cached) {
		StateBackend redis = REDIS.backend(index, namespace);
		StateBackend mounted = cached ? new CachingBackend(redis, CachePolicy.defaults()) : redis;
		return StateController.builder()
			.backend(new HybridBackend(new InMemoryBackend()).mount("/m", mounted))
			.instanceId("instance-" + index)
			.build();
	}

	/** Applies a step; a write through a leaf ({@code /m/a/c} below {@code /m/a = 1}) is refused whole. */
	private static void apply(StateController instance, Step step) {
		try {
			applyOrThrow(instance, step);
		}
		catch (StateWriteException ex) {
			// refused on the writer, nothing written: both instances still read alike
		}
	}

	private static void applyOrThrow(StateController instance, Step step) {
		if (!step.batch()) {
			Write write = step.writes().get(0);
			instance.set(StatePath.of(write.path()), write.value());
			return;
		}
		instance.batch(() -> {
			for (Write write : step.writes()) {
				instance.set(StatePath.of(write.path()), write.value());
			}
		});
	}

	/** What both instances must read alike. */
	private static List<String> reads(StateController instance) {
		return List.of(StateValues.toJsonString(instance.get("/")), String.valueOf(instance.exists("/m")),
				String.valueOf(instance.childNames("/")), StateValues.toJsonString(instance.get("/m")));
	}

	/**
	 * The README's rule: the mount point reads as absent exactly when its mount holds nothing, and
	 * the root (whose own backend only ever receives writes with nothing beside the mount point)
	 * holds nothing else.
	 */
	private static void assertTheRule(String what, StateController instance) {
		Object mounted = instance.get("/m");
		List<String> names = instance.childNames("/m");
		assertThat(mounted == null).as("%s: /m reads %s, its children %s", what, StateValues.toJsonString(mounted), names)
			.isEqualTo(names.isEmpty());
		assertThat(instance.exists("/m")).as(what).isEqualTo(mounted != null);
		assertThat(instance.childNames("/")).as(what).isEqualTo((mounted != null) ? List.of("m") : List.of());
		assertThat(StateValues.equal(instance.get("/"), (mounted != null) ? Map.of("m", mounted) : Map.of()))
			.as("%s: / reads %s", what, StateValues.toJsonString(instance.get("/")))
			.isTrue();
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> single = Combinators.combine(Arbitraries.integers().between(0, 1), write())
			.as((instance, write) -> new Step(instance, List.of(write), false));
		Arbitrary<Step> batch = Combinators
			.combine(Arbitraries.integers().between(0, 1), write().list().ofMinSize(2).ofMaxSize(4))
			.as((instance, writes) -> new Step(instance, writes, true));
		return Arbitraries.frequencyOf(Tuple.of(3, single), Tuple.of(1, batch))
			.list()
			.ofMinSize(1)
			.ofMaxSize(10);
	}

	private static Arbitrary<Write> write() {
		Arbitrary<String> below = Arbitraries.of("/m/a", "/m/b", "/m/a/c");
		Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map((n) -> (Object) n),
				Arbitraries.of("s").map((s) -> (Object) s));
		Arbitrary<Object> branch = Arbitraries.of(Map.of(), Map.of("c", 1), Map.of("a", Map.of()), Map.of("a", 1, "b", 2))
			.map((m) -> (Object) m);
		return Arbitraries.oneOf(
				// below the mount point: leaves, branches and deletes (the mount's last child emptied)
				Combinators.combine(below, Arbitraries.oneOf(leaf, branch)).as(Write::new),
				below.map((path) -> new Write(path, null)), below.map((path) -> new Write(path, null)),
				// at the mount point: a branch (perhaps {}), or deleted
				branch.map((value) -> new Write("/m", value)), Arbitraries.just(new Write("/m", null)),
				// above it: a root holding only the mount point's branch (perhaps {}) or none, or deleted
				branch.map((value) -> new Write("/", Map.of("m", value))), Arbitraries.just(new Write("/", Map.of())),
				Arbitraries.just(new Write("/", null)));
	}

}
