package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link FileSystemBackend} commit whose files fail after its commit point (journal frame
 * forced, intent log written, or its one visible operation done; the failure injected by the
 * package-private apply hook) succeeds: the value reads back, a listener hears it once, a reopen
 * shows it; meanwhile commits are refused, writing nothing, and the health check fails, until the
 * files can be written again.
 */
class FileApplyFailureTest {

	@TempDir
	Path directory;

	/** Fails every operation a commit applies to a state file while {@link #failing} holds. */
	static final class Faults implements AtomicCommit.ApplyHook {

		volatile Predicate<Op> failing = (op) -> false;

		int failed;

		@Override
		public void beforeApply(Op op) throws IOException {
			if (this.failing.test(op)) {
				this.failed++;
				throw new IOException("injected: cannot write " + op.path().getFileName());
			}
		}

		void failAll() {
			this.failing = (op) -> true;
		}

		void heal() {
			this.failing = (op) -> false;
		}

	}

	private final Faults faults = new Faults();

	private FileSystemBackend open(boolean fsync) {
		return FileSystemBackend.builder(this.directory).fsync(fsync).applyHook(this.faults).build();
	}

	private FileSystemBackend reopen(boolean fsync) {
		return FileSystemBackend.builder(this.directory).fsync(fsync).build();
	}

	private static long last(FileSystemBackend backend) {
		return ((HistoryLog) backend.history()).last().revision();
	}

