package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code timeToLive} inside a computed value's function (DESIGN §12, §16): read at the
 * computation's one snapshot like every value read there, and a change of the lifetime (even
 * one that leaves the value equal) computes the value again. A concurrent writer (another
 * thread, a real commit) changes the lifetime between two reads inside one computation; both
 * reads must answer the lifetime the snapshot had. Each backend's test class extends this one.
 */
public abstract class AbstractComputedLifetimeTest {

	private static final Duration HOUR = Duration.ofHours(1);

	private static final Duration THREE_HOURS = Duration.ofHours(3);

	/**
	 * Creates a fresh, empty backend.
	 * @param scratch an empty directory, deleted after the test, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path scratch);

	/**
	 * The branch the tests write under ({@code ""} for the root); a backend with mounts puts it
	 * on a mounted backend.
	 * @return the prefix, without a trailing slash
	 */
	protected String base() {
		return "";
	}

	private final List<StateController> opened = new ArrayList<>();

	private final List<Path> scratches = new ArrayList<>();

	private StateController controller() throws IOException {
		Path dir = Files.createTempDirectory("statetree-computed-ttl");
		this.scratches.add(dir);
		StateController c = StateController.builder().backend(newBackend(dir)).build();
		this.opened.add(c);
		return c;
	}

	@AfterEach
	void closeAll() throws IOException {
		for (StateController c : this.opened) {
			c.close();
		}
		this.opened.clear();
		for (Path dir : this.scratches) {
			try (Stream<Path> walk = Files.walk(dir)) {
				for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
		this.scratches.clear();
	}

	/** What one computation saw: two lifetime reads and two value reads, the writer between them. */
	record Seen(@Nullable Duration first, @Nullable Duration second, @Nullable Object firstValue,
			@Nullable Object secondValue) {
	}

	/**
	 * Computes, on the first run only, with a writer committing {@code value} with {@code options}
	 * on another thread between the two reads of each pair.
	 */
	private Computed<Seen> withWriterBetweenReads(StateController c, String path, Object value, WriteOptions options,
			AtomicInteger runs) {
		return c.computed((view) -> {
			boolean first = runs.getAndIncrement() == 0;
			Duration ttl = c.timeToLive(path);
			Object seen = view.get(path);
			if (first) {
				CompletableFuture.runAsync(() -> c.set(path, value, options)).join();
			}
			return new Seen(ttl, c.timeToLive(path), seen, view.get(path));
		});
	}

	private static void assertAboutOneHour(@Nullable Duration ttl, String what) {
		assertThat(ttl).as(what).isNotNull();
		assertThat(ttl).as(what).isLessThanOrEqualTo(HOUR).isGreaterThan(HOUR.minusMinutes(5));
	}

	private static void assertAboutThreeHours(@Nullable Duration ttl, String what) {
		assertThat(ttl).as(what).isNotNull();
		assertThat(ttl).as(what).isLessThanOrEqualTo(THREE_HOURS).isGreaterThan(THREE_HOURS.minusMinutes(5));
	}

	@Test
	void aLifetimeRestartedMidComputationReadsAsTheSnapshotHadIt() throws IOException {
		StateController c = controller();
		String k = base() + "/k";
		c.set(k, "v", WriteOptions.ttl(HOUR));
		AtomicInteger runs = new AtomicInteger();
		Computed<Seen> computed = withWriterBetweenReads(c, k, "w", WriteOptions.ttl(THREE_HOURS), runs);
		Seen seen = computed.get();
		assertAboutOneHour(seen.first(), "the first read");
		assertAboutOneHour(seen.second(), "the read after the concurrent write, at the same snapshot");
		assertThat(seen.secondValue()).isEqualTo(seen.firstValue()).isEqualTo("v");
		Seen again = computed.get();
		assertThat(runs.get()).as("computed again after the lifetime changed").isEqualTo(2);
		assertAboutThreeHours(again.first(), "the new lifetime");
		assertAboutThreeHours(again.second(), "the new lifetime");
		assertThat(again.firstValue()).isEqualTo("w");
	}

	@Test
	void aLifetimeOnlyRewriteMidComputationReadsAsTheSnapshotHadItAndComputesAgain() throws IOException {
		StateController c = controller();
		String k = base() + "/k";
		c.set(k, "v", WriteOptions.ttl(HOUR));
		AtomicInteger runs = new AtomicInteger();
		// the same value, a longer lifetime: no value changes, the lifetime does
		Computed<Seen> computed = withWriterBetweenReads(c, k, "v", WriteOptions.ttl(THREE_HOURS), runs);
		Seen seen = computed.get();
		assertAboutOneHour(seen.first(), "the first read");
		assertAboutOneHour(seen.second(), "the read after the concurrent rewrite, at the same snapshot");
		assertAboutThreeHours(c.timeToLive(k), "the lifetime outside the computation");
		Seen again = computed.get();
		assertThat(runs.get()).as("computed again after only the lifetime changed").isEqualTo(2);
		assertAboutThreeHours(again.first(), "the new lifetime");
		assertThat(computed.get()).isSameAs(again);
		assertThat(runs.get()).as("memoised while nothing changes").isEqualTo(2);
	}

	@Test
	void aLifetimeClearedMidComputationReadsAsTheSnapshotHadIt() throws IOException {
		StateController c = controller();
		String k = base() + "/k";
		c.set(k, "v", WriteOptions.ttl(HOUR));
		AtomicInteger runs = new AtomicInteger();
		// a write without a lifetime makes the value permanent (DESIGN §12)
		Computed<Seen> computed = withWriterBetweenReads(c, k, "w", WriteOptions.defaults(), runs);
		Seen seen = computed.get();
		assertAboutOneHour(seen.first(), "the first read");
		assertAboutOneHour(seen.second(), "the read after the concurrent permanent write, at the same snapshot");
		assertThat(seen.secondValue()).isEqualTo("v");
		Seen again = computed.get();
		assertThat(again.first()).as("permanent now").isNull();
		assertThat(again.second()).isNull();
		assertThat(again.firstValue()).isEqualTo("w");
	}

	@Test
	void aLifetimeGivenMidComputationToAPermanentValueReadsAsNone() throws IOException {
		StateController c = controller();
		String k = base() + "/b/k";
		c.set(k, "v");
		AtomicInteger runs = new AtomicInteger();
		// a lifetime on the branch above covers the path read (DESIGN §12)
		Computed<Seen> computed = c.computed((view) -> {
			boolean first = runs.getAndIncrement() == 0;
			Duration ttl = c.timeToLive(k);
			if (first) {
				CompletableFuture.runAsync(() -> c.set(base() + "/b", java.util.Map.of("k", "v"),
						WriteOptions.ttl(HOUR))).join();
			}
			return new Seen(ttl, c.timeToLive(k), null, null);
		});
		Seen seen = computed.get();
		assertThat(seen.first()).isNull();
		assertThat(seen.second()).as("no lifetime at the snapshot").isNull();
		Seen again = computed.get();
		assertThat(runs.get()).isEqualTo(2);
		assertAboutOneHour(again.first(), "the branch's lifetime");
	}

	/**
	 * redisttl26: a computed value that reads another one whose function read a lifetime. The inner
	 * value's memo answers the outer run and adds the paths it read to the outer's dependencies, but
	 * not the lifetimes it read: a write that only restarts or clears that lifetime computed the inner
	 * value again and left the outer one answering the old lifetime.
	 */
	@Test
	void aValueReadingALifetimeThroughAnotherComputedValueComputesAgainWhenOnlyTheLifetimeChanges()
			throws IOException {
		StateController c = controller();
		String k = base() + "/k";
		c.set(k, "v", WriteOptions.ttl(HOUR));
		Computed<Duration> inner = c.computed((view) -> c.timeToLive(k));
		Computed<Duration> outer = c.computed((view) -> inner.get());
		assertAboutOneHour(inner.get(), "the inner value");
		assertAboutOneHour(outer.get(), "the outer value, answered by the inner memo");
		c.set(k, "v", WriteOptions.ttl(THREE_HOURS));
		assertAboutThreeHours(inner.get(), "the inner value after the restart");
		assertAboutThreeHours(outer.get(), "the outer value after the restart");
		c.set(k, "v");
		assertThat(inner.get()).as("the inner value, permanent").isNull();
		assertThat(outer.get()).as("the outer value, permanent").isNull();
	}

	/**
	 * break25's finding: a lifetime restarted by a concurrent writer and then passing its due time
	 * inside one computation read {@code PT0S} at the pin, where the same run without the writer
	 * reads {@code null} (a lifetime already due reads as none, DESIGN §12): two reads differed by a
	 * write. Now both answer {@code null}.
	 */
	@Test
	void aLifetimeThatFallsDueMidComputationAfterAConcurrentRestartReadsAsNone() throws IOException {
		StateController c = controller();
		String k = base() + "/k";
		String other = base() + "/other";
		Duration ttl = Duration.ofMillis(1500);
		for (boolean restart : new boolean[] { false, true }) {
			c.set(k, "v", WriteOptions.ttl(ttl));
			long written = System.nanoTime();
			AtomicInteger runs = new AtomicInteger();
			Computed<Seen> computed = c.computed((view) -> {
				boolean first = runs.getAndIncrement() == 0;
				Duration before = c.timeToLive(k);
				if (first) {
					CompletableFuture.runAsync(() -> {
						if (restart) {
							c.set(k, "v", WriteOptions.ttl(HOUR));
						}
						else {
							c.set(other, "x" + written);
						}
					}).join();
					await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - written > ttl.toNanos() + 100_000_000L);
				}
				return new Seen(before, c.timeToLive(k), null, null);
			});
			Seen seen = computed.get();
			String what = restart ? "with a concurrent restart of the lifetime" : "with a concurrent write elsewhere";
			assertThat(seen.first()).as(what + ": the first read, before the due time").isNotNull();
			assertThat(seen.second()).as(what + ": the read after the due time").isNull();
			computed.close();
			c.delete(k);
		}
	}

}
