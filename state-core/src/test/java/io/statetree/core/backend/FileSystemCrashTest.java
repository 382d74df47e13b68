package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.statetree.core.ChildJvm;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.statetree.core.TreeComparison.withoutEmptyBranches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills a child JVM committing random batches ({@link CrashTestWorker}) with SIGKILL at random
 * moments, reopens the directory, and checks that every acknowledged commit is there, the one in
 * flight is wholly there or wholly absent, every file parses, and the stored revision never goes
 * back: it is at least that of every commit that is there, and commits after the reopening get
 * higher ones. The history agrees with the tree: its last revision is the reopened revision, it
 * holds one commit per changing commit of the run (the one in flight exactly when its writes are
 * there), and replaying its changes onto the tree read at the previous reopening gives the tree
 * read now. The lifetimes agree with the tree: the paths with a time to live after the reopening
 * are those the acknowledged commits (and the one in flight when it is there) left. The number of kills is
 * {@value #DEFAULT_KILLS} unless the system property {@code statetree.crashtest.kills} says otherwise.
 */
class FileSystemCrashTest {

	static final int DEFAULT_KILLS = 20;

	@TempDir
	Path temp;

	@Test
	void everyCommitIsWhollyAppliedOrWhollyAbsentAfterAKill() throws Exception {
		int kills = Integer.getInteger("statetree.crashtest.kills", DEFAULT_KILLS);
		long seed = Long.getLong("statetree.crashtest.seed", System.nanoTime());
		Random random = new Random(seed);
		Path directory = this.temp.resolve("state");
		Map<String, Object> model = StateValues.emptyBranch();
		java.util.Set<StatePath> lifetimes = new java.util.HashSet<>();
		int acknowledged = 0;
		int inFlightApplied = 0;
		int inFlightAbsent = 0;
		List<String> all = new ArrayList<>();
		long lastRevision = 0;
		int changingCommits = 0;
		Map<String, Object> previousTree = StateValues.emptyBranch();
		long previousRevision = 0;
		for (int kill = 0; kill < kills; kill++) {
			int changingBefore = changingCommits;
			boolean fsync = kill % 4 == 3;
			List<String> raw = runAndKill(directory, random.nextLong(), fsync, random);
			List<String> lines = complete(raw);
			all.add("RUN " + kill);
			all.addAll(raw);
			List<List<Write>> done = new ArrayList<>();
			List<Write> inFlight = null;
			for (String line : lines) {
				if (line.startsWith("BEGIN ")) {
					inFlight = decode(line.substring(line.indexOf(' ', 6) + 1));
				}
				else if (line.startsWith("OK ")) {
					done.add(inFlight);
					inFlight = null;
					long revision = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1, line.length() - 1));
					assertThat(revision).as("revision of " + line + " after revision " + lastRevision + " (seed " + seed + ")")
						.isGreaterThanOrEqualTo(lastRevision);
					if (revision > lastRevision) {
						changingCommits++;
					}
					lastRevision = revision;
				}
				else if (line.startsWith("FAIL ")) {
					inFlight = null;
				}
			}
			for (List<Write> writes : done) {
				model = apply(model, writes);
				lifetimes = withLifetimes(lifetimes, writes);
				acknowledged++;
			}
			Map<String, Object> withInFlight = null;
			if (inFlight != null) {
				try {
					withInFlight = apply(model, inFlight);
				}
				catch (StateWriteException ex) {
					withInFlight = null;
				}
			}
			Object actual;
			long reopenedRevision;
			List<io.statetree.core.Commit> logged;
			long lastLogged;
			java.util.Set<StatePath> actualLifetimes;
			try (FileSystemBackend reopened = FileSystemBackend.builder(directory).fsync(false).build()) {
				actual = reopened.read(StatePath.ROOT);
				actualLifetimes = reopened.expiringEntries().lifetimes().keySet();
				reopenedRevision = reopened.revision();
				logged = reopened.history().after(previousRevision, 10_000);
				List<io.statetree.core.Commit> last = reopened.history().after(Math.max(0, reopenedRevision - 1), 1);
				lastLogged = last.isEmpty() ? 0 : last.get(0).revision();
				assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).as("live children").isZero();
				await("nobody writes after the kill").during(Duration.ofMillis(50))
					.atMost(Duration.ofSeconds(30))
					.until(() -> StateValues.equal(reopened.read(StatePath.ROOT), actual));
				assertThat(Files.exists(directory.resolve(".statetree").resolve("intent.log"))).isFalse();
			}
			String context = "kill " + kill + " (seed " + seed + ", " + lines.size() + " lines, in flight: "
					+ ((inFlight != null) ? CrashTestWorker.encode(inFlight) : "none") + ")";
			java.util.Set<StatePath> lifetimesWithInFlight = (withInFlight != null) ? withLifetimes(lifetimes, inFlight)
					: lifetimes;
			if (StateValues.equal(actual, model)) {
				if (withInFlight != null && !StateValues.equal(withInFlight, model)) {
					inFlightAbsent++;
				}
				else if (actualLifetimes.equals(lifetimesWithInFlight)) {
					// the commit in flight changed no value: its lifetimes may have been written
					lifetimes = lifetimesWithInFlight;
				}
				assertThat(actualLifetimes).as(context + ": the lifetimes agree with the tree").isEqualTo(lifetimes);
			}
			else {
				if (withInFlight == null || !StateValues.equal(actual, withInFlight)) {
					all.forEach(System.out::println);
					try (Stream<Path> files = Files.walk(directory)) {
						files.forEach(f -> {
							try {
								System.out.println("FILE " + directory.relativize(f)
										+ (Files.isRegularFile(f) ? " = " + Files.readString(f).replaceAll("\\s+", "") : "/"));
							}
							catch (IOException ex) {
								System.out.println("FILE " + f + " unreadable " + ex);
							}
						});
					}
				}
				assertThat(withInFlight).as(context + ": the tree matches neither before nor after the commit in flight;"
						+ " actual " + StateValues.toJsonString(actual) + ", expected " + StateValues.toJsonString(model))
					.isNotNull();
				assertThat(StateValues.equal(actual, withInFlight))
					.as(context + ": actual " + StateValues.toJsonString(actual) + ", expected "
							+ StateValues.toJsonString(model) + " or " + StateValues.toJsonString(withInFlight))
					.isTrue();
				model = withInFlight;
				lifetimes = lifetimesWithInFlight;
				assertThat(actualLifetimes).as(context + ": the lifetimes agree with the tree, the commit in flight applied")
					.isEqualTo(lifetimes);
				inFlightApplied++;
				changingCommits++;
				assertThat(reopenedRevision).as(context + ": the in-flight commit is there, so the revision counts it")
					.isGreaterThan(lastRevision);
			}
			assertThat(reopenedRevision).as(context + ": stored revision after the kill").isGreaterThanOrEqualTo(lastRevision)
				.isGreaterThanOrEqualTo(changingCommits);
			assertThat(lastLogged).as(context + ": the history's last revision").isEqualTo(reopenedRevision);
			assertThat(logged).as(context + ": one logged commit per changing commit of the run")
				.hasSize(changingCommits - changingBefore);
			Map<String, Object> replayed = previousTree;
			long previous = previousRevision;
			for (io.statetree.core.Commit commit : logged) {
				assertThat(commit.revision()).as(context).isGreaterThan(previous);
				assertThat(commit.actor()).as(context).isEqualTo("worker");
				assertThat(commit.origin()).as(context).isEqualTo("crash-test");
				assertThat(commit.causedBy()).as(context + ": the worker's commit number").isNotNegative();
				previous = commit.revision();
				replayed = replay(replayed, commit);
			}
			// empty branches aside: a commit's changes say nothing of a branch a sequence of writes
			// left empty, which the tree may keep (as the model above does) or not
			assertThat(StateValues.equal(withoutEmptyBranches(replayed), withoutEmptyBranches(actual)))
				.as(context + ": the history replayed onto the tree of the previous run gives "
						+ StateValues.toJsonString(replayed) + ", the tree is " + StateValues.toJsonString(actual))
				.isTrue();
			previousTree = model;
			previousRevision = reopenedRevision;
			lastRevision = reopenedRevision;
			try (Stream<Path> files = Files.walk(directory)) {
				assertThat(files.filter(p -> p.getFileName().toString().endsWith(".sttmp"))).as(context).isEmpty();
			}
		}
		assertThat(acknowledged).as("commits acknowledged across all kills").isGreaterThan(kills);
		System.out.println("Crash test: " + kills + " kills, " + acknowledged + " acknowledged commits, in-flight commits "
				+ inFlightApplied + " applied / " + inFlightAbsent + " absent (seed " + seed + ")");
	}

	/**
	 * Applies a logged commit: each changed path gets its value after the commit, shallower
	 * paths first (a deeper path's value agrees with its ancestors' after the commit).
	 */
	static Map<String, Object> replay(Map<String, Object> root, io.statetree.core.Commit commit) {
		List<io.statetree.core.ChangedPath> changes = new ArrayList<>(commit.changes());
		changes.sort(java.util.Comparator.comparingInt(change -> change.path().depth()));
		List<Write> writes = new ArrayList<>();
		for (io.statetree.core.ChangedPath change : changes) {
			writes.add(Write.of(change.path(), change.newValue()));
		}
		return StateValues.applyToRoot(root, writes);
	}

	/** The model: the writes applied, unless no written path changes (then nothing is written). */
	static Map<String, Object> apply(Map<String, Object> root, List<Write> writes) {
		Map<String, Object> after = StateValues.applyToRoot(root, writes);
		for (Change change : StateValues.changes(root, after, writes)) {
			if (!StateValues.equal(change.oldValue(), change.newValue())) {
				return after;
			}
		}
		return root;
	}

	private static List<Write> decode(String json) {
		List<?> entries = (List<?>) Serializer.json().read(json.getBytes(StandardCharsets.UTF_8));
		List<Write> writes = new ArrayList<>();
		for (Object entry : entries) {
			List<?> pair = (List<?>) entry;
			Lifetime lifetime = (pair.size() > 2) ? Lifetime.ttl(Duration.ofDays(CrashTestWorker.TTL_DAYS)) : null;
			writes.add(new Write(StatePath.of((String) pair.get(0)), pair.get(1), null, lifetime));
		}
		return writes;
	}

	/**
	 * The model of the lifetime rules (DESIGN §12): each write clears the lifetimes strictly below
	 * its path and sets its own at the path (none for a delete or a write without one). A commit
	 * that changes no value still applies them.
	 */
	static java.util.Set<StatePath> withLifetimes(java.util.Set<StatePath> before, List<Write> writes) {
		java.util.Set<StatePath> after = new java.util.HashSet<>(before);
		for (Write write : writes) {
			after.removeIf(write.path()::isAncestorOf);
			if (write.value() == null || write.lifetime() == null) {
				after.remove(write.path());
			}
			else {
				after.add(write.path());
			}
		}
		return after;
	}

	private static List<String> runAndKill(Path directory, long seed, boolean fsync, Random random) throws Exception {
		try (ChildJvm child = ChildJvm.start(CrashTestWorker.class, directory.toString(), Long.toString(seed),
				Boolean.toString(fsync))) {
			int target = 1 + random.nextInt(40);
			child.awaitLines(Duration.ofSeconds(60), (lines) -> countOk(lines) >= target);
			assertThat(child.isAlive()).as("the worker is still running (it prints " + child.lines() + ")").isTrue();
			Thread.sleep(random.nextInt(15));
			return child.kill();
		}
	}

	private static int countOk(List<String> lines) {
		int count = 0;
		for (String line : lines) {
			if (line.startsWith("OK ")) {
				count++;
			}
		}
		return count;
	}

	/** Drops a last line cut short by the kill (a cut {@code OK} line leaves its commit in flight). */
	private static List<String> complete(List<String> lines) {
		List<String> result = new ArrayList<>(lines);
		if (!result.isEmpty()) {
			String last = result.get(result.size() - 1);
			if ((last.startsWith("BEGIN ") && !isCompleteJson(last)) || (last.startsWith("OK ") && !last.endsWith(";"))) {
				result.remove(result.size() - 1);
			}
		}
		return result;
	}

	private static boolean isCompleteJson(String line) {
		try {
			decode(line.substring(line.indexOf(' ', 6) + 1));
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
