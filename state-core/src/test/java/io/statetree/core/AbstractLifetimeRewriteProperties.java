package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifetime rules of DESIGN §12 at the entry points a user reaches them by, in virtual time on
 * each local backend (each backend's test class supplies {@link #newBackend} taking the virtual
 * nanosecond clock), for the kinds of fault issue 14's breaker found:
 * <ul>
 * <li>an equal rewrite without a lifetime, through any entry point ({@code set}, {@code setAll},
 * {@code update}, batches, their asynchronous forms, {@code restore}, a custom equality, a
 * rewrite of the parent), makes the value permanent, with no revision, and nothing expires it
 * (on a hybrid, under the mount and on the root backend);</li>
 * <li>an {@code update} (or a batch) whose value falls due while its function runs does not
 * replace it: the value's expiry commit comes first and the function runs again on {@code null};</li>
 * <li>a derived value that follows an expiry inside the expiry commit is not heard as an expiry
 * (an expiry's new value is {@code null}).</li>
 * </ul>
 */
public abstract class AbstractLifetimeRewriteProperties {

	/**
	 * Creates a fresh, empty backend that reads time from the given clock.
	 * @param nanoClock the virtual monotonic clock, in nanoseconds
	 * @param scratch an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(LongSupplier nanoClock, Path scratch);

	/**
	 * Where the properties write (a hybrid's mount), empty for the root.
	 * @return the prefix
	 */
	protected String prefix() {
		return "";
	}

	/** The entry points that rewrite a value equal to the one there, without a lifetime. */
	public enum Rewrite {

		SET, ASYNC_SET, SET_WITH_ACTOR, SET_WITH_EQUALITY, SET_ALL, ASYNC_SET_ALL, UPDATE, ASYNC_UPDATE, BATCH_SET,
		BATCH_SET_ALL, BATCH_UPDATE, RESTORE, PARENT_SET;

		/**
		 * Rewrites the path with the value it holds.
		 * @param c the controller
		 * @param path the path (its parent holds only it)
		 * @param value the value there
		 */
		public void apply(StateController c, String path, Object value) {
			switch (this) {
				case SET -> c.set(path, value);
				case ASYNC_SET -> c.async().set(path, value).join();
				case SET_WITH_ACTOR -> c.set(path, value, WriteOptions.actor("ada"));
				case SET_WITH_EQUALITY -> c.set(path, value, WriteOptions.equality((a, b) -> true));
				case SET_ALL -> c.setAll(Map.of(path, value));
				case ASYNC_SET_ALL -> c.async().setAll(Map.of(path, value)).join();
				case UPDATE -> c.update(path, Object.class, (v) -> v);
				case ASYNC_UPDATE -> c.async().update(path, Object.class, (v) -> v).join();
				case BATCH_SET -> c.batch(() -> c.set(path, value));
				case BATCH_SET_ALL -> c.batch(() -> c.setAll(Map.of(path, value)));
				case BATCH_UPDATE -> c.batch(() -> c.update(path, Object.class, (v) -> v));
				case RESTORE -> c.restore(c.snapshot(path));
				case PARENT_SET -> c.set(path.substring(0, path.lastIndexOf('/')), Map.of("v", value));
			}
		}

	}

	@Provide
	Arbitrary<Object> values() {
		return Arbitraries.oneOf(Arbitraries.integers().between(-3, 3).map((i) -> (Object) i),
				Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(4).map((s) -> (Object) s),
				Arbitraries.integers().between(0, 3).map((i) -> (Object) Map.of("k", i)));
	}

	@Property(tries = 100)
	void anEqualRewriteWithoutALifetimeMakesTheValuePermanent(@ForAll Rewrite rewrite,
			@ForAll("values") Object value, @ForAll @LongRange(min = 1, max = 600_000) long ttlMillis,
			@ForAll boolean ephemeral, @ForAll @IntRange(min = 0, max = 99) int percentPassed, @ForAll boolean atTheRoot)
			throws Exception {
		run((clock, c, backend) -> {
			// a hybrid is tried under its mount and on its root backend
			String path = (atTheRoot ? "" : prefix()) + "/e/v";
			c.set(path, value, ephemeral ? WriteOptions.ephemeral() : WriteOptions.ttl(Duration.ofMillis(ttlMillis)));
			long revision = c.revision();
			clock.addAndGet(Duration.ofMillis(ttlMillis).toNanos() * percentPassed / 100);
			rewrite.apply(c, path, value);
			assertThat(AbstractHistoryBehaviourTest.norm(c.get(path))).as("the value after the rewrite")
				.isEqualTo(AbstractHistoryBehaviourTest.norm(value));
			assertThat(c.timeToLive(path)).as("the time to live after the rewrite").isNull();
			assertThat(c.revision()).as("an equal write makes no revision").isEqualTo(revision);
			assertThat(backend.expiringEntries().lifetimes().keySet()).as("the lifetimes the backend keeps")
				.noneMatch((p) -> p.isAncestorOrSelf(StatePath.of(path)) || StatePath.of(path).isAncestorOf(p));
			clock.addAndGet(Duration.ofHours(1).toNanos() + Duration.ofMillis(ttlMillis).toNanos());
			c.set(prefix() + "/z", 1);
			assertThat(AbstractHistoryBehaviourTest.norm(c.get(path))).as("the value long after the old due time")
				.isEqualTo(AbstractHistoryBehaviourTest.norm(value));
			assertThat(c.history(0, 100)).as("expiry commits").noneMatch(Commit::expiry);
		});
	}

	@Example
	void getOrWriteOfAPresentValueKeepsItsLifetime() throws Exception {
		run((clock, c, backend) -> {
			String path = prefix() + "/keep/v";
			c.set(path, 1, WriteOptions.ttl(Duration.ofMillis(400)));
			assertThat(c.getOrWrite(path, Integer.class, 2)).isEqualTo(1);
			assertThat(c.timeToLive(path)).isNotNull();
			clock.addAndGet(Duration.ofMillis(500).toNanos());
			c.set(prefix() + "/z", 1);
			assertThat(c.get(path)).isNull();
			assertThat(c.history(0, 100)).filteredOn(Commit::expiry).hasSize(1);
		});
	}

	/** The entry points whose function reads the value before they write it. */
	public enum ReadingWrite {
		UPDATE, ASYNC_UPDATE, BATCH_UPDATE, BATCH_READ_THEN_SET
	}

	@Property(tries = 60)
	void aValueThatFallsDueWhileTheFunctionRunsIsExpiredFirstAndNotReplaced(@ForAll ReadingWrite write,
			@ForAll @IntRange(min = -5, max = 5) int old, @ForAll @LongRange(min = 1, max = 600_000) long ttlMillis,
			@ForAll @LongRange(min = 0, max = 10_000) long lateMillis) throws Exception {
		run((clock, c, backend) -> {
			String path = prefix() + "/k";
			c.set(path, old, WriteOptions.ttl(Duration.ofMillis(ttlMillis)));
			List<@Nullable Object> seen = new CopyOnWriteArrayList<>();
			AtomicInteger calls = new AtomicInteger();
			java.util.function.UnaryOperator<@Nullable Integer> function = (v) -> {
				seen.add(v);
				if (calls.incrementAndGet() == 1) {
					// the value falls due while the function runs
					clock.addAndGet(Duration.ofMillis(ttlMillis + lateMillis).toNanos());
				}
				return (v == null) ? 100 : v + 1;
			};
			switch (write) {
				case UPDATE -> c.update(path, Integer.class, function);
				case ASYNC_UPDATE -> c.async().update(path, Integer.class, function).join();
				case BATCH_UPDATE -> c.batch(() -> c.update(path, Integer.class, function));
				case BATCH_READ_THEN_SET -> c.batch(() -> c.set(path, function.apply(c.get(path, Integer.class))));
			}
			assertThat(seen).as("what the function saw").containsExactly(old, null);
			assertThat(c.get(path)).isEqualTo(100);
			assertThat(c.timeToLive(path)).isNull();
			List<String> history = new ArrayList<>();
			for (Commit commit : c.history(0, 100)) {
				for (ChangedPath change : commit.changes()) {
					history.add((commit.expiry() ? "expiry " : "") + change.oldValue() + " -> " + change.newValue());
				}
			}
			assertThat(history).containsExactly("null -> " + old, "expiry " + old + " -> null", "null -> 100");
		});
	}

	@Property(tries = 40)
	void aDerivedValueFollowingAnExpiryIsNotHeardAsAnExpiry(@ForAll("values") Object value,
			@ForAll @LongRange(min = 1, max = 600_000) long ttlMillis) throws Exception {
		run((clock, c, backend) -> {
			String source = prefix() + "/src";
			c.derive("/der/label", source, (v) -> (v == null) ? "none" : "d:" + AbstractHistoryBehaviourTest.norm(v));
			List<StateEvent> derived = new CopyOnWriteArrayList<>();
			List<StateEvent> sourced = new CopyOnWriteArrayList<>();
			c.subscribe("/der/*", derived::add);
			c.subscribe(source, sourced::add);
			c.set(source, value, WriteOptions.ttl(Duration.ofMillis(ttlMillis)));
			clock.addAndGet(Duration.ofMillis(ttlMillis).toNanos());
			c.set(prefix() + "/z", 1);
			assertThat(c.get("/der/label")).isEqualTo("none");
			// the expiry commit may be the sweeper thread's (the virtual clock says due at once), and
			// a synchronous delivery runs on the committing thread after its commit: wait for it
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(derived).extracting((e) -> e.newValue() + (e.isExpiry() ? " expiry" : ""))
					.as("what a listener of the derived value hears")
					.containsExactly("d:" + AbstractHistoryBehaviourTest.norm(value), "none");
				assertThat(sourced).extracting(StateEvent::isExpiry).containsExactly(false, true);
			});
			assertThat(sourced.get(1).newValue()).isNull();
			assertThat(c.history(0, 100)).filteredOn(Commit::expiry).hasSize(1);
		});
	}

	@FunctionalInterface
	interface Body {

		void run(AtomicLong clock, StateController c, StateBackend backend) throws Exception;

	}

	private void run(Body body) throws Exception {
		AtomicLong clock = new AtomicLong(-1_000_000_000_000L);
		Path scratch = Files.createTempDirectory("statetree-rewrite-props");
		StateBackend backend = newBackend(clock::get, scratch);
		StateController c = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.historySize(10_000)
			.build();
		try {
			body.run(clock, c, backend);
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

}
