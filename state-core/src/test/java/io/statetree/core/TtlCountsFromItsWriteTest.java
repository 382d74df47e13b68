package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14 (README "Memory TTL: one clock reading per commit"): whatever a thread did
 * before, a write with a time to live counts it from that write. Each case first makes a write
 * that changes nothing, is refused or throws (an equal write, a delete of nothing, a write under a
 * leaf, a value Jackson cannot map, an equality that holds, an asynchronous equal write, an equal
 * {@code setAll}, a ping, an equal write with a lifetime, an increment of a string, a lifetime on
 * a hybrid's mount point, an invalid path...), while another lifetime exists so that the due check
 * has something to lend; then, {@link #GAP} later on the same thread, a write with a time to live
 * of 10 s must report about 10 s left ({@code timeToLive} never more than given, never less than
 * given minus the time the write and the read took and 2 ms), and a write with 300 ms must read
 * back at once. A reading lent by the first call and left behind would date the second write at
 * least the gap in the past, ten times the 2 ms allowed. Every backend kind, on each mount of the
 * hybrids.
 */
class TtlCountsFromItsWriteTest {

	/**
	 * The time between the first call and the write with a lifetime: a reading left behind is at
	 * least this old (was 150 ms, 19 times per case; any gap well over the 2 ms allowed shows it).
	 */
	private static final Duration GAP = Duration.ofMillis(20);

	@TempDir
	Path dir;

	/** The first call on the thread, which commits nothing. */
	enum Before {

		EQUAL_SET, DELETE_ABSENT, SET_UNDER_LEAF, UNMAPPABLE_VALUE, EQUALITY_HOLDS, ASYNC_EQUAL_SET, SET_ALL_EQUAL, PING,
		EQUAL_SET_WITH_TTL, EQUAL_SET_EPHEMERAL, DELETE_UNDER_LEAF, INCREMENT_A_STRING, TTL_ON_MOUNT_POINT, INVALID_PATH,
		GET_OR_WRITE_PRESENT, UPDATE_UNCHANGED, EMPTY_BATCH, ASYNC_DELETE_ABSENT, PLAIN_SET_CHANGING

	}

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (Break14Backends kind : Break14Backends.values()) {
			cases.add(Arguments.of(kind, 0));
			if (!kind.prefix(0).equals(kind.prefix(1))) {
				cases.add(Arguments.of(kind, 1));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} writer {1}")
	@MethodSource("cases")
	void aTimeToLiveCountsFromItsOwnWriteWhateverTheThreadDidBefore(Break14Backends kind, int writer) {
		String p = kind.prefix(writer) + "/lent";
		StateController c = StateController.builder()
			.backend(kind.create(this.dir.resolve("state")))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		List<String> failures = new ArrayList<>();
		try {
			c.set(p + "/other", 1, WriteOptions.ttl(Duration.ofHours(1)));
			c.set(p + "/same", 1);
			c.set(p + "/leaf", 5);
			c.set(p + "/str", "s");
			int n = 0;
			for (Before before : Before.values()) {
				n++;
				try {
					before(c, kind, p, before, n);
				}
				catch (RuntimeException expected) {
					// refused: that is the point
				}
				await().pollDelay(GAP).atMost(Duration.ofSeconds(5)).until(() -> true);
				long t0 = System.nanoTime();
				c.set(p + "/t" + n, "v", WriteOptions.ttl(Duration.ofSeconds(10)));
				Duration left = c.timeToLive(p + "/t" + n);
				long took = System.nanoTime() - t0;
				if (left == null) {
					failures.add(before + ": timeToLive null right after a write with 10 s");
				}
				else if (left.compareTo(Duration.ofSeconds(10)) > 0
						|| left.toNanos() < Duration.ofSeconds(10).toNanos() - took - 2_000_000) {
					failures.add(before + ": timeToLive " + left.toMillis() + " ms right after a write with 10 s that took "
							+ took / 1_000_000 + " ms");
				}
				long u0 = System.nanoTime();
				c.set(p + "/u" + n, "v", WriteOptions.ttl(Duration.ofMillis(300)));
				Object got = c.get(p + "/u" + n);
				long tookU = System.nanoTime() - u0;
				if (got == null && tookU < Duration.ofMillis(250).toNanos()) {
					failures.add(before + ": a value written with a 300 ms time to live read null at once (write and read took "
							+ tookU / 1_000_000 + " ms)");
				}
			}
		}
		finally {
			c.close();
		}
		assertThat(failures).as("%s on %s", kind, p).isEmpty();
	}

	private static void before(StateController c, Break14Backends kind, String p, Before before, int n) {
		switch (before) {
			case EQUAL_SET -> c.set(p + "/same", 1);
			case DELETE_ABSENT -> c.delete(p + "/absent");
			case SET_UNDER_LEAF -> c.set(p + "/leaf/x", 1);
			case UNMAPPABLE_VALUE -> c.set(p + "/bad", Thread.currentThread());
			case EQUALITY_HOLDS -> c.set(p + "/same", 2, WriteOptions.equality((a, b) -> true));
			case ASYNC_EQUAL_SET -> c.async().set(p + "/same", 1).join();
			case SET_ALL_EQUAL -> c.setAll(Map.of(p + "/same", 1));
			case PING -> c.ping(p + "/same");
			case EQUAL_SET_WITH_TTL -> c.set(p + "/same", 1, WriteOptions.ttl(Duration.ofHours(2)));
			case EQUAL_SET_EPHEMERAL -> c.set(p + "/same", 1, WriteOptions.ephemeral());
			case DELETE_UNDER_LEAF -> c.delete(p + "/leaf/x");
			case INCREMENT_A_STRING -> c.increment(p + "/str", 1);
			case TTL_ON_MOUNT_POINT -> {
				if (!kind.prefix(0).isEmpty()) {
					c.set(kind.prefix(0), Map.of("x", 1), WriteOptions.ttl(Duration.ofSeconds(1)));
				}
			}
			case INVALID_PATH -> c.set(p + "//x", 1);
			case GET_OR_WRITE_PRESENT -> c.getOrWrite(p + "/same", Integer.class, 7);
			case UPDATE_UNCHANGED -> c.update(p + "/same", Integer.class, v -> v);
			case EMPTY_BATCH -> c.batch(() -> {
			});
			case ASYNC_DELETE_ABSENT -> c.async().delete(p + "/absent").join();
			case PLAIN_SET_CHANGING -> c.set(p + "/changing", n);
		}
	}

}
