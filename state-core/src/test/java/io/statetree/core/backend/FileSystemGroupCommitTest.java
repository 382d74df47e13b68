package io.statetree.core.backend;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit and the journal of {@link FileSystemBackend} with fsync on (issue 20), and the
 * {@code .order} file written only when the order of a directory's children changes.
 */
class FileSystemGroupCommitTest {

	private static final int THREADS = 8;

	@TempDir
	Path dir;

	private static CommitRequest request(List<Write> writes, List<Precondition> preconditions) {
		return new CommitRequest(writes, preconditions, "test");
	}

	@Test
	void concurrentWritersEachGetTheirOwnRevisionAndTheHistoryHoldsEveryCommitInOrder() throws Exception {
		int perThread = 40;
		List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
		try (FileSystemBackend backend = FileSystemBackend.builder(this.dir).build()) {
			runConcurrently((t) -> {
				for (int n = 1; n <= perThread; n++) {
					CommitResult result = backend.commit(request(List.of(Write.of(StatePath.of("/w/t" + t + "/a"), (long) n),
							Write.of(StatePath.of("/w/t" + t + "/b"), (long) n)), List.of()));
					assertThat(result.changes()).hasSize(2);
					assertThat(num(result.changes().get(0).oldValue())).isEqualTo((n == 1) ? null : (long) (n - 1));
					revisions.add(result.revision());
				}
			});
			int total = THREADS * perThread;
			assertThat(revisions).doesNotHaveDuplicates().hasSize(total);
			assertThat(Collections.max(revisions)).isEqualTo(total);
			assertThat(backend.revision()).isEqualTo(total);
			List<Commit> history = backend.history().after(0, 10_000);
			assertThat(history).extracting(Commit::revision)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
			for (int t = 0; t < THREADS; t++) {
				assertThat(num(backend.read(StatePath.of("/w/t" + t + "/a")))).isEqualTo((long) perThread);
				assertThat(num(backend.read(StatePath.of("/w/t" + t + "/b")))).isEqualTo((long) perThread);
			}
		}
		try (FileSystemBackend reopened = FileSystemBackend.builder(this.dir).build()) {
			assertThat(reopened.revision()).isEqualTo(THREADS * perThread);
			assertThat(num(reopened.read(StatePath.of("/w/t3/b")))).isEqualTo((long) perThread);
			assertThat(Files.size(this.dir.resolve(".statetree").resolve(IntentJournal.FILE))).as("checkpointed at close")
				.isZero();
		}
	}

	@Test
	void compareAndSetFromConcurrentWritersLosesNoIncrement() throws Exception {
		StatePath counter = StatePath.of("/counter");
		int perThread = 25;
		try (FileSystemBackend backend = FileSystemBackend.builder(this.dir).build()) {
			backend.commit(request(List.of(Write.of(counter, 0L)), List.of()));
			runConcurrently((t) -> {
				for (int n = 0; n < perThread; n++) {
					while (true) {
						Object current = backend.read(counter);
						long next = ((Number) current).longValue() + 1;
						try {
							CommitResult result = backend.commit(request(List.of(Write.of(counter, next)),
									List.of(new Precondition(counter, current))));
							assertThat(num(result.changes().get(0).oldValue())).isEqualTo(num(current));
							break;
						}
						catch (PreconditionFailedException ex) {
							// another thread's increment came first: read again
						}
					}
				}
			});
			assertThat(num(backend.read(counter))).isEqualTo((long) THREADS * perThread);
			// the history's changes of /counter chain: each one starts where the one before ended
			List<Commit> history = backend.history().after(0, 10_000);
			Object previous = null;
			for (Commit commit : history) {
				assertThat(num(commit.changes().get(0).oldValue())).isEqualTo(num(previous));
				previous = commit.changes().get(0).newValue();
			}
			assertThat(num(previous)).isEqualTo((long) THREADS * perThread);
		}
	}

	@Test
	void theJournalIsReplayedAtOpenAndAFrameCutShortIsDropped() throws Exception {
		try (FileSystemBackend backend = FileSystemBackend.builder(this.dir).historySize(0).build()) {
			backend.commit(request(List.of(Write.of(StatePath.of("/a"), 1L)), List.of()));
		}
		// what a crash leaves: one whole frame (its files never written) and one cut short
		Path base = this.dir.toAbsolutePath().normalize();
		byte[] whole = IntentLog.encode(base, List.of(new Op(Kind.PUT, base.resolve("a.json"),
				"2".getBytes(StandardCharsets.UTF_8), true), new Op(Kind.MKDIR, base.resolve("d"), null, true),
				new Op(Kind.PUT, base.resolve("d").resolve("e.json"), "3".getBytes(StandardCharsets.UTF_8), true)));
		byte[] torn = IntentLog.encode(base, List.of(new Op(Kind.PUT, base.resolve("b.json"),
				"4".getBytes(StandardCharsets.UTF_8), true)));
		ByteBuffer journal = ByteBuffer.allocate(8 + whole.length + torn.length - 5);
		journal.putInt(whole.length).put(whole).putInt(torn.length).put(torn, 0, torn.length - 5);
		Files.write(base.resolve(".statetree").resolve(IntentJournal.FILE), journal.array());
		try (FileSystemBackend reopened = FileSystemBackend.builder(this.dir).historySize(0).build()) {
			assertThat(num(reopened.read(StatePath.of("/a")))).isEqualTo(2L);
			assertThat(num(reopened.read(StatePath.of("/d/e")))).isEqualTo(3L);
			assertThat(reopened.read(StatePath.of("/b"))).isNull();
			assertThat(Files.size(base.resolve(".statetree").resolve(IntentJournal.FILE))).isZero();
		}
	}

	@Test
	void theOrderFileIsWrittenOnlyWhenTheOrderOfChildrenChanges() throws Exception {
		try (FileSystemBackend backend = FileSystemBackend.builder(this.dir).build()) {
			for (String name : List.of("c", "a", "b")) {
				backend.commit(request(List.of(Write.of(StatePath.of("/d/" + name), name)), List.of()));
			}
			Path order = this.dir.resolve("d").resolve(FileTreeReader.ORDER);
			Object before = fileKey(order);
			backend.commit(request(List.of(Write.of(StatePath.of("/d/a"), "changed")), List.of()));
			backend.commit(request(List.of(Write.of(StatePath.of("/d/c"), null)), List.of()));
			assertThat(fileKey(order)).as("an overwrite and a delete leave the order file alone").isEqualTo(before);
			assertThat(backend.childNames(StatePath.of("/d"))).containsExactly("a", "b");
			backend.commit(request(List.of(Write.of(StatePath.of("/d/c"), "again")), List.of()));
			assertThat(fileKey(order)).isNotEqualTo(before);
			assertThat(backend.childNames(StatePath.of("/d"))).containsExactly("a", "b", "c");
			assertThat(Files.readString(order)).as("rewritten without the deleted name, then with it at the end")
				.isEqualTo("a\nb\nc");
		}
		try (FileSystemBackend reopened = FileSystemBackend.builder(this.dir).build()) {
			assertThat(reopened.childNames(StatePath.of("/d"))).containsExactly("a", "b", "c");
		}
	}

	private static @org.jspecify.annotations.Nullable Long num(@org.jspecify.annotations.Nullable Object value) {
		return (value == null) ? null : ((Number) value).longValue();
	}

	private static Object fileKey(Path file) throws Exception {
		BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
		return List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime());
	}

	private interface ThreadBody {

		void run(int thread) throws Exception;

	}

	private static void runConcurrently(ThreadBody body) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					start.await();
					body.run(thread);
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}
