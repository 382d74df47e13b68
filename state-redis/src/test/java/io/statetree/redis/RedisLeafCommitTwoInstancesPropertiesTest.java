package io.statetree.redis;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
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
 * break25: one-write commits (the inputs {@code commitleaf.lua} takes, and the ones it leaves to the
 * general path) made by one controller on Redis, with a second instance on the same namespace: the
 * writer answers as a controller on the in-memory backend running the same calls (results, values,
 * events, revisions, lifetimes), and the second instance hears, through the change stream, exactly
 * the events the writer heard (same revisions, paths and values, spelled alike) and reads the same
 * tree and lifetimes. Values: decimals and big numbers in several spellings, strings with quotes,
 * line breaks and characters outside the BMP, empty branches, arrays holding empty arrays and
 * objects; writes at, below and above leaves, updates, times to live.
 */
class RedisLeafCommitTwoInstancesPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("leaf2", 2);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	enum Kind {

		SET, TTL, UPDATE

	}

	record Step(StatePath path, @Nullable Object value, Kind kind) {

		@Override
		public String toString() {
			return this.path + "=" + StateValues.toJsonString(this.value) + " " + this.kind;
		}

	}

	/**
	 * Exact input: {@code [[]]} then {@code [{}]} at one path. The scripts' array equality decoded
	 * both with cjson, which reads an empty array and an empty object as the same empty table, so the
	 * second write was taken for an equal one: nothing written, no event, the writer's {@code set}
	 * answered {@code false}.
	 */
	@Example
	void anEmptyObjectInsideAnArrayIsNotAnEmptyArray() {
		run(List.of(new Step(StatePath.of("/a"), List.of(List.of()), Kind.SET),
				new Step(StatePath.of("/a"), List.of(Map.of()), Kind.SET),
				new Step(StatePath.of("/a"), List.of(List.of()), Kind.TTL)));
	}

	/**
	 * Exact input: {@code ["\u0000#1e0"]} then {@code [1]}. The scripts' array equality turned each
	 * number into a string spelling its canonical form ({@code "\u0000#1e0"} for 1), which a stored
	 * string can spell too: the number was taken for the string.
	 */
	@Example
	void aStringInsideAnArrayIsNotTheNumberItsCanonicalFormSpells() {
		run(List.of(new Step(StatePath.of("/a"), List.of("\u0000#1e0"), Kind.SET),
				new Step(StatePath.of("/a"), List.of(1), Kind.SET),
				new Step(StatePath.of("/a"), List.of("\u0000#1e0"), Kind.UPDATE)));
	}

	/**
	 * A CI run's input (seed -6969913321790234599, shrunk): {@code /a} holds {@code [[]]} with a
	 * time to live; {@code timeToLive("/a/0")} (an element of that leaf, which {@code get} reads)
	 * answered none on Redis and the leaf's time left in memory. A value inside a leaf has the
	 * leaf's lifetime on every backend ({@code ttl.lua}).
	 */
	@Example
	void aValueInsideALeafWithATimeToLiveHasItsLifetime() {
		run(List.of(new Step(StatePath.of("/a"), List.of(List.of()), Kind.TTL),
				new Step(StatePath.of("/b"), new BigDecimal("1.10"), Kind.SET),
				new Step(StatePath.of("/a/0"), new BigDecimal("1.10"), Kind.SET)));
		run(List.of(new Step(StatePath.of("/a"), List.of(Map.of("b", List.of(1, 2)), 3), Kind.TTL),
				new Step(StatePath.of("/a/0/b/1"), 0, Kind.SET), new Step(StatePath.of("/a/1"), 0, Kind.SET),
				new Step(StatePath.of("/a/2"), 0, Kind.SET), new Step(StatePath.of("/a/01"), 0, Kind.SET),
				new Step(StatePath.of("/a/0/c"), 0, Kind.SET)));
	}

	@Property(tries = 40)
	void theSecondInstanceHearsAndReadsWhatTheWriterDid(@ForAll("steps") List<Step> steps) {
		run(steps);
	}

	private static void run(List<Step> steps) {
		String namespace = REDIS.newNamespace();
		try (StateController model = StateController.create();
				StateController writer = StateController.builder()
					.backend(REDIS.backend(0, namespace))
					.instanceId("writer")
					.build();
				StateController reader = StateController.builder()
					.backend(REDIS.backend(1, namespace))
					.instanceId("reader")
					.build()) {
			List<List<Object>> modelEvents = listen(model);
			List<List<Object>> writerEvents = listen(writer);
			List<List<Object>> readerEvents = listen(reader);
			boolean spellingsMayDiffer = false;
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				String what = "step " + i + " " + step + " of " + steps;
				// an equal value written with a time to live: memory stores it as written, Redis
				// keeps the stored spelling (RedisLeafCommitPropertiesTest)
				spellingsMayDiffer |= step.kind() == Kind.TTL;
				assertThat(apply(writer, step)).as(what).isEqualTo(apply(model, step));
				assertThat(StateValues.equal(writer.get("/"), model.get("/")))
					.as("%s: %s equals %s", what, json(writer.get("/")), json(model.get("/")))
					.isTrue();
				if (!spellingsMayDiffer) {
					assertThat(json(writer.get("/"))).as(what).isEqualTo(json(model.get("/")));
				}
				assertThat(writerEvents).as("%s: events", what).hasSameSizeAs(modelEvents);
				for (int e = 0; e < modelEvents.size(); e++) {
					List<Object> w = writerEvents.get(e);
					List<Object> m = modelEvents.get(e);
					assertThat(w.subList(0, 3)).as("%s: event %d", what, e).isEqualTo(m.subList(0, 3));
					assertThat(StateValues.equal(w.get(3), m.get(3)) && StateValues.equal(w.get(4), m.get(4)))
						.as("%s: event %d %s equals %s", what, e, w, m)
						.isTrue();
				}
				for (StatePath path : paths(step.path())) {
					assertThat(writer.timeToLive(path) != null).as("%s: lifetime of %s", what, path)
						.isEqualTo(model.timeToLive(path) != null);
				}
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> readerEvents.size() >= writerEvents.size());
			assertThat(jsonEvents(readerEvents)).as("the second instance's events of %s", steps)
				.isEqualTo(jsonEvents(writerEvents));
			assertThat(json(reader.get("/"))).as("the second instance's tree after %s", steps)
				.isEqualTo(json(writer.get("/")));
			for (Step step : steps) {
				for (StatePath path : paths(step.path())) {
					assertThat(reader.timeToLive(path) != null).as("the second instance's lifetime of %s", path)
						.isEqualTo(writer.timeToLive(path) != null);
				}
			}
		}
	}

	private static String apply(StateController c, Step step) {
		try {
			return switch (step.kind()) {
				case SET -> String.valueOf(c.set(step.path(), step.value()));
				case TTL -> String.valueOf(c.set(step.path(), step.value(), WriteOptions.ttl(Duration.ofHours(1))));
				case UPDATE -> json(c.update(step.path(), Object.class, (old) -> step.value()));
			};
		}
		catch (RuntimeException ex) {
			return "threw " + ex.getClass().getSimpleName();
		}
	}

	private static List<List<Object>> listen(StateController c) {
		List<List<Object>> events = new CopyOnWriteArrayList<>();
		c.subscribe("/**", (event) -> {
			List<Object> heard = new ArrayList<>();
			heard.add(event.revision());
			heard.add(event.path().toString());
			heard.add(event.emittingPath().toString());
			heard.add(event.prevValue());
			heard.add(event.newValue());
			events.add(heard);
		});
		return events;
	}

	private static List<String> jsonEvents(List<List<Object>> events) {
		List<String> out = new ArrayList<>();
		for (List<Object> e : events) {
			out.add(e.get(0) + " " + e.get(1) + " " + e.get(2) + " " + json(e.get(3)) + " -> " + json(e.get(4)));
		}
		return out;
	}

	private static String json(@Nullable Object value) {
		return StateValues.toJsonString(value);
	}

	/** The path and its ancestors below the root. */
	private static List<StatePath> paths(StatePath path) {
		List<StatePath> paths = new ArrayList<>();
		for (StatePath p = path; !p.isRoot(); p = p.parent()) {
			paths.add(p);
		}
		return paths;
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<StatePath> paths = Arbitraries.of("a", "b", "0").list().ofMinSize(1).ofMaxSize(3)
			.map(StatePath::ofSegments);
		Arbitrary<Object> leaves = Arbitraries.of(new BigDecimal("1.10"), new BigDecimal("1.1"), new BigDecimal("1E+2"),
				100, 100L, new BigDecimal("100.000"), new BigDecimal("-0.0"), 0, -1, 0.1, 1.0e308,
				new BigDecimal("1.000000000000000001"), new BigDecimal("1.000000000000000002"),
				new BigInteger("123456789012345678901234567890"), new BigInteger("123456789012345678901234567891"),
				Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L, new BigDecimal("9007199254740992.0"), "", "x",
				"100", "-1", "say \"hi\"\\ \n\t", "\u00e9\u4e2d\ud83d\ude00\u2028", "\u0000#1e0", "{}", "[]", "null",
				true, false, List.of(), List.of(List.of()), List.of(Map.of()), List.of(1, "x"),
				List.of(new BigDecimal("1.0"), "x"), List.of(Map.of("k", 1)), List.of(Map.of("k", List.of())),
				List.of(Map.of("k", Map.of())), List.of("\u0000#1e0"), List.of(1), List.of(List.of(1, 2)));
		Arbitrary<Object> branches = Arbitraries.of(Map.of(), Map.of("a", 1), Map.of("b", Map.of()),
				Map.of("0", List.of(Map.of())));
		Arbitrary<@Nullable Object> values = Arbitraries.frequencyOf(Tuple.of(8, leaves.map((v) -> (@Nullable Object) v)),
				Tuple.of(2, branches.map((v) -> (@Nullable Object) v)), Tuple.of(2, Arbitraries.just((@Nullable Object) null)));
		Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(6, Kind.SET), Tuple.of(2, Kind.TTL),
				Tuple.of(2, Kind.UPDATE));
		return Combinators.combine(paths, values, kinds).as(Step::new).list().ofMinSize(1).ofMaxSize(25);
	}

}
