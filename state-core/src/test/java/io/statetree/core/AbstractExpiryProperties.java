package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random writes with and without lifetimes, deletes, writes below branches and steps of time, run
 * in virtual time against a simple model of DESIGN §12: after every step each path reads what the
 * model holds (a value whose time ran out reads as absent at once) and {@code timeToLive} agrees;
 * at the end every entry that expired has exactly one expiry commit, made before the first commit
 * that came after its due time. Each backend's test class supplies {@link #newBackend} taking the
 * virtual nanosecond clock.
 */
public abstract class AbstractExpiryProperties {

	/**
	 * Creates a fresh, empty backend that reads time from the given clock.
	 * @param nanoClock the virtual monotonic clock, in nanoseconds
	 * @param scratch an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(LongSupplier nanoClock, Path scratch);

	private static final List<String> BRANCHES = List.of("/a", "/b");

	private static final List<String> LEAVES = List.of("/a/x", "/a/y", "/b/x", "/b/y");

	/**
	 * One step.
	 * @param kind 0 set, 1 set with a time to live, 2 ephemeral set, 3 delete, 4 time passes,
	 * 5 increment
	 * @param path where
	 * @param value the value (0..2), or the branch's one child's value
	 * @param millis the time to live, or how much time passes
	 */
	record Step(int kind, String path, int value, long millis) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.of(BRANCHES), Arbitraries.of(LEAVES),
				Arbitraries.of(LEAVES));
		return Combinators
			.combine(Arbitraries.integers().between(0, 5), path, Arbitraries.integers().between(0, 2),
					Arbitraries.longs().between(1, 120))
			.as(Step::new)
			.list()
			.ofMaxSize(40);
	}

	@Property(tries = 100)
	void readsAndExpiryCommitsFollowTheModel(@ForAll("steps") List<Step> steps) throws Exception {
		AtomicLong clock = new AtomicLong(-1_000_000_000_000L);
		Path scratch = Files.createTempDirectory("statetree-expiry-props");
		StateController c = StateController.builder()
			.backend(newBackend(clock::get, scratch))
			.dispatch(StateController.Dispatch.SYNC)
			.historySize(10_000)
			.build();
		try {
			Model model = new Model();
			for (Step step : steps) {
				long now = clock.get();
				boolean calls = step.kind() <= 3 || (step.kind() == 5 && StatePath.of(step.path()).depth() > 1);
				if (calls) {
					// every write call first deletes what is due, each entry by its own expiry commit
					model.expire(now);
				}
				apply(c, model, step, now);
				if (step.kind() == 4) {
					clock.addAndGet(Duration.ofMillis(step.millis()).toNanos());
				}
				// what falls due reads as absent at once, before its expiry commit
				check(c, model, clock.get());
			}
			// far past every due time, one more commit sweeps what is left
			clock.addAndGet(Duration.ofHours(1).toNanos());
			model.expire(clock.get());
			model.write(StatePath.of("/z"), 1, null, false);
			c.set("/z", 1);
			check(c, model, clock.get());
			List<String> expired = new ArrayList<>();
			int before = 0;
			int userCommits = 0;
			long last = 0;
			for (Commit commit : c.history(0, 10_000)) {
				assertThat(commit.revision()).isGreaterThan(last);
				last = commit.revision();
				if (commit.expiry()) {
					assertThat(commit.changes()).hasSize(1);
					assertThat(commit.actor()).isNull();
					expired.add(commit.changes().get(0).path() + "@" + userCommits);
				}
				else {
					userCommits++;
				}
				before++;
			}
			// an entry below another that fell due by the same time may have had its own expiry
			// commit (the timer thread swept between the two due times) or gone with its ancestor's
			List<String> extra = new ArrayList<>(expired);
			for (String required : model.expired) {
				assertThat(extra.remove(required)).as("expiry commit of %s in %s", required, expired).isTrue();
			}
			assertThat(model.covered).as("expiry commits beyond the model's").containsAll(extra);
			assertThat(before).as("commits").isEqualTo(model.commits + extra.size());
		}
		finally {
			c.close();
			try (Stream<Path> walk = Files.walk(scratch)) {
				for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
			catch (IOException ex) {
				// left for the system to clean
			}
		}
	}

	private static void apply(StateController c, Model model, Step step, long now) {
		StatePath path = StatePath.of(step.path());
		boolean branch = path.depth() == 1;
		Object value = branch ? Map.of("x", step.value()) : step.value();
		switch (step.kind()) {
			case 0 -> {
				model.write(path, value, null, false);
				c.set(path, value);
			}
			case 1 -> {
				model.write(path, value, now + Duration.ofMillis(step.millis()).toNanos(), false);
				c.set(path, value, WriteOptions.ttl(Duration.ofMillis(step.millis())));
			}
			case 2 -> {
				model.write(path, value, null, true);
				c.set(path, value, WriteOptions.ephemeral());
			}
			case 3 -> {
				model.write(path, null, null, false);
				c.delete(path);
			}
			case 5 -> {
				if (!branch) {
					model.increment(path);
					c.increment(path, 1);
				}
			}
			default -> {
			}
		}
	}

	private static void check(StateController c, Model model, long now) {
		for (String p : List.of("/a", "/b", "/a/x", "/a/y", "/b/x", "/b/y")) {
			StatePath path = StatePath.of(p);
			assertThat(AbstractHistoryBehaviourTest.norm(c.get(path))).as("value at %s", p)
				.isEqualTo(AbstractHistoryBehaviourTest.norm(model.visible(path, now)));
			Duration expected = model.timeToLive(path, now);
			Duration actual = c.timeToLive(path);
			if (expected == null) {
				assertThat(actual).as("time to live of %s", p).isNull();
			}
			else {
				assertThat(actual).as("time to live of %s", p).isNotNull();
				assertThat(actual.minus(expected).abs()).as("time to live of %s", p)
					.isLessThanOrEqualTo(Duration.ofMillis(1));
			}
		}
	}

	/** The model: a tree of nested maps and the lifetimes of its paths. */
	static final class Model {

		final Map<String, Object> root = new LinkedHashMap<>();

		/** Due time per path ({@link Long#MAX_VALUE} for an ephemeral entry). */
		final Map<StatePath, Long> lifetimes = new HashMap<>();

		/**
		 * Expired paths, each with the number of other commits made before its expiry commit (the
		 * order within one sweep is the backend's).
		 */
		final List<String> expired = new ArrayList<>();

		/**
		 * Entries that fell due below an ancestor due by the same sweep: the ancestor's expiry
		 * commit deletes them, unless the controller's timer swept them on their own before.
		 */
		final List<String> covered = new ArrayList<>();

		int commits;

		int userCommits;

		@Nullable Object read(StatePath path) {
			Object at = this.root;
			for (String segment : path.segments()) {
				if (!(at instanceof Map<?, ?> map)) {
					return null;
				}
				at = map.get(segment);
			}
			return at;
		}

		/** What a read shows at a time: the value without what is due (due entries stay until a sweep). */
		@Nullable Object visible(StatePath path, long now) {
			for (Map.Entry<StatePath, Long> e : this.lifetimes.entrySet()) {
				if (e.getValue() <= now && e.getKey().isAncestorOrSelf(path)) {
					return null;
				}
			}
			return without(path, copy(read(path)), now);
		}

		private @Nullable Object without(StatePath path, @Nullable Object value, long now) {
			if (value instanceof Map<?, ?> map) {
				Map<String, Object> kept = new LinkedHashMap<>();
				map.forEach((k, v) -> {
					StatePath child = path.child(String.valueOf(k));
					Long due = this.lifetimes.get(child);
					if (due == null || due > now) {
						kept.put(String.valueOf(k), without(child, v, now));
					}
				});
				return kept;
			}
			return value;
		}

		/** A write: the value (or a delete), then the lifetime rules. */
		void write(StatePath path, @Nullable Object value, @Nullable Long due, boolean ephemeral) {
			Object before = copy(read(path));
			put(path, value);
			if (!java.util.Objects.equals(AbstractHistoryBehaviourTest.norm(before),
					AbstractHistoryBehaviourTest.norm(read(path)))) {
				this.commits++;
				this.userCommits++;
			}
			this.lifetimes.keySet().removeIf(path::isAncestorOrSelf);
			if (value != null && due != null) {
				this.lifetimes.put(path, due);
			}
			else if (value != null && ephemeral) {
				this.lifetimes.put(path, Long.MAX_VALUE);
			}
		}

		void increment(StatePath path) {
			Object there = read(path);
			long next = ((there instanceof Number n) ? n.longValue() : 0) + 1;
			Long own = this.lifetimes.get(path);
			put(path, (int) next);
			this.commits++;
			this.userCommits++;
			this.lifetimes.keySet().removeIf(path::isAncestorOf);
			if (own != null) {
				this.lifetimes.put(path, own);
			}
		}

		@SuppressWarnings("unchecked")
		private void put(StatePath path, @Nullable Object value) {
			Map<String, Object> at = this.root;
			for (int i = 0; i < path.depth() - 1; i++) {
				Object child = at.get(path.segment(i));
				if (child == null) {
					if (value == null) {
						return;
					}
					child = new LinkedHashMap<String, Object>();
					at.put(path.segment(i), child);
				}
				at = (Map<String, Object>) child;
			}
			if (value == null) {
				at.remove(path.name());
			}
			else {
				at.put(path.name(), copy(value));
			}
		}

		private static @Nullable Object copy(@Nullable Object value) {
			if (value instanceof Map<?, ?> map) {
				Map<String, Object> copy = new LinkedHashMap<>();
				map.forEach((k, v) -> copy.put(String.valueOf(k), copy(v)));
				return copy;
			}
			return value;
		}

		/** What the sweep before a commit does: each shallowest due entry deleted by its own commit. */
		void expire(long now) {
			List<StatePath> due = new ArrayList<>();
			this.lifetimes.forEach((path, at) -> {
				if (at <= now && this.lifetimes.entrySet()
					.stream()
					.noneMatch((e) -> e.getKey().isAncestorOf(path) && e.getValue() <= now)) {
					due.add(path);
				}
			});
			this.lifetimes.forEach((path, at) -> {
				if (at <= now && read(path) != null && !due.contains(path)) {
					this.covered.add(path + "@" + this.userCommits);
				}
			});
			for (StatePath path : due) {
				if (read(path) != null) {
					this.expired.add(path + "@" + this.userCommits);
					put(path, null);
					this.commits++;
				}
				this.lifetimes.keySet().removeIf(path::isAncestorOrSelf);
			}
		}

		@Nullable Duration timeToLive(StatePath path, long now) {
			if (read(path) == null) {
				return null;
			}
			long due = Long.MAX_VALUE;
			for (Map.Entry<StatePath, Long> e : this.lifetimes.entrySet()) {
				if (e.getKey().isAncestorOrSelf(path)) {
					due = Math.min(due, e.getValue());
				}
			}
			if (due == Long.MAX_VALUE || due <= now) {
				return null;
			}
			return Duration.ofNanos(Math.max(due - now, 1_000_000));
		}

	}

}