	private static CommitRequest request(Write... writes) {
		return new CommitRequest(List.of(writes), List.of(), "test");
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void aCommitWhoseFilesFailAfterTheCommitPointSucceedsIsHeardOnceAndSurvivesAReopen(boolean fsync) {
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		long revision;
		try (StateController controller = StateController.builder().backend(open(fsync)).build()) {
			controller.set("/before", 1);
			controller.subscribe("/**", heard::add);
			this.faults.failAll();
			// two entries: with fsync off through the intent log, with fsync on through the journal
			controller.batch(() -> {
				controller.set("/users/alice", Map.of("age", 30));
				controller.set("/count", 7);
			});
			assertThat(this.faults.failed).as("the files did fail").isGreaterThan(0);
			assertThat(controller.get("/users/alice/age", Integer.class)).isEqualTo(30);
			assertThat(controller.get("/count", Integer.class)).isEqualTo(7);
			// each path heard once (the nested one bubbles up as its own event)
			assertThat(heard).extracting(StateEvent::path).doesNotHaveDuplicates()
				.contains(StatePath.of("/users/alice"), StatePath.of("/count"));
			revision = controller.revision();
			assertThat(heard).allSatisfy((event) -> assertThat(event.revision()).isEqualTo(revision));
		}
		try (FileSystemBackend reopened = reopen(fsync)) {
			assertThat(StateValues.equal(reopened.read(StatePath.of("/users/alice")), Map.of("age", 30))).isTrue();
			assertThat(StateValues.equal(reopened.read(StatePath.of("/count")), 7)).isTrue();
			assertThat(reopened.revision()).isEqualTo(revision);
			assertThat(last(reopened)).isEqualTo(revision);
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void whileTheFilesLagCommitsAreRefusedWritingNothingAndHealthFailsUntilTheyCatchUp(boolean fsync)
			throws IOException {
		try (FileSystemBackend backend = open(fsync)) {
			backend.commit(request(Write.of(StatePath.of("/a"), 0)));
			this.faults.failAll();
			CommitResult made = backend.commit(request(Write.of(StatePath.of("/a"), 1), Write.of(StatePath.of("/b"), 2)));
			assertThat(made.revision()).isEqualTo(2);
			assertThat(backend.revision()).isEqualTo(2);
			assertThat(StateValues.equal(backend.read(StatePath.of("/a")), 1)).isTrue();
			assertThat(backend.childNames(StatePath.ROOT)).containsExactly("a", "b");
			assertThat(StateValues.equal(backend.read(StatePath.ROOT), Map.of("a", 1, "b", 2))).isTrue();

			assertThatThrownBy(() -> backend.commit(request(Write.of(StatePath.of("/c"), 3))))
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("refuses commits, nothing was written")
				.hasMessageContaining("from revision 2 on")
				.hasMessageContaining("injected");
			assertThatThrownBy(() -> backend.checkCommit(request(Write.of(StatePath.of("/c"), 3))))
				.isInstanceOf(StateStorageException.class);
			assertThatThrownBy(backend::check).isInstanceOf(StateStorageException.class)
				.hasMessageContaining("refuses commits");
			assertThat(backend.read(StatePath.of("/c"))).isNull();
			assertThat(backend.revision()).isEqualTo(2);
			assertThat(last(backend)).isEqualTo(2);

			this.faults.heal();
			backend.check();
			assertThat(Files.readString(this.directory.resolve("a.json")).strip()).isEqualTo("1");
			assertThat(backend.commit(request(Write.of(StatePath.of("/c"), 3))).revision()).isEqualTo(3);
			assertThat(StateValues.equal(backend.read(StatePath.ROOT), Map.of("a", 1, "b", 2, "c", 3))).isTrue();
		}
		try (FileSystemBackend reopened = reopen(fsync)) {
			assertThat(StateValues.equal(reopened.read(StatePath.ROOT), Map.of("a", 1, "b", 2, "c", 3))).isTrue();
			assertThat(reopened.revision()).isEqualTo(3);
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void aReopenWhileTheFilesStillLagCompletesThemFromTheJournalOrIntentLog(boolean fsync) {
		try (FileSystemBackend backend = open(fsync)) {
			backend.commit(request(Write.of(StatePath.of("/keep"), Map.of("x", 1))));
			this.faults.failAll();
			backend.commit(request(Write.of(StatePath.of("/keep"), null), Write.of(StatePath.of("/new/deep"), "v")));
			// the close cannot write the files either: it leaves them to the next open
		}
		assertThat(this.directory.resolve("new")).doesNotExist();
		try (FileSystemBackend reopened = reopen(fsync)) {
			assertThat(StateValues.equal(reopened.read(StatePath.ROOT), Map.of("new", Map.of("deep", "v")))).isTrue();
			assertThat(reopened.revision()).isEqualTo(2);
			reopened.commit(request(Write.of(StatePath.of("/after"), true)));
		}
		try (FileSystemBackend reopened = reopen(fsync)) {
			assertThat(StateValues.equal(reopened.read(StatePath.ROOT),
					Map.of("new", Map.of("deep", "v"), "after", true))).isTrue();
		}
	}

	@Test
	void withoutFsyncAOneEntryCommitWhoseVisibleFileFailsIsNotMadeAndThrows() {
		try (FileSystemBackend backend = open(false)) {
			backend.commit(request(Write.of(StatePath.of("/a"), 1)));
			this.faults.failing = Op::visible;
			assertThatThrownBy(() -> backend.commit(request(Write.of(StatePath.of("/a"), 2))))
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("the commit was not made");
			assertThat(StateValues.equal(backend.read(StatePath.of("/a")), 1)).isTrue();
			assertThat(backend.revision()).isEqualTo(1);
			this.faults.heal();
			// no lag: the next commit goes straight through
			assertThat(backend.commit(request(Write.of(StatePath.of("/a"), 3))).revision()).isEqualTo(2);
		}
		try (FileSystemBackend reopened = reopen(false)) {
			assertThat(StateValues.equal(reopened.read(StatePath.of("/a")), 3)).isTrue();
			assertThat(last(reopened)).isEqualTo(2);
		}
	}

	@Test
	void withoutFsyncAOneEntryCommitWhoseHiddenFileFailsAfterTheVisibleOneSucceeds() {
		// a name over 200 characters is stored under a hash, with a hidden name file beside it
		StatePath longName = StatePath.ROOT.child("n".repeat(250));
		try (FileSystemBackend backend = open(false)) {
			backend.commit(request(Write.of(StatePath.of("/first"), 1), Write.of(longName, 2)));
			// its delete: the data file (visible), then the hidden name file
			this.faults.failing = (op) -> !op.visible();
			CommitResult result = backend.commit(request(Write.of(longName, null)));
			assertThat(this.faults.failed).as("the hidden file did fail").isGreaterThan(0);
			assertThat(result.revision()).isEqualTo(2);
			assertThat(backend.read(longName)).isNull();
			assertThat(backend.childNames(StatePath.ROOT)).containsExactly("first");
			assertThatThrownBy(() -> backend.commit(request(Write.of(StatePath.of("/third"), 3))))
				.isInstanceOf(StateStorageException.class);
			this.faults.heal();
			backend.commit(request(Write.of(StatePath.of("/third"), 3)));
			assertThat(backend.childNames(StatePath.ROOT)).containsExactly("first", "third");
		}
		try (FileSystemBackend reopened = reopen(false)) {
			assertThat(reopened.childNames(StatePath.ROOT)).containsExactly("first", "third");
			assertThat(reopened.revision()).isEqualTo(3);
		}
	}

	@Test
	void aFailureThatPassesAtTheSecondAttemptLeavesNoLag() {
		try (FileSystemBackend backend = open(true)) {
			int[] calls = { 0 };
			this.faults.failing = (op) -> calls[0]++ == 0; // the first operation of the commit fails once
			CommitResult result = backend.commit(request(Write.of(StatePath.of("/a"), 1)));
			assertThat(result.revision()).isEqualTo(1);
			backend.check();
			assertThat(backend.commit(request(Write.of(StatePath.of("/b"), 2))).revision()).isEqualTo(2);
		}
	}

	@Test
	void concurrentCommitsGroupedTogetherAllSucceedWhenTheirFilesFailAndLaterOnesAreRefused() throws Exception {
		int threads = 6;
		List<StatePath> made = new CopyOnWriteArrayList<>();
		List<StatePath> refused = new CopyOnWriteArrayList<>();
		try (FileSystemBackend backend = open(true)) {
			this.faults.failAll();
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			List<Thread> workers = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				StatePath path = StatePath.of("/t" + t);
				Thread worker = new Thread(() -> {
					try {
						start.await();
						backend.commit(request(Write.of(path, 1)));
						made.add(path);
					}
					catch (StateStorageException ex) {
						assertThat(ex).hasMessageContaining("refuses commits");
						refused.add(path);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				workers.add(worker);
				worker.start();
			}
			start.countDown();
			for (Thread worker : workers) {
				worker.join(60_000);
			}
			assertThat(made.size() + refused.size()).isEqualTo(threads);
			// the first group is made (its frame is in the journal); everything after it is refused
			assertThat(made).isNotEmpty();
			assertThat(backend.revision()).isEqualTo(made.size());
			for (StatePath path : made) {
				assertThat(StateValues.equal(backend.read(path), 1)).as(path.toString()).isTrue();
			}
			for (StatePath path : refused) {
				assertThat(backend.read(path)).as(path.toString()).isNull();
			}
		}
		try (FileSystemBackend reopened = reopen(true)) {
			assertThat(reopened.childNames(StatePath.ROOT)).hasSize(made.size());
			for (StatePath path : made) {
				assertThat(StateValues.equal(reopened.read(path), 1)).as(path.toString()).isTrue();
			}
		}
	}

}
