package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.IntentLog.Op;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

import static io.statetree.core.TreeComparison.withoutEmptyBranches;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random commit sequences with random failures injected into the file operations of commits
 * (after their journal frame or intent log is written; sporadic, or every operation for a while):
 * after every call the backend reads as a sequential model of the calls that returned, and after
 * a reopen (without faults) so does the directory: a call that threw is never visible, one that
 * returned always is. On a filesystem backend with fsync on and off, and on a hybrid whose root
 * is one (with a memory mount that commits span) or whose mount is one (with a memory root: a
 * part the files refuse takes back the root's part written before it).
 */
class FileApplyFailurePropertiesTest {

	private static final int CALLS = 40;

	@Property(tries = 40)
	void fileSystemWithFsyncShowsExactlyTheCallsThatReturned(@ForAll long seed) throws IOException {
		check(seed, true, Layout.FILES);
	}

	@Property(tries = 60)
	void fileSystemWithoutFsyncShowsExactlyTheCallsThatReturned(@ForAll long seed) throws IOException {
		check(seed, false, Layout.FILES);
	}

	@Property(tries = 40)
	void hybridWithAFileRootShowsExactlyTheCallsThatReturned(@ForAll long seed) throws IOException {
		check(seed, (seed & 1) == 0, Layout.FILE_ROOT);
	}

	@Property(tries = 40)
	void hybridWithAFileMountShowsExactlyTheCallsThatReturned(@ForAll long seed) throws IOException {
		check(seed, (seed & 1) == 0, Layout.FILE_MOUNT);
	}

	/**
	 * The sample that once failed: call 10 writes below {@code /x y} and then replaces the root
	 * while the files fail; the take-back restored the inner path first, below the new leaf, and
	 * left the memory root's part visible (see {@link HybridRootReplaceFailureTest}).
	 */
	@Example
	void hybridWithAFileMountSeed13() throws IOException {
		check(13L, false, Layout.FILE_MOUNT);
	}

	/** Where the files are: alone, as a hybrid's root (memory at /m), or mounted at /m (memory root). */
	private enum Layout {

		FILES, FILE_ROOT, FILE_MOUNT

	}

	/** Fails operations as the current mode says: none, about one in four, or all. */
	private static final class RandomFaults implements AtomicCommit.ApplyHook {

		private final Random random;

		int mode;

		int injected;

		RandomFaults(Random random) {
			this.random = random;
		}

		@Override
		public void beforeApply(Op op) throws IOException {
			if (this.mode == 2 || (this.mode == 1 && this.random.nextInt(4) == 0)) {
				this.injected++;
				throw new IOException("injected failure");
			}
		}

	}

	private static void check(long seed, boolean fsync, Layout layout) throws IOException {
		boolean hybrid = layout != Layout.FILES;
		Path dir = Files.createTempDirectory("statetree-faults");
		Random random = new Random(seed);
		RandomFaults faults = new RandomFaults(new Random(~seed));
		Map<String, Object> model = StateValues.emptyBranch();
		int refusedForLag = 0;
		try {
			FileSystemBackend files = FileSystemBackend.builder(dir).fsync(fsync).applyHook(faults).build();
			StateBackend backend = switch (layout) {
				case FILES -> files;
				case FILE_ROOT -> new HybridBackend(files).mount("/m", new InMemoryBackend());
				case FILE_MOUNT -> new HybridBackend(new InMemoryBackend()).mount("/m", files);
			};
			long lastRevision = 0;
			try {
				for (int i = 0; i < CALLS; i++) {
					int roll = random.nextInt(20);
					if (roll < 3) {
						faults.mode = 2; // a while of failing files
					}
					else if (roll < 9) {
						faults.mode = (faults.mode == 2 && roll < 6) ? 2 : (roll < 6 ? 1 : 0);
					}
					List<Write> writes = hybrid ? intoMount(CrashTestWorker.randomWrites(random), random)
							: CrashTestWorker.randomWrites(random);
					String context = "seed " + seed + ", call " + i + " (faults " + faults.mode + "): "
							+ CrashTestWorker.encode(writes);
					Map<String, Object> expected;
					try {
						expected = FileSystemCrashTest.apply(model, writes);
					}
					catch (StateWriteException ex) {
						expected = null;
					}
					CommitResult result = null;
					try {
						result = backend.commit(new CommitRequest(writes, List.of(), "faults"));
					}
					catch (StateWriteException ex) {
						assertThat(expected).as(context + ": refused " + ex.getMessage()).isNull();
					}
					catch (StateStorageException ex) {
						refusedForLag += ex.getMessage().contains("refuses commits") ? 1 : 0;
					}
					if (result != null) {
						assertThat(expected).as(context + ": accepted what the model refuses").isNotNull();
						model = expected;
						assertThat(result.revision()).as(context).isGreaterThanOrEqualTo(lastRevision);
						lastRevision = result.revision();
					}
					Object actual = backend.read(StatePath.ROOT);
					assertThat(StateValues.equal(withoutEmptyBranches(actual), withoutEmptyBranches(model)))
						.as(context + ": reads " + StateValues.toJsonString(actual) + ", model "
								+ StateValues.toJsonString(model))
						.isTrue();
					if (random.nextInt(8) == 0) {
						try {
							backend.check();
						}
						catch (StateStorageException ex) {
							// the files lag: health says so
						}
					}
				}
				if (random.nextBoolean()) {
					faults.mode = 0; // otherwise the close leaves lagging files to the next open
				}
			}
			finally {
				backend.close();
			}
			// the faults do bite: commits made while files failed, and commits refused while they lagged
			Statistics.label("refused while the files lagged").collect(refusedForLag > 0);
			Statistics.label("refused while the files lagged")
				.coverage((coverage) -> coverage.check(true).percentage((p) -> p > 10));
			try (FileSystemBackend reopened = FileSystemBackend.builder(dir).fsync(fsync).build()) {
				Object actual = reopened.read(StatePath.ROOT);
				Object stored = switch (layout) {
					case FILES -> model;
					case FILE_ROOT -> without(model, "m");
					case FILE_MOUNT -> (model.get("m") != null) ? model.get("m") : StateValues.emptyBranch();
				};
				assertThat(StateValues.equal(withoutEmptyBranches(actual), withoutEmptyBranches(stored)))
					.as("seed " + seed + " after a reopen: " + StateValues.toJsonString(actual) + ", model "
							+ StateValues.toJsonString(stored) + " (" + faults.injected + " failures injected, "
							+ refusedForLag + " calls refused while the files lagged)")
					.isTrue();
				if (layout == Layout.FILES) {
					assertThat(reopened.revision()).isEqualTo(lastRevision);
				}
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	/** Sends writes below {@code /b/...} and some below {@code /c/...} to the mount at {@code /m} instead. */
	private static List<Write> intoMount(List<Write> writes, Random random) {
		List<Write> moved = new ArrayList<>(writes.size());
		for (Write write : writes) {
			StatePath path = write.path();
			if (path.depth() >= 2 && (path.segment(0).equals("b") || (path.segment(0).equals("c") && random.nextBoolean()))) {
				path = StatePath.ROOT.child("m").resolve(path.prefix(1).relativize(path));
			}
			moved.add(new Write(path, write.value(), write.payload(), write.lifetime()));
		}
		return moved;
	}

	private static Map<String, Object> without(Map<?, ?> map, String key) {
		Map<String, Object> copy = new LinkedHashMap<>();
		map.forEach((k, v) -> {
			if (!k.equals(key)) {
				copy.put((String) k, v);
			}
		});
		return copy;
	}

}
