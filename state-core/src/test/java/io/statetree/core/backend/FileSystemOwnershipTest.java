package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.ChildJvm;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One owner per directory (the directory lock), revisions that survive restarts, unparsable files
 * reported without their content, and the intent log's damage messages.
 */
class FileSystemOwnershipTest {

	@TempDir
	Path temp;

	private FileSystemBackend open(Path directory) {
		return FileSystemBackend.builder(directory).fsync(false).build();
	}

	private static CommitResult commit(StateBackend backend, String path, @Nullable Object value) {
		return backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t"));
	}

	// ---- one owner ----

	@Test
	void aSecondOpenerInTheSameProcessFailsAtOnceNamingTheDirectoryAndTheHolder() {
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend first = open(directory)) {
			commit(first, "/a", 1);
			assertThatThrownBy(() -> open(directory)).isInstanceOf(StateStorageException.class)
				.isInstanceOf(StateDirectoryLockedException.class)
				.hasMessageContaining(first.directory().toString())
				.hasMessageContaining("pid " + ProcessHandle.current().pid())
				.hasMessageContaining("in this process");
			assertThatThrownBy(() -> open(directory.resolve("..").resolve("state"))).isInstanceOf(StateDirectoryLockedException.class);
			assertThat(first.read(StatePath.of("/a"))).as("the first owner keeps working").isEqualTo(1);
			commit(first, "/a", 2);
		}
		try (FileSystemBackend second = open(directory)) {
			assertThat(second.read(StatePath.of("/a"))).as("closing releases the lock").isEqualTo(2);
		}
	}

	@Test
	void aSecondProcessIsRefusedUntilTheHolderIsKilled() throws Exception {
		Path directory = this.temp.resolve("state");
		ChildJvm holder = start("hold", directory, "0");
		try {
			String first = readLine(holder);
			assertThat(first).startsWith("HELD ");
			String pid = first.substring(5);
			assertThatThrownBy(() -> open(directory)).isInstanceOf(StateDirectoryLockedException.class)
				.hasMessageContaining(directory.toAbsolutePath().normalize().toString())
				.hasMessageContaining("pid " + pid)
				.hasMessageContaining("on host ");
			// a refused opener in this process must not disturb the other process's lock
			assertThatThrownBy(() -> open(directory)).isInstanceOf(StateDirectoryLockedException.class);
			holder.kill();
			assertThat(holder.waitFor(Duration.ofSeconds(30))).isTrue();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
				try (FileSystemBackend after = open(directory)) {
					commit(after, "/after", true);
					return true;
				}
			});
		}
		finally {
			holder.close();
		}
	}

	@Test
	void aSecondProcessCannotLoseUpdatesBecauseItIsRefused() throws Exception {
		// the scenario: two processes each running 4 threads x 1,000 updates on one
		// directory ended at 7,153 of 8,000 (5,039 measured here on 8807a90) without an exception;
		// now the second one is refused at open and the first one's 4,000 are all there
		Path directory = this.temp.resolve("state");
		int updates = 1000;
		try (StateController controller = StateController.create(open(directory))) {
			ChildJvm other = start("count", directory, Integer.toString(updates));
			DirectoryLockWorker.count(controller, updates);
			String line = readLine(other);
			assertThat(other.waitFor(Duration.ofSeconds(60))).isTrue();
			assertThat(line).startsWith("REFUSED ").contains(directory.toAbsolutePath().normalize().toString())
				.contains("pid " + ProcessHandle.current().pid());
			assertThat(controller.get("/n", Integer.class)).isEqualTo(4 * updates);
		}
	}

	@Test
	void nestedStateDirectoriesAreRefusedWhicheverOpensFirst() throws IOException {
		// found by the second breaker: ./state as the root and ./state/sub as a mount both opened;
		// the root read the mount's data as its branch /sub, its writes at /sub/y appeared in the
		// mount, and deleting /sub removed the mount's files and lock file under it
		Path outer = this.temp.resolve("state");
		Path inner = outer.resolve("sub");
		try (FileSystemBackend first = open(outer)) {
			commit(first, "/a", 1);
			assertThatThrownBy(() -> open(inner)).isInstanceOf(StateDirectoryLockedException.class)
				.hasMessageContaining("lies inside")
				.hasMessageContaining(first.directory().toString());
			assertThatThrownBy(() -> open(outer.resolve("x").resolve("y"))).isInstanceOf(StateDirectoryLockedException.class);
			assertThat(first.read(StatePath.ROOT)).as("the outer owner keeps working, with nothing added")
				.isEqualTo(Map.of("a", 1));
		}
		assertThatThrownBy(() -> open(inner)).as("also while the outer one is closed")
			.isInstanceOf(StateDirectoryLockedException.class);
		Path link = this.temp.resolve("link");
		Files.createSymbolicLink(link, outer);
		assertThatThrownBy(() -> open(link.resolve("sub"))).as("through a symbolic link")
			.isInstanceOf(StateDirectoryLockedException.class);

		Path outer2 = this.temp.resolve("state2");
		Path inner2 = outer2.resolve("sub");
		try (FileSystemBackend first = open(inner2)) {
			commit(first, "/x", 2);
			assertThatThrownBy(() -> open(outer2)).isInstanceOf(StateDirectoryLockedException.class)
				.hasMessageContaining("contains")
				.hasMessageContaining(inner2.toAbsolutePath().normalize().toString());
			assertThat(first.read(StatePath.ROOT)).isEqualTo(Map.of("x", 2));
			assertThat(inner2.resolve(".statetree").resolve("lock")).exists();
		}
		assertThat(outer2.resolve(".statetree")).as("a refused open leaves nothing behind").doesNotExist();
		try (FileSystemBackend again = open(inner2)) {
			assertThat(again.read(StatePath.ROOT)).isEqualTo(Map.of("x", 2));
		}
		Path used = this.temp.resolve("state3");
		try (FileSystemBackend sibling = open(used)) {
			assertThat(sibling.read(StatePath.ROOT)).as("directories side by side are fine").isEqualTo(Map.of());
			commit(sibling, "/a", 1);
		}
		Path moved = this.temp.resolve("moved");
		try (FileSystemBackend other = open(moved)) {
			commit(other, "/b", 2);
		}
		Files.move(moved, used.resolve("sub"));
		assertThatThrownBy(() -> open(used)).as("a used directory that came to hold another")
			.isInstanceOf(StateDirectoryLockedException.class)
			.hasMessageContaining("contains");
		Files.move(used.resolve("sub"), moved);
		try (FileSystemBackend again = open(used)) {
			assertThat(again.read(StatePath.ROOT)).as("the refused open released the lock").isEqualTo(Map.of("a", 1));
		}
	}

	@Test
	void aSymbolicLinkAsTheBackendsOwnDirectoryIsRefused() throws IOException {
		// found by the second breaker: with .statetree a link to another directory, the lock file,
		// the revision and the trash were written there, outside the state directory
		Path directory = this.temp.resolve("state");
		Path elsewhere = Files.createDirectories(this.temp.resolve("elsewhere"));
		Files.createDirectories(directory);
		Files.createSymbolicLink(directory.resolve(".statetree"), elsewhere);
		assertThatThrownBy(() -> open(directory)).isInstanceOf(StateStorageException.class)
			.hasMessageContaining(".statetree is a symbolic link");
		try (java.util.stream.Stream<Path> files = Files.list(elsewhere)) {
			assertThat(files).as("nothing written through the link").isEmpty();
		}
	}

	@Test
	void aStateDirectoryInsideOneAnotherProcessHoldsIsRefused() throws Exception {
		Path directory = this.temp.resolve("state");
		ChildJvm holder = start("hold", directory, "0");
		try {
			assertThat(readLine(holder)).startsWith("HELD ");
			assertThatThrownBy(() -> open(directory.resolve("sub"))).isInstanceOf(StateDirectoryLockedException.class)
				.hasMessageContaining("lies inside");
		}
		finally {
			holder.close();
		}
	}

	private static ChildJvm start(String mode, Path directory, String... more) throws IOException {
		List<String> args = new java.util.ArrayList<>(List.of(mode, directory.toString()));
		args.addAll(List.of(more));
		return ChildJvm.start(DirectoryLockWorker.class, args.toArray(new String[0]));
	}

	private static String readLine(ChildJvm child) {
		child.awaitLines(Duration.ofSeconds(60), (lines) -> !lines.isEmpty());
		List<String> lines = child.lines();
		return !lines.isEmpty() ? lines.get(0) : "(no output, exit " + (child.isAlive() ? "-" : child.exitValue()) + ")";
	}

	@Test
	void anUnusableLockFileFailsTheOpenAndLeavesNoStaleClaim() throws IOException {
		Path directory = this.temp.resolve("state");
		Path lockFile = directory.resolve(".statetree").resolve("lock");
		Files.createDirectories(lockFile);
		assertThatThrownBy(() -> open(directory)).isInstanceOf(StateStorageException.class)
			.isNotInstanceOf(StateDirectoryLockedException.class)
			.hasMessageContaining("Cannot lock state directory")
			.hasMessageContaining(".statetree/lock");
		Files.delete(lockFile);
		try (FileSystemBackend backend = open(directory)) {
			assertThat(commit(backend, "/a", 1).revision()).isEqualTo(1);
		}
	}

	@Test
	void aLockFileWithoutAHolderStillRefusesWithAClearMessage() {
		assertThat(DirectoryLock.holderOf("")).contains("holder unknown");
		assertThat(DirectoryLock.holderOf("pid=12\nhost=web\u0000-1\ninstance=ab\nopened=2026-11-30T11:00:00Z\n"))
			.isEqualTo("pid 12 on host web-1, instance ab, opened 2026-11-30T11:00:00Z");
	}

	// ---- revisions ----

	@Test
	void theRevisionKeepsIncreasingAcrossRestarts() {
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.revision()).isZero();
			assertThat(commit(backend, "/a", 1).revision()).isEqualTo(1);
			assertThat(commit(backend, "/a", 1).revision()).as("an unchanged commit takes no revision").isEqualTo(1);
			assertThat(commit(backend, "/b", Map.of("c", 2)).revision()).isEqualTo(2);
		}
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.revision()).as("before the fix: 0 after a restart").isEqualTo(2);
			assertThat(commit(backend, "/a", 3).revision()).isEqualTo(3);
		}
		try (StateController controller = StateController.create(open(directory))) {
			assertThat(controller.revision()).isEqualTo(3);
			controller.set("/x", "y");
			assertThat(controller.revision()).isEqualTo(4);
		}
	}

	@Test
	void withoutAHistoryTheRevisionFileHoldsALeaseWhileOpenAndTheExactRevisionAfterClose() throws IOException {
		Path directory = this.temp.resolve("state");
		Path file = directory.resolve(".statetree").resolve("revision");
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).historySize(0).build()) {
			for (int i = 1; i <= 3; i++) {
				commit(backend, "/a", i);
			}
			assertThat(Files.readString(file).strip()).isEqualTo(Long.toString(FileSystemBackend.REVISION_LEASE));
			for (int i = 4; i <= FileSystemBackend.REVISION_LEASE + 1; i++) {
				commit(backend, "/a", i);
			}
			assertThat(Files.readString(file).strip()).isEqualTo(Long.toString(2L * FileSystemBackend.REVISION_LEASE));
		}
		assertThat(Files.readString(file).strip()).isEqualTo(Long.toString(FileSystemBackend.REVISION_LEASE + 1));
	}

	@Test
	void withAHistoryCommitsLeaveTheRevisionFileAloneAndCloseStoresTheExactRevision() throws IOException {
		Path directory = this.temp.resolve("state");
		Path file = directory.resolve(".statetree").resolve("revision");
		try (FileSystemBackend backend = open(directory)) {
			for (int i = 1; i <= 3; i++) {
				commit(backend, "/a", i);
			}
			assertThat(file).doesNotExist();
		}
		assertThat(Files.readString(file).strip()).isEqualTo("3");
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.revision()).isEqualTo(3);
			commit(backend, "/a", 4);
			assertThat(Files.readString(file).strip()).isEqualTo("3");
		}
	}

	@Test
	void afterAKillTheRevisionGoesOnAboveEveryRevisionGivenOut() throws Exception {
		Path directory = this.temp.resolve("state");
		ChildJvm worker = start("commit", directory, "5");
		try {
			String line = readLine(worker);
			assertThat(line).isEqualTo("COMMITTED 5");
			worker.kill();
			assertThat(worker.waitFor(Duration.ofSeconds(30))).isTrue();
		}
		finally {
			worker.close();
		}
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.read(StatePath.of("/c"))).isEqualTo(5);
			assertThat(backend.revision()).as("the history's last commit: no revision is skipped").isEqualTo(5);
			long before = backend.revision();
			assertThat(commit(backend, "/c", "after").revision()).isEqualTo(before + 1);
		}
	}

	@Test
	void aDamagedRevisionFileStopsTheOpenNamingIt() throws IOException {
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = open(directory)) {
			commit(backend, "/a", 1);
		}
		Files.writeString(directory.resolve(".statetree").resolve("revision"), "x1");
		assertThatThrownBy(() -> open(directory)).isInstanceOf(StateStorageException.class)
			.hasMessageContaining(".statetree/revision")
			.hasMessageContaining("Delete it");
		Files.delete(directory.resolve(".statetree").resolve("revision"));
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).historySize(0).build()) {
			assertThat(backend.revision()).as("without the history: counting from 0").isZero();
			assertThat(backend.read(StatePath.of("/a"))).isEqualTo(1);
		}
		Files.deleteIfExists(directory.resolve(".statetree").resolve("revision"));
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.revision()).as("the history's last commit").isEqualTo(1);
		}
	}

	@Test
	void hybridAndCachingRevisionsStartFromTheStoredOne() {
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = open(directory)) {
			commit(backend, "/a", 1);
			commit(backend, "/a", 2);
		}
		try (CachingBackend cached = new CachingBackend(open(directory), CachePolicy.defaults())) {
			assertThat(cached.revision()).isEqualTo(2);
			assertThat(commit(cached, "/a", 3).revision()).isEqualTo(3);
		}
		try (HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/p", open(directory))) {
			assertThat(hybrid.revision()).isEqualTo(3);
			assertThat(commit(hybrid, "/memory", 1).revision()).isEqualTo(4);
			assertThat(commit(hybrid, "/p/a", 4).revision()).isEqualTo(5);
			assertThat(commit(hybrid, "/memory", 2).revision()).isEqualTo(6);
		}
		try (HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/p", open(directory))) {
			assertThat(hybrid.revision()).as("commits that touched only the memory root count too").isEqualTo(6);
			assertThat(commit(hybrid, "/memory", 3).revision()).isEqualTo(7);
		}
	}

	// ---- unparsable files ----

	@Test
	void anUnparsableFileIsNamedRelativeWithLineAndColumnAndNeverQuoted() throws IOException {
		// the input: users.json holding {"alice": {"apiToken": stLEAK123}}
		Path directory = this.temp.resolve("state");
		try (StateController controller = StateController.create(open(directory))) {
			controller.set("/users", Map.of("alice", Map.of("apiToken", "x")));
			controller.set("/settings/theme", "dark");
			Files.writeString(directory.resolve("users.json"), "{\"alice\": {\"apiToken\": stLEAK123}}");
			for (String path : List.of("/users", "/users/alice", "/users/alice/apiToken", "/")) {
				assertThatThrownBy(() -> controller.get(path)).as(path)
					.isInstanceOf(StateStorageException.class)
					.hasMessage("Cannot parse state file users.json: it is not valid JSON (line 1, column 24)")
					.satisfies((ex) -> assertNoLeak(ex, "stLEAK123", directory));
			}
			assertThat(controller.get("/settings/theme")).as("a sibling keeps answering").isEqualTo("dark");
			assertThat(controller.childNames("/")).as("listing needs no parse").containsExactly("users", "settings");
			assertThat(controller.set("/settings/theme", "light")).isTrue();
			assertThatThrownBy(() -> controller.set("/users/bob", 1)).isInstanceOf(StateStorageException.class)
				.satisfies((ex) -> assertNoLeak(ex, "stLEAK123", directory));
			assertThat(Files.readString(directory.resolve("users.json"))).contains("stLEAK123");
		}
	}

	@Test
	void anUnparsableYamlFileIsNamedWithoutItsContent() throws IOException {
		Path directory = this.temp.resolve("yaml");
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).serializer(Serializer.yaml()).fsync(false).build()) {
			commit(backend, "/users/alice", Map.of("apiToken", "x"));
			commit(backend, "/other", 1);
			Files.writeString(directory.resolve("users").resolve("alice.yaml"), "apiToken: \"stLEAK123\nnext: [1, 2\n");
			for (String path : List.of("/users/alice", "/users", "/")) {
				assertThatThrownBy(() -> backend.read(StatePath.of(path))).as(path).isInstanceOf(StateStorageException.class)
					.hasMessageStartingWith("Cannot parse state file users/alice.yaml: it is not valid YAML (line ")
					.satisfies((ex) -> assertNoLeak(ex, "stLEAK123", directory));
			}
			assertThat(backend.read(StatePath.of("/other"))).isEqualTo(1);
			assertThat(backend.childNames(StatePath.of("/users"))).containsExactly("alice");
		}
	}

	@Test
	void anAmbiguousEntryIsNamedRelative() throws IOException {
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = open(directory)) {
			commit(backend, "/b/c", 1);
			Files.writeString(directory.resolve("b.json"), "2");
			assertThatThrownBy(() -> backend.read(StatePath.ROOT)).isInstanceOf(StateStorageException.class)
				.hasMessageContaining("Both b.json and the directory b exist")
				.hasMessageNotContaining(directory.toString());
		}
	}

	/** Neither the message nor any cause quotes the marker or the absolute directory. */
	static void assertNoLeak(Throwable thrown, String marker, Path directory) {
		String absolute = directory.toAbsolutePath().normalize().toString();
		for (Throwable ex = thrown; ex != null; ex = ex.getCause()) {
			assertThat(String.valueOf(ex.getMessage())).doesNotContain(marker).doesNotContain(absolute);
			for (Throwable suppressed : ex.getSuppressed()) {
				assertThat(String.valueOf(suppressed.getMessage())).doesNotContain(marker);
			}
		}
	}

	// ---- the intent log ----

	@Test
	void aTruncatedIntentLogSaysSoWithoutNull() throws IOException {
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = open(directory)) {
			commit(backend, "/a", 1);
		}
		Path log = directory.resolve(".statetree").resolve("intent.log");
		byte[] whole = IntentLog.encode(directory, List.of(new Op(Kind.PUT, directory.resolve("b.json"),
				"2".getBytes(StandardCharsets.UTF_8), true), new Op(Kind.MKDIR, directory.resolve("c"), null, true)));
		for (int length : new int[] { 5, 24, whole.length - 9, whole.length - 1 }) {
			Files.write(log, java.util.Arrays.copyOf(whole, length));
			assertThatThrownBy(() -> open(directory)).as("cut at " + length).isInstanceOf(StateStorageException.class)
				.hasMessageContaining("intent.log")
				.hasMessageContaining("truncated")
				.hasMessageNotContaining("null");
		}
		Files.delete(log);
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.read(StatePath.ROOT)).as("a refused open leaves the lock free").isEqualTo(Map.of("a", 1));
		}
	}

}
