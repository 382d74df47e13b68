package io.statetree.core;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.Write;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new user's try at the filesystem history after a hard kill (issue 13): a child JVM writes
 * through a controller over {@code FileSystemBackend.builder(dir).historySize(n)} and is killed
 * with SIGKILL; then the directory is reopened and the history, the tree, the revision and a
 * watch from an old revision are compared.
 */
class NewUserFileCrashTest {

	static final int HISTORY = 40;

	/** The child process: writes forever, printing the revision after each commit. */
	public static final class Worker {

		public static void main(String[] args) {
			Path directory = Path.of(args[0]);
			Random random = new Random(Long.parseLong(args[1]));
			int pad = (args.length > 2) ? Integer.parseInt(args[2]) : 0;
			String padding = "p".repeat(pad);
			PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
			StateController state = StateController.builder()
				.backend(FileSystemBackend.builder(directory).historySize(HISTORY).fsync(false).build())
				.instanceId("worker")
				.build();
			for (long n = 0;; n++) {
				int op = random.nextInt(4);
				if (op == 0) {
					state.increment("/counter", 1);
				}
				else if (op == 1) {
					state.set("/items/k" + random.nextInt(7), Map.of("n", n, "s", "v" + n + padding), WriteOptions.actor("w"));
				}
				else if (op == 2) {
					long m = n;
					state.batch(() -> {
						state.set("/items/k" + random.nextInt(7) + "/n", m);
						state.increment("/counter", 2);
					});
				}
				else {
					state.delete("/items/k" + random.nextInt(7));
				}
				out.println("REV " + state.revision());
				out.flush();
			}
		}

	}

	/**
	 * The child process with concurrent writers (issue 20): eight threads commit straight to a
	 * {@code FileSystemBackend} with fsync on, so commits are made in groups. Each commit of thread
	 * {@code t} writes the same number {@code v} (increasing per thread) to {@code /t<t>/a} and
	 * {@code /t<t>/b} in two files, and sometimes also to a shared path {@code /shared/k<i>} (as
	 * {@code {t, v}}), a new directory entry or a directory delete; it prints {@code ACK t v} once the
	 * commit returned.
	 */
	public static final class ConcurrentWorker {

		public static void main(String[] args) throws Exception {
			Path directory = Path.of(args[0]);
			long round = Long.parseLong(args[1]);
			FileSystemBackend backend = FileSystemBackend.builder(directory).historySize(CONCURRENT_HISTORY).build();
			PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < CONCURRENT_WRITERS; t++) {
				int thread = t;
				threads.add(new Thread(() -> {
					Random random = new Random(round * 31 + thread);
					for (long n = 1;; n++) {
						long v = round * 1_000_000L + n;
						List<Write> writes = new ArrayList<>();
						writes.add(Write.of(StatePath.of("/t" + thread + "/a"), v));
						int op = random.nextInt(4);
						if (op == 1) {
							writes.add(Write.of(StatePath.of("/shared/k" + random.nextInt(3)), Map.of("t", (long) thread, "v", v)));
						}
						else if (op == 2) {
							writes.add(Write.of(StatePath.of("/t" + thread + "/c/d" + (n % 3)), v));
						}
						else if (op == 3) {
							writes.add(Write.of(StatePath.of("/t" + thread + "/c"), null));
						}
						writes.add(Write.of(StatePath.of("/t" + thread + "/b"), v));
						backend.commit(new CommitRequest(writes, List.of(), "crash"));
						synchronized (out) {
							out.println("ACK " + thread + " " + v);
							out.flush();
						}
					}
				}));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
		}

	}

	static final int CONCURRENT_WRITERS = 8;

	static final int CONCURRENT_HISTORY = 1_000_000;

