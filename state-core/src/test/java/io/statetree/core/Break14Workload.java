package io.statetree.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * Break issue 14 from outside: several writers, each owning three leaves, mix writes with and
 * without a time to live, ephemeral writes, deletes, {@code update}, {@code getOrWrite},
 * {@code setAll}, {@code async()} and batches, while a listener that writes (with a time to live
 * of its own) and a derivation run. Every value written is unique, so the history can be matched
 * against what each writer did and when: after every call a read of the writer's own leaves must
 * agree with the model (present before the due time, {@code null} from it, {@code timeToLive}
 * never above what was given, never negative, {@code null} once due); at the end every leaf's
 * changes in the history must be exactly the writes and the expiries the model demands (one
 * expiry commit per lifetime that ran out, before the next write, within one second of the due
 * time, never before it), and every listener must have heard every change of the history exactly
 * once, in revision order, with {@code isExpiry()} as the commit says.
 *
 * <p>
 * Time is real (monotonic {@code System.nanoTime}); a due time is known to lie between the clock
 * before the call and the clock after it, plus the time to live, with 2 ms either side for
 * millisecond rounding; a read or a write that falls in that window is allowed either outcome
 * and the history says which happened.
 */
public final class Break14Workload {

	private static final long SLACK = TimeUnit.MILLISECONDS.toNanos(2);

	/** The long lifetime some writes get, in milliseconds (the others get 5 to 254 ms). */
	static final long LONG_TTL_MILLIS = 2_000;

	/** One recorded change of the history. */
	public record Change(long revision, Instant time, String path, @Nullable Object oldValue,
			@Nullable Object newValue, boolean expiry) {

		@Override
		public String toString() {
			return "r" + this.revision + (this.expiry ? " EXPIRY " : " ") + this.path + ": " + this.oldValue + " -> "
					+ this.newValue;
		}

	}

	/** One event a listener heard. */
	public record Heard(long revision, String path, @Nullable Object oldValue, @Nullable Object newValue,
			boolean expiry) {

		@Override
		public String toString() {
			return "r" + this.revision + (this.expiry ? " EXPIRY " : " ") + this.path + ": " + this.oldValue + " -> "
					+ this.newValue;
		}

	}

	/** One write a writer made at one of its leaves. */
	static final class Write {

		final String kind;

		final @Nullable Object value;

		/** The time to live in nanoseconds, 0 for permanent, -1 for ephemeral. */
		final long ttl;

		final long t0;

		final long t1;

		/** What an {@code update} found (its function's last argument), when {@link #foundKnown}. */
		@Nullable Object found;

		boolean foundKnown;

		Write(String kind, @Nullable Object value, long ttl, long t0, long t1) {
			this.kind = kind;
			this.value = value;
			this.ttl = ttl;
			this.t0 = t0;
			this.t1 = t1;
		}

		boolean expiring() {
			return this.ttl > 0 && this.value != null;
		}

		long dueLo() {
			return this.t0 + this.ttl - SLACK;
		}

		long dueHi() {
			return this.t1 + this.ttl + SLACK;
		}

		@Override
		public String toString() {
			return this.kind + " " + this.value + (this.ttl > 0 ? " ttl " + this.ttl / 1_000_000 + "ms"
					: (this.ttl < 0 ? " ephemeral" : "")) + (this.foundKnown ? " found " + this.found : "");
		}

	}

	/** The settings of one run. */
	public record Settings(int writers, int operations, long seed, boolean echoListener, boolean derivation,
			Duration expiryBound) {
	}

	private final List<StateController> controllers;

	private final Settings settings;

	private final java.util.function.IntFunction<String> prefix;

	/**
	 * One moment on both clocks, to place monotonic readings on the wall clock commits are stamped
	 * with: read {@code nanoTime}, the wall clock, {@code nanoTime}, and keep the narrowest of a few
	 * tries (a thread preempted between two plain reads put every due time 6 ms late at load 15,
	 * so three expiries "came 6 ms before their due time").
	 */
	private final long[] anchor = anchor();

