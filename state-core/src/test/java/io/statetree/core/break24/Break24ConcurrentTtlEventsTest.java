package io.statetree.core.break24;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import io.statetree.core.Break14Backends;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrent writers on real time with very short lifetimes (1 to 4 ms), plain rewrites and
 * deletes of a few leaves, heard by an asynchronous and a synchronous listener: per leaf the events
 * form one chain (each event's old value is the previous event's new value), so no expiry is
 * duplicated, none is heard for a value already overwritten or deleted, and none is missing; every
 * expiry removes a value that was written with a lifetime; revisions rise; the tree ends as the last
 * event of each leaf says, and no value reads after its due time. With branches, lifetimes on
 * {@code /k/i} and on leaves below it: each leaf hears one chain, whole-branch writes and
 * expiries included (held on every backend tried, sync and async dispatch).
 */
class Break24ConcurrentTtlEventsTest {

	private static final int KEYS = 6;

	private static final int THREADS = 3;

	private static final int WRITES = 200;

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(value = Break14Backends.class,
			names = { "MEMORY", "HYBRID_MEMORY_ROOT_FILES_MOUNT", "CACHING_THROUGH_MEMORY", "FILES" })
	void eachLeafHearsOneChainOfEvents(Break14Backends kind) throws Exception {
		for (StateController.Dispatch dispatch : List.of(StateController.Dispatch.SYNC,
				StateController.Dispatch.ASYNC)) {
			Path d = Files.createTempDirectory(this.dir, "run");
			run(kind, dispatch, d, false);
		}
	}

	/**
	 * The same with branches: lifetimes on {@code /k/i} (a branch) and on leaves below it, plain
	 * writes below, deletes of the branch; each {@code /k/i} hears one chain of whole subtrees.
	 */
	@ParameterizedTest
	@EnumSource(value = Break14Backends.class, names = { "MEMORY", "CACHING_THROUGH_MEMORY", "FILES" })
	void eachBranchHearsOneChainOfEvents(Break14Backends kind) throws Exception {
		for (StateController.Dispatch dispatch : List.of(StateController.Dispatch.SYNC,
				StateController.Dispatch.ASYNC)) {
			Path d = Files.createTempDirectory(this.dir, "run");
			run(kind, dispatch, d, true);
		}
	}

	private void run(Break14Backends kind, StateController.Dispatch dispatch, Path d, boolean branches)
			throws Exception {
		Set<String> timed = ConcurrentHashMap.newKeySet();
		List<String> problems = new CopyOnWriteArrayList<>();
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		int writes = (kind == Break14Backends.MEMORY || kind == Break14Backends.CACHING_THROUGH_MEMORY) ? WRITES
				: WRITES / 5;
		try (StateController c = StateController.builder().backend(kind.create(d)).dispatch(dispatch).build()) {
			// leaves: /k/* hears each leaf; branches: /k/** hears every path changed, each with its own values
			c.subscribe(branches ? "/k/**" : "/k/*", events::add);
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int id = t;
				threads.add(new Thread(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < writes; i++) {
						String path = "/k/" + random.nextInt(KEYS);
						String value = id + "-" + i;
						int op = random.nextInt(4);
						if (branches) {
							String below = path + "/s" + random.nextInt(2);
							Duration ttl = Duration.ofMillis(1 + random.nextInt(4));
							switch (op) {
								case 0 -> c.set(path, java.util.Map.of("s0", value), WriteOptions.ttl(ttl));
								case 1 -> c.set(below, value, WriteOptions.ttl(ttl));
								case 2 -> c.set(below, value);
								default -> c.delete(path);
							}
							continue;
						}
						if (op <= 1) {
							timed.add(value);
							c.set(path, value, WriteOptions.ttl(Duration.ofMillis(1 + random.nextInt(4))));
						}
						else if (op == 2) {
							c.set(path, value);
						}
						else {
							c.delete(path);
						}
						Object read = c.get(path);
						if (read != null && !(read instanceof String)) {
							problems.add("bent read at " + path + ": " + read);
						}
					}
				}));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(problems).isEmpty();
			// every value written with a lifetime goes (at most 4 ms after the last write, plus the sweep)
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				for (int k = 0; k < KEYS; k++) {
					Object v = c.get("/k/" + k);
					assertThat(v == null || !timed.contains(v)).as("%s still reads %s", k, v).isTrue();
					if (branches && v != null) {
						assertThat(c.timeToLive("/k/" + k)).as("/k/%d is permanent once settled", k).isNull();
					}
				}
			});
			// and its expiry is heard
			org.awaitility.core.ConditionTimeoutException lastDiffers = null;
			try {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				Map<String, Object> last = lastValues(events);
				for (String path : checked(branches)) {
					assertThat(last.get(path)).as("last event of %s", path).isEqualTo(c.get(path));
				}
			});
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				lastDiffers = ex;
			}
			assertThat(events.stream().filter(StateEvent::isExpiry)).as("some expiries heard").isNotEmpty();
			Map<String, Object> current = new HashMap<>();
			long revision = 0;
			Set<Long> expiryRevisions = new HashSet<>();
			for (StateEvent e : events) {
				String path = e.path().toString();
				if (branches && e.path().depth() != 3) {
					// a branch hears its own writes only (a write below it is heard at the leaf)
					continue;
				}
				assertThat(e.revision()).as("%s: revisions rise (%s)", dispatch, e).isGreaterThanOrEqualTo(revision);
				revision = e.revision();
				assertThat(e.prevValue()).as("%s %s: chain at %s (event %s)", kind, dispatch, path, describe(e))
					.isEqualTo(current.get(path));
				if (e.isExpiry()) {
					assertThat(e.newValue()).isNull();
					if (!branches) {
						assertThat(timed).as("expired value %s was written with a lifetime", e.prevValue())
							.contains((String) e.prevValue());
					}
					assertThat(branches || expiryRevisions.add(e.revision())).as("one expiry per commit").isTrue();
				}
				current.put(path, e.newValue());
			}
			if (lastDiffers != null) {
				StringBuilder trail = new StringBuilder();
				for (StateEvent e : events) {
					if (e.path().toString().startsWith("/k/0")) {
						trail.append("\n  ").append(describe(e));
					}
				}
				throw new AssertionError(kind + " " + dispatch + ": " + lastDiffers.getMessage() + "; tree /k/0="
						+ c.get("/k/0") + " events of /k/0:" + trail);
			}
		}
	}

	/** The paths whose last event must match the tree: the leaves. */
	private static List<String> checked(boolean branches) {
		List<String> paths = new ArrayList<>();
		for (int k = 0; k < KEYS; k++) {
			if (branches) {
				paths.add("/k/" + k + "/s0");
				paths.add("/k/" + k + "/s1");
			}
			else {
				paths.add("/k/" + k);
			}
		}
		return paths;
	}

	private static String describe(StateEvent e) {
		return e.path() + " r" + e.revision() + " " + e.prevValue() + " -> " + e.newValue()
				+ (e.isExpiry() ? " (expiry)" : "");
	}

	private static Map<String, Object> lastValues(List<StateEvent> events) {
		Map<String, Object> last = new HashMap<>();
		for (StateEvent e : events) {
			last.put(e.path().toString(), e.newValue());
		}
		return last;
	}

}