	/**
	 * Kills a process whose eight threads commit concurrently (group commit, fsync on), then checks
	 * the reopened directory: every acknowledged commit is there, no commit is there in part, the
	 * history is consecutive and, replayed from the empty tree, gives the tree (the tree is a
	 * prefix of the commits in revision order).
	 */
	@Test
	void concurrentWritersAfterEachKillEveryAcknowledgedCommitIsThereAndNoneInPart(@TempDir Path directory)
			throws Exception {
		Random random = new Random(2020);
		long[] values = new long[CONCURRENT_WRITERS];
		for (int round = 1; round <= 6; round++) {
			List<String> lines = runAndKillConcurrent(directory, round, 20 + random.nextInt(200), random);
			long[] acked = values.clone();
			for (String line : lines) {
				String[] parts = line.split(" ");
				if (parts.length == 3 && parts[0].equals("ACK")) {
					try {
						int t = Integer.parseInt(parts[1]);
						acked[t] = Math.max(acked[t], Long.parseLong(parts[2]));
					}
					catch (NumberFormatException ex) {
						// cut by the kill
					}
				}
			}
			String context = "round " + round;
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).historySize(CONCURRENT_HISTORY).build()) {
				for (int t = 0; t < CONCURRENT_WRITERS; t++) {
					Object a = backend.read(StatePath.of("/t" + t + "/a"));
					Object b = backend.read(StatePath.of("/t" + t + "/b"));
					assertThat(b).as(context + ": thread " + t + " wrote a and b in one commit").isEqualTo(a);
					long value = (a == null) ? 0 : ((Number) a).longValue();
					assertThat(value).as(context + ": thread " + t + "'s acknowledged commit is there")
						.isGreaterThanOrEqualTo(acked[t]);
					long inFlight = (acked[t] > values[t]) ? acked[t] + 1 : round * 1_000_000L + 1;
					assertThat(value).as(context + ": thread " + t + " had one commit in flight")
						.isLessThanOrEqualTo(Math.max(inFlight, values[t]));
					values[t] = value;
				}
				Object shared = backend.read(StatePath.of("/shared"));
				if (shared instanceof Map<?, ?> map) {
					for (Object entry : map.values()) {
						Map<?, ?> written = (Map<?, ?>) entry;
						int t = ((Number) written.get("t")).intValue();
						assertThat(values[t]).as(context + ": the commit that wrote " + written + " is there whole")
							.isGreaterThanOrEqualTo(((Number) written.get("v")).longValue());
					}
				}
				List<Commit> history = backend.history().after(0, CONCURRENT_HISTORY);
				assertThat(history).as(context).isNotEmpty();
				assertThat(history.get(history.size() - 1).revision()).as(context + ": last logged")
					.isEqualTo(backend.revision());
				try (StateController model = StateController.create()) {
					for (int i = 0; i < history.size(); i++) {
						assertThat(history.get(i).revision()).as(context + ": consecutive").isEqualTo(i + 1);
						for (ChangedPath change : history.get(i).changes()) {
							if (change.newValue() == null) {
								model.delete(change.path());
							}
							else {
								model.set(change.path(), change.newValue());
							}
						}
					}
					assertThat(normalize(model.get("/"))).as(context + ": the history replayed is the tree")
						.isEqualTo(normalize(backend.read(StatePath.ROOT)));
				}
			}
		}
		assertThat(java.util.Arrays.stream(values).min().getAsLong()).as("every writer got commits in").isPositive();
	}

	private static List<String> runAndKillConcurrent(Path directory, int round, int target, Random random)
			throws Exception {
		try (ChildJvm child = ChildJvm.start(ConcurrentWorker.class, directory.toString(), Integer.toString(round))) {
			child.awaitLines(Duration.ofSeconds(120), (lines) -> lines.size() >= target);
			assertThat(child.isAlive()).as("worker alive: " + child.lines()).isTrue();
			Thread.sleep(random.nextInt(20));
			return child.kill();
		}
	}

	static final class Collector implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable throwable) {
		}

		@Override
		public void onComplete() {
		}

	}

	@Test
	void afterEachKillTheHistoryAndTheTreeAgreeTheRevisionContinuesAndAWatchReplays(@TempDir Path directory)
			throws Exception {
		crashAndCheck(directory, 1313, 24, 0);
	}

	@Test
	void withLargeValuesAKillMoreOftenLandsInsideAnAppend(@TempDir Path directory) throws Exception {
		crashAndCheck(directory, 4242, 12, 300_000);
	}

	@Test
	void killsDuringStartUpAndRecoveryBetweenChecks(@TempDir Path directory) throws Exception {
		this.storm = true;
		crashAndCheck(directory, 777, 10, 20_000);
	}

	private boolean storm;

	private void crashAndCheck(Path directory, long seed, int kills, int pad) throws Exception {
		Random random = new Random(seed);
		Object previousTree = null;
		long previousRevision = 0;
		int resyncs = 0;
		int replays = 0;
		for (int kill = 0; kill < kills; kill++) {
			long stormPrinted = 0;
			if (this.storm) {
				for (int k = 0; k < 3; k++) {
					for (String line : killAfter(directory, random.nextLong(), pad, 150 + random.nextInt(600))) {
						if (line.startsWith("REV ") && line.length() > 4) {
							try {
								stormPrinted = Math.max(stormPrinted, Long.parseLong(line.substring(4)));
							}
							catch (NumberFormatException ex) {
								// cut
							}
						}
					}
				}
			}
			List<String> lines = runAndKill(directory, random.nextLong(), pad,
					(pad > 0 ? 1 : 3) + random.nextInt((kill % 3 == 2) ? (pad > 0 ? 60 : 150) : (pad > 0 ? 10 : 30)), random);
			long lastPrinted = stormPrinted;
			for (String line : lines) {
				if (line.startsWith("REV ") && line.length() > 4) {
					try {
						lastPrinted = Long.parseLong(line.substring(4));
					}
					catch (NumberFormatException ex) {
						// cut by the kill
					}
				}
			}
			String context = "kill " + kill + " (printed up to " + lastPrinted + ", before " + previousRevision + ")";
			try (StateController state = StateController.builder()
				.backend(FileSystemBackend.builder(directory).historySize(HISTORY).build())
				.build()) {
				long revision = state.revision();
				assertThat(revision).as(context).isGreaterThanOrEqualTo(lastPrinted).isLessThanOrEqualTo(lastPrinted + 1);
				List<Commit> history = state.history(0, 10_000);
				assertThat(history).as(context).isNotEmpty();
				assertThat(history.get(history.size() - 1).revision()).as(context + ": last logged").isEqualTo(revision);
				for (int i = 1; i < history.size(); i++) {
					assertThat(history.get(i).revision()).as(context + ": consecutive")
						.isEqualTo(history.get(i - 1).revision() + 1);
				}
				assertThat(history.size()).as(context + ": retained").isGreaterThanOrEqualTo((int) Math.min(HISTORY, revision));
				Object tree = state.get("/");
				// the counter in the tree is the last logged value of /counter
				Object counter = state.get("/counter");
				for (int i = history.size() - 1; i >= 0; i--) {
					ChangedPath found = history.get(i).changes().stream()
						.filter((c) -> c.path().toString().equals("/counter"))
						.findFirst()
						.orElse(null);
					if (found != null) {
						assertThat(found.newValue()).as(context + ": counter").isEqualTo(counter);
						break;
					}
				}
				// replaying the logged changes after the previous reopen on the previous tree gives the tree
				if (previousTree != null && history.get(0).revision() <= previousRevision + 1) {
					try (StateController model = StateController.create()) {
						model.set("/", previousTree);
						for (Commit commit : state.history(previousRevision, 10_000)) {
							for (ChangedPath change : commit.changes()) {
								if (change.newValue() == null) {
									model.delete(change.path());
								}
								else {
									model.set(change.path(), change.newValue());
								}
							}
						}
						assertThat(normalize(model.get("/"))).as(context + ": replayed history = tree")
							.isEqualTo(normalize(tree));
					}
					// a watch from the previous revision replays the same commits, then goes live
					Collector collector = new Collector();
					state.watch("/**", previousRevision).subscribe(collector);
					List<Long> expected = state.history(previousRevision, 10_000).stream().map(Commit::revision).toList();
					Awaitility.await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(collector.events.stream().map(StateEvent::revision).distinct().toList())
							.as(context + ": watch replay").containsExactlyElementsOf(expected));
					assertThat(collector.events).noneMatch(StateEvent::isResync);
					state.set("/after/" + kill, kill);
					Awaitility.await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(collector.events.get(collector.events.size() - 1).revision())
							.isEqualTo(revision + 1));
				}
				else if (previousTree == null) {
					state.set("/after/" + kill, kill);
				}
				else {
					Collector collector = new Collector();
					state.watch("/**", previousRevision).subscribe(collector);
					Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !collector.events.isEmpty());
					StateEvent first = collector.events.get(0);
					assertThat(first.isResync()).as(context + ": resync when the log moved past").isTrue();
					assertThat(first.path().isRoot()).isTrue();
					assertThat(normalize(first.newValue(Object.class))).isEqualTo(normalize(tree));
					state.set("/after/" + kill, kill);
					Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(collector.events).hasSize(2));
					assertThat(collector.events.get(1).revision()).isEqualTo(revision + 1);
					resyncs++;
					replays--;
				}
				replays++;
				assertThat(state.revision()).as(context + ": next revision").isEqualTo(revision + 1);
				assertThat(state.history(revision, 10).get(0).revision()).isEqualTo(revision + 1);
				previousTree = state.get("/");
				previousRevision = state.revision();
			}
		}
		System.out.println("NewUserFileCrashTest: replays " + replays + ", resyncs " + resyncs);
		assertThat(resyncs).isPositive();
		assertThat(replays).isPositive();
	}

	@SuppressWarnings("unchecked")
	private static Object normalize(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new java.util.TreeMap<>();
			map.forEach((k, v) -> {
				Object n = normalize(v);
				if (!(n instanceof Map<?, ?> m && m.isEmpty())) {
					out.put((String) k, n);
				}
			});
			return out;
		}
		if (value instanceof Number number) {
			return new java.math.BigDecimal(number.toString()).stripTrailingZeros();
		}
		if (value instanceof List<?> list) {
			return list.stream().map(NewUserFileCrashTest::normalize).toList();
		}
		return value;
	}

	private static List<String> killAfter(Path directory, long seed, int pad, int millis) throws Exception {
		try (ChildJvm child = ChildJvm.start(Worker.class, directory.toString(), Long.toString(seed),
				Integer.toString(pad))) {
			// a kill at a fixed time after the start: during start-up, recovery or the first writes
			Thread.sleep(millis);
			return child.kill();
		}
	}

	private static List<String> runAndKill(Path directory, long seed, int pad, int target, Random random) throws Exception {
		try (ChildJvm child = ChildJvm.start(Worker.class, directory.toString(), Long.toString(seed),
				Integer.toString(pad))) {
			child.awaitLines(Duration.ofSeconds(60), (lines) -> lines.size() >= target);
			assertThat(child.isAlive()).as("worker alive: " + child.lines()).isTrue();
			Thread.sleep(random.nextInt((pad > 0) ? 3 : 10));
			return child.kill();
		}
	}

}
