package io.statetree.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.concurrent.TimeUnit;

import io.statetree.core.backend.FileSystemBackend;
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
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), Worker.class.getName(), directory.toString(), Long.toString(seed),
				Integer.toString(pad));
		builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		Process process = builder.start();
		List<String> lines = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// killed
			}
		});
		reader.start();
		try {
			Thread.sleep(millis);
		}
		finally {
			process.toHandle().destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
			reader.join(30_000);
		}
		return new ArrayList<>(lines);
	}

	private static List<String> runAndKill(Path directory, long seed, int pad, int target, Random random) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), Worker.class.getName(), directory.toString(), Long.toString(seed), Integer.toString(pad));
		builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		Process process = builder.start();
		List<String> lines = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// killed
			}
		});
		reader.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(() -> lines.size() >= target || !process.isAlive());
			assertThat(process.isAlive()).as("worker alive: " + lines).isTrue();
			Thread.sleep(random.nextInt((pad > 0) ? 3 : 10));
		}
		finally {
			process.toHandle().destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
			reader.join(30_000);
		}
		return new ArrayList<>(lines);
	}

}