	private final long startNanos = this.anchor[0];

	private final Instant startWall = Instant.ofEpochSecond(0, this.anchor[1]);

	/** Writes per leaf, in the order each leaf's writer made them. */
	private final Map<String, List<Write>> writes = new LinkedHashMap<>();

	private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

	private final List<List<Heard>> heard = new ArrayList<>();

	private final List<Subscription> subscriptions = new ArrayList<>();

	/**
	 * A workload on the given controllers (writer {@code i} uses controller {@code i % size}).
	 * @param controllers the controllers sharing one store
	 * @param settings the settings
	 * @param prefix the path prefix of writer {@code i} (empty for the root)
	 */
	public Break14Workload(List<StateController> controllers, Settings settings,
			java.util.function.IntFunction<String> prefix) {
		this.controllers = controllers;
		this.settings = settings;
		this.prefix = prefix;
		for (int i = 0; i < settings.writers(); i++) {
			for (int e = 0; e < 3; e++) {
				this.writes.put(leaf(i, e), new ArrayList<>());
			}
		}
	}

	private String leaf(int writer, int e) {
		return this.prefix.apply(writer) + "/t" + writer + "/e" + e;
	}

	/**
	 * Subscribes the recording listeners (one per controller), the writing listener and the
	 * derivations, runs the writers, waits until every lifetime ran out and every listener heard
	 * the history, and returns the failures found (empty when every promise held).
	 * @return the failures, each naming the leaf, what was written and what the history holds
	 * @throws Exception when a writer fails unexpectedly
	 */
	public List<String> run() throws Exception {
		for (StateController c : this.controllers) {
			List<Heard> events = new CopyOnWriteArrayList<>();
			this.heard.add(events);
			this.subscriptions.add(c.subscribe("/**", e -> events.add(new Heard(e.revision(),
					e.emittingPath().toString(), e.prevValue(), e.newValue(), e.isExpiry()))));
		}
		if (this.settings.echoListener()) {
			for (int ci = 0; ci < this.controllers.size(); ci++) {
				StateController c = this.controllers.get(ci);
				String echo = "/echo/c" + ci;
				this.subscriptions.add(c.subscribe("/**", e -> {
					String p = e.emittingPath().toString();
					if (p.endsWith("/e0") && e.origin().equals(c.instanceId())) {
						// a listener that writes, with a lifetime of its own, on whatever thread hears it
						Object v = (e.newValue() != null) ? "echo:" + e.newValue() : "gone:" + e.prevValue();
						c.set(echo + p.replace('/', '_'), v, WriteOptions.ttl(Duration.ofMillis(40)));
					}
				}));
			}
		}
		if (this.settings.derivation()) {
			StateController c = this.controllers.get(0);
			for (int i = 0; i < this.settings.writers(); i++) {
				c.derive("/der/t" + i, leaf(i, 1), v -> (v == null) ? "none" : "d:" + v);
			}
		}
		ExecutorService pool = Executors.newFixedThreadPool(this.settings.writers());
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < this.settings.writers(); i++) {
				int writer = i;
				done.add(pool.submit(() -> {
					writer(writer);
					return null;
				}));
			}
			for (Future<?> f : done) {
				f.get(10, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		// every lifetime left runs out (the last writes have 50 ms), then one second for the expiry
		long lastDue = this.writes.values()
			.stream()
			.flatMap(List::stream)
			.filter(Write::expiring)
			.mapToLong(Write::dueHi)
			.max()
			.orElse(System.nanoTime());
		long waitMillis = Math.max(0, (lastDue - System.nanoTime()) / 1_000_000) + 1_500;
		await().pollDelay(Duration.ofMillis(waitMillis)).atMost(Duration.ofMillis(waitMillis + 1_000)).until(() -> true);
		StateController first = this.controllers.get(0);
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
			int expected = changeCount(first);
			return this.heard.stream().allMatch(h -> h.size() >= expected);
		});
		List<Change> history = history(first);
		checkLeaves(history);
		checkExpiredOnce(history);
		checkHeard(history);
		checkReplay(first, history);
		return new ArrayList<>(this.failures);
	}

	/**
	 * The leaves whose last write was ephemeral, with that value.
	 * @return leaf to value
	 */
	public Map<String, Object> ephemeralLeft() {
		Map<String, Object> left = new LinkedHashMap<>();
		this.writes.forEach((leaf, ws) -> {
			if (!ws.isEmpty() && ws.get(ws.size() - 1).ttl < 0) {
				left.put(leaf, ws.get(ws.size() - 1).value);
			}
		});
		return left;
	}

	/**
	 * The leaves whose last write was permanent, with that value.
	 * @return leaf to value
	 */
	public Map<String, Object> permanentLeft() {
		Map<String, Object> left = new LinkedHashMap<>();
		this.writes.forEach((leaf, ws) -> {
			if (!ws.isEmpty() && ws.get(ws.size() - 1).ttl == 0 && ws.get(ws.size() - 1).value != null) {
				left.put(leaf, ws.get(ws.size() - 1).value);
			}
		});
		return left;
	}

	/**
	 * What each controller's recording listener heard.
	 * @return one list per controller
	 */
	public List<List<Heard>> heard() {
		return this.heard;
	}

	private static int changeCount(StateController c) {
		int n = 0;
		for (Commit commit : c.history(0, 10_000)) {
			n += commit.changes().size();
		}
		return n;
	}

	/**
	 * The controller's history, flattened to changes.
	 * @param c the controller
	 * @return the changes in revision order
	 */
	public static List<Change> history(StateController c) {
		List<Change> changes = new ArrayList<>();
		long after = 0;
		while (true) {
			List<Commit> page = c.history(after, 10_000);
			if (page.isEmpty()) {
				return changes;
			}
			for (Commit commit : page) {
				for (ChangedPath change : commit.changes()) {
					changes.add(new Change(commit.revision(), commit.time(), change.path().toString(),
							change.oldValue(), change.newValue(),
							// an expiry commit's deletions are expiries; a derived value it changes is
							// heard as an ordinary change (fix14, README "Expiring values")
							commit.expiry() && change.newValue() == null));
				}
				after = commit.revision();
			}
		}
	}

	private void writer(int i) {
		Random rnd = new Random(this.settings.seed() * 31 + i);
		StateController c = this.controllers.get(i % this.controllers.size());
		for (int n = 0; n < this.settings.operations(); n++) {
			int e = rnd.nextInt(3);
			String leaf = leaf(i, e);
			String other = leaf(i, (e + 1 + rnd.nextInt(2)) % 3);
			String v = "w" + i + "-" + n;
			// a long lifetime (one in five) outlives the writer's run and is overwritten, deleted or
			// found alive; the run takes well under a second, so 2 s keep that, and the wait for
			// every due time (superseded ones too: nothing may expire then) costs 2 s, not 10 s
			long ttlMs = (rnd.nextInt(5) == 0) ? LONG_TTL_MILLIS : 5 + rnd.nextInt(250);
			Duration ttl = Duration.ofMillis(ttlMs);
			long ttlNanos = ttl.toNanos();
			int kind = rnd.nextInt(12);
			long t0 = System.nanoTime();
			try {
				switch (kind) {
					case 0 -> {
						c.set(leaf, v);
						record(leaf, new Write("set", v, 0, t0, System.nanoTime()));
					}
					case 1, 2 -> {
						c.set(leaf, v, WriteOptions.ttl(ttl));
						record(leaf, new Write("set ttl", v, ttlNanos, t0, System.nanoTime()));
					}
					case 3 -> {
						c.set(leaf, v, WriteOptions.ephemeral());
						record(leaf, new Write("set ephemeral", v, -1, t0, System.nanoTime()));
					}
					case 4 -> {
						c.delete(leaf);
						record(leaf, new Write("delete", null, 0, t0, System.nanoTime()));
					}
					case 5, 10 -> {
						Object[] found = new Object[1];
						if (kind == 5) {
							c.update(leaf, String.class, x -> {
								found[0] = x;
								return v;
							});
						}
						else {
							c.async().update(leaf, String.class, x -> {
								found[0] = x;
								return v;
							}).join();
						}
						Write w = new Write(kind == 5 ? "update" : "async update", v, 0, t0, System.nanoTime());
						w.found = found[0];
						w.foundKnown = true;
						record(leaf, w);
					}
					case 6 -> {
						String got = c.getOrWrite(leaf, String.class, v);
						long t1 = System.nanoTime();
						if (v.equals(got)) {
							Write w = new Write("getOrWrite", v, 0, t0, t1);
							w.found = null;
							w.foundKnown = true;
							record(leaf, w);
						}
						else {
							checkFound(leaf, "getOrWrite", got, t0, t1);
						}
					}
					case 7 -> {
						Map<String, Object> all = new HashMap<>();
						all.put(leaf, v);
						all.put(other, v + "b");
						c.setAll(all);
						long t1 = System.nanoTime();
						record(leaf, new Write("setAll", v, 0, t0, t1));
						record(other, new Write("setAll", v + "b", 0, t0, t1));
					}
					case 8 -> {
						c.async().set(leaf, v, WriteOptions.ttl(ttl)).join();
						record(leaf, new Write("async set ttl", v, ttlNanos, t0, System.nanoTime()));
					}
					case 9 -> {
						c.batch(() -> {
							c.set(leaf, v, WriteOptions.ttl(ttl));
							c.set(other, v + "b");
						});
						long t1 = System.nanoTime();
						record(leaf, new Write("batch ttl", v, ttlNanos, t0, t1));
						record(other, new Write("batch", v + "b", 0, t0, t1));
					}
					default -> {
						c.async().setAll(Map.of(leaf, v)).join();
						record(leaf, new Write("async setAll", v, 0, t0, System.nanoTime()));
					}
				}
			}
			catch (RuntimeException ex) {
				this.failures.add(leaf + ": op " + kind + " threw " + ex);
				return;
			}
			List<Write> ws = this.writes.get(leaf);
			Write last = ws.isEmpty() ? null : ws.get(ws.size() - 1);
			if (last != null && last.t0 == t0 && last.expiring() && last.ttl <= TimeUnit.MILLISECONDS.toNanos(60)
					&& rnd.nextInt(3) == 0) {
				// a read right after the due time: null at once, before the expiry commit
				long until = last.dueHi();
				while (System.nanoTime() < until) {
					LockSupport.parkNanos(until - System.nanoTime());
				}
				checkRead(c, leaf);
			}
			checkRead(c, leaf(i, rnd.nextInt(3)));
			if (rnd.nextInt(8) == 0) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(rnd.nextInt(120)));
			}
		}
		// last writes: e0 expires soon, e1 ephemeral, e2 permanent
		for (int e = 0; e < 3; e++) {
			String leaf = leaf(i, e);
			String v = "last" + i + "-" + e;
			long t0 = System.nanoTime();
			if (e == 0) {
				c.set(leaf, v, WriteOptions.ttl(Duration.ofMillis(50)));
				record(leaf, new Write("set ttl", v, Duration.ofMillis(50).toNanos(), t0, System.nanoTime()));
			}
			else if (e == 1) {
				c.set(leaf, v, WriteOptions.ephemeral());
				record(leaf, new Write("set ephemeral", v, -1, t0, System.nanoTime()));
			}
			else {
				c.set(leaf, v);
				record(leaf, new Write("set", v, 0, t0, System.nanoTime()));
			}
		}
	}

	private void record(String leaf, Write w) {
		List<Write> ws = this.writes.get(leaf);
		synchronized (ws) {
			ws.add(w);
		}
	}

	/** The model's view of a leaf at [r0, r1]: 0 absent, 1 present, 2 either. */
	private int expected(Write w, long r0, long r1) {
		if (w == null || w.value == null) {
			return 0;
		}
		if (!w.expiring()) {
			return 1;
		}
		if (r1 < w.dueLo()) {
			return 1;
		}
		if (r0 >= w.dueHi()) {
			return 0;
		}
		return 2;
	}

	private void checkFound(String leaf, String what, @Nullable Object got, long t0, long t1) {
		List<Write> ws = this.writes.get(leaf);
		Write w = ws.isEmpty() ? null : ws.get(ws.size() - 1);
		int exp = expected(w, t0, t1);
		if (exp == 1 && !Objects.equals(got, w.value)) {
			this.failures.add(leaf + ": " + what + " found " + got + " while " + w + " was alive");
		}
		if (exp == 0 && got != null && (w == null || !got.equals(w.value))) {
			this.failures.add(leaf + ": " + what + " found " + got + " where nothing was alive (last " + w + ")");
		}
	}

	private void checkRead(StateController c, String leaf) {
		List<Write> ws = this.writes.get(leaf);
		Write w = ws.isEmpty() ? null : ws.get(ws.size() - 1);
		long r0 = System.nanoTime();
		Object got = c.get(leaf);
		Duration left = c.timeToLive(leaf);
		long r1 = System.nanoTime();
		int exp = expected(w, r0, r1);
		String last = (w == null) ? "nothing written" : w.toString();
		if (exp == 1 && !Objects.equals(got, w.value)) {
			this.failures.add(leaf + ": read " + got + " while " + last + " was alive ("
					+ (w.expiring() ? (w.dueLo() - r1) / 1_000_000 + " ms before its due time" : "no lifetime") + ")");
		}
		if (exp == 0 && got != null) {
			this.failures.add(leaf + ": read " + got + " after " + last
					+ (w != null && w.expiring() ? ", " + (r0 - w.dueHi()) / 1_000_000 + " ms after its due time" : ""));
		}
		if (exp == 2 && got != null && !Objects.equals(got, w.value)) {
			this.failures.add(leaf + ": read " + got + " around the due time of " + last);
		}
		if (left != null) {
			if (left.isNegative()) {
				this.failures.add(leaf + ": timeToLive " + left + " is negative");
			}
			if (w == null || !w.expiring()) {
				this.failures.add(leaf + ": timeToLive " + left + " for " + last);
			}
			else {
				if (left.toNanos() > w.ttl) {
					this.failures.add(leaf + ": timeToLive " + left + " above the " + w.ttl / 1_000_000 + " ms given");
				}
				if (exp == 0) {
					this.failures.add(leaf + ": timeToLive " + left + " after the due time of " + last);
				}
				if (exp == 1 && left.toNanos() < w.dueLo() - r1 - SLACK) {
					this.failures.add(leaf + ": timeToLive " + left + " but at least "
							+ (w.dueLo() - r1) / 1_000_000 + " ms were left of " + last);
				}
			}
		}
		else if (exp == 1 && w.expiring()) {
			this.failures.add(leaf + ": timeToLive null while " + last + " was alive");
		}
	}

	private static long[] anchor() {
		long bestWidth = Long.MAX_VALUE;
		long[] best = null;
		for (int i = 0; i < 50 && bestWidth > 50_000; i++) {
			long before = System.nanoTime();
			Instant wall = Instant.now();
			long after = System.nanoTime();
			if (after - before < bestWidth) {
				bestWidth = after - before;
				best = new long[] { before + (after - before) / 2,
						wall.getEpochSecond() * 1_000_000_000L + wall.getNano() };
			}
		}
		return best;
	}

	private Instant wall(long nanos) {
		return this.startWall.plusNanos(nanos - this.startNanos);
	}

	private void checkLeaves(List<Change> history) {
		for (Map.Entry<String, List<Write>> entry : this.writes.entrySet()) {
			String leaf = entry.getKey();
			List<Change> h = history.stream().filter(ch -> ch.path().equals(leaf)).toList();
			List<Write> ws = entry.getValue();
			int k = 0;
			Write prev = null;
			String problem = null;
			for (int wi = 0; wi <= ws.size() && problem == null; wi++) {
				Write w = (wi < ws.size()) ? ws.get(wi) : null;
				boolean alive;
				if (prev == null || prev.value == null) {
					alive = false;
				}
				else if (!prev.expiring()) {
					alive = true; // permanent or ephemeral
				}
				else if (w == null) {
					alive = false; // the last lifetime has run out by now
				}
				else if (w.foundKnown) {
					alive = w.found != null;
					if (alive && !Objects.equals(w.found, prev.value)) {
						problem = w + " found a value that was not the last written (" + prev + ")";
						break;
					}
					if (alive && w.t0 >= prev.dueHi()) {
						problem = w + " found " + prev + " " + (w.t0 - prev.dueHi()) / 1_000_000
								+ " ms after its due time";
						break;
					}
					if (!alive && w.t1 < prev.dueLo()) {
						problem = w + " found nothing " + (prev.dueLo() - w.t1) / 1_000_000 + " ms before the due time of "
								+ prev;
						break;
					}
				}
				else if (w.t1 < prev.dueLo()) {
					alive = true;
				}
				else if (w.t0 >= prev.dueHi()) {
					alive = false;
				}
				else {
					alive = !(k < h.size() && h.get(k).expiry() && Objects.equals(h.get(k).oldValue(), prev.value));
				}
				if (prev != null && prev.value != null && prev.expiring() && !alive) {
					// the lifetime ran out: one expiry commit, before the next write, in time
					if (k >= h.size() || !h.get(k).expiry() || !Objects.equals(h.get(k).oldValue(), prev.value)
							|| h.get(k).newValue() != null) {
						String next = (k < h.size()) ? h.get(k).toString() : "nothing";
						problem = "after " + prev + (w != null ? ", then " + w + " (started "
								+ (w.t0 - prev.dueHi()) / 1_000_000 + " ms after the due time)" : "")
								+ ": expected the expiry of " + prev.value + ", the history has " + next;
						break;
					}
					Change x = h.get(k);
					Duration late = Duration.between(wall(prev.dueHi()), x.time());
					Duration early = Duration.between(x.time(), wall(prev.dueLo()));
					if (late.compareTo(this.settings.expiryBound()) > 0) {
						problem = "the expiry of " + prev + " (" + x + ") came " + late.toMillis()
								+ " ms after its due time";
						break;
					}
					if (early.toMillis() > 5) {
						problem = "the expiry of " + prev + " (" + x + ") came " + early.toMillis() + " ms before its due time";
						break;
					}
					k++;
				}
				if (w == null) {
					break;
				}
				Object old = alive ? prev.value : null;
				if (old == null && w.value == null) {
					prev = w;
					continue;
				}
				if (k >= h.size() || h.get(k).expiry() || !Objects.equals(h.get(k).oldValue(), old)
						|| !Objects.equals(h.get(k).newValue(), w.value)) {
					String next = (k < h.size()) ? h.get(k).toString() : "nothing";
					problem = "after " + prev + ", " + w + " should change " + old + " -> " + w.value
							+ ", the history has " + next
							+ ((prev != null && prev.expiring()) ? " (the write started " + (w.t0 - prev.dueHi()) / 1_000_000
									+ " ms after the due time of " + prev.value + ")" : "");
					break;
				}
				k++;
				prev = w;
			}
			if (problem == null && k < h.size()) {
				problem = "changes beyond the model: " + h.subList(k, h.size());
			}
			if (problem != null) {
				this.failures.add(leaf + ": " + problem + "\n    writes " + ws + "\n    history " + h);
			}
		}
	}

	private void checkExpiredOnce(List<Change> history) {
		Map<String, Integer> count = new HashMap<>();
		for (Change ch : history) {
			if (ch.expiry()) {
				if (ch.newValue() != null && !ch.path().startsWith("/der/")) {
					// (a derived value's change inside an expiry commit: Break14DerivedExpiryEventTest)
					this.failures.add("expiry with a new value: " + ch);
				}
				count.merge(ch.path() + "=" + ch.oldValue(), 1, Integer::sum);
			}
		}
		count.forEach((k, n) -> {
			if (n > 1) {
				this.failures.add("expired " + n + " times: " + k);
			}
		});
	}

	private void checkHeard(List<Change> history) {
		List<Heard> expected = history.stream()
			.map(ch -> new Heard(ch.revision(), ch.path(), ch.oldValue(), ch.newValue(), ch.expiry()))
			.toList();
		for (int ci = 0; ci < this.heard.size(); ci++) {
			List<Heard> got = new ArrayList<>(this.heard.get(ci));
			long last = 0;
			for (int j = 0; j < got.size(); j++) {
				if (got.get(j).revision() < last) {
					this.failures.add("listener " + ci + " heard r" + got.get(j).revision() + " after r" + last + " ("
							+ got.get(j) + ")");
					break;
				}
				last = got.get(j).revision();
			}
			List<Heard> missing = new ArrayList<>(expected);
			List<Heard> extra = new ArrayList<>();
			for (Heard h : got) {
				if (!missing.remove(h)) {
					extra.add(h);
				}
			}
			if (!missing.isEmpty()) {
				this.failures.add("listener " + ci + " missed " + missing.size() + " changes of the history, first "
						+ missing.subList(0, Math.min(5, missing.size())));
			}
			if (!extra.isEmpty()) {
				this.failures.add("listener " + ci + " heard " + extra.size()
						+ " events the history does not hold (or twice), first " + extra.subList(0, Math.min(5, extra.size())));
			}
		}
	}

	private void checkReplay(StateController c, List<Change> history) {
		List<Heard> replayed = new CopyOnWriteArrayList<>();
		java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Flow.Subscription> handle = new java.util.concurrent.atomic.AtomicReference<>();
		c.watch("/**", 0).subscribe(new java.util.concurrent.Flow.Subscriber<StateEvent>() {

			@Override
			public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
				handle.set(subscription);
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(StateEvent e) {
				replayed.add(new Heard(e.revision(), e.emittingPath().toString(), e.prevValue(), e.newValue(),
						e.isExpiry()));
			}

			@Override
			public void onError(Throwable t) {
				Break14Workload.this.failures.add("watch from 0 failed: " + t);
			}

			@Override
			public void onComplete() {
			}

		});
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> replayed.size() >= history.size());
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// reported below
		}
		finally {
			if (handle.get() != null) {
				handle.get().cancel();
			}
		}
		List<Heard> expected = history.stream()
			.map(ch -> new Heard(ch.revision(), ch.path(), ch.oldValue(), ch.newValue(), ch.expiry()))
			.toList();
		List<Heard> missing = new ArrayList<>(expected);
		List<Heard> extra = new ArrayList<>();
		for (Heard h : replayed) {
			if (!missing.remove(h)) {
				extra.add(h);
			}
		}
		if (!missing.isEmpty() || !extra.isEmpty()) {
			this.failures.add("watch(\"/**\", 0) replayed " + replayed.size() + " events for " + expected.size()
					+ " changes: missing " + missing.subList(0, Math.min(5, missing.size())) + ", extra "
					+ extra.subList(0, Math.min(5, extra.size())));
		}
	}

	/** Closes the subscriptions. */
	public void unsubscribe() {
		for (Subscription s : this.subscriptions) {
			s.close();
		}
	}

}
