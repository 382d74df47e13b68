package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random commit sequences against {@link StateValues#applyToRoot} as the model: after every
 * commit each backend holds what the model holds, rejects what the model rejects, and reports
 * the model's changes.
 */
class RandomCommitsModelTest {

	@Property(tries = 30)
	void fileSystemBackendFollowsTheModel(@ForAll long seed) throws IOException {
		check(seed, 60, (dir) -> FileSystemBackend.builder(dir).fsync(false).build());
	}

	@Property(tries = 15)
	void hybridBackendFollowsTheModel(@ForAll long seed) throws IOException {
		check(seed, 60, (dir) -> new HybridBackend(FileSystemBackend.builder(dir).fsync(false).build())
			.mount("/m", new InMemoryBackend()));
	}

	@Property(tries = 15)
	void cachingBackendFollowsTheModel(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int mode)
			throws IOException {
		CachePolicy policy = switch (mode) {
			case 0 -> CachePolicy.defaults();
			case 1 -> CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build();
			default -> CachePolicy.builder().flushOnWrite(false).build();
		};
		check(seed, 60, (dir) -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(), policy));
	}

	private static void check(long seed, int commits, Function<Path, StateBackend> factory) throws IOException {
		Path dir = Files.createTempDirectory("statetree-model");
		try (StateBackend backend = factory.apply(dir)) {
			Random random = new Random(seed);
			Map<String, Object> model = StateValues.emptyBranch();
			for (int i = 0; i < commits; i++) {
				List<Write> writes = CrashTestWorker.randomWrites(random);
				String context = "seed " + seed + ", commit " + i + ": " + CrashTestWorker.encode(writes);
				Map<String, Object> expected;
				try {
					expected = FileSystemCrashTest.apply(model, writes);
				}
				catch (StateWriteException ex) {
					expected = null;
				}
				if (expected == null) {
					try {
						backend.commit(new CommitRequest(writes, List.of(), "m"));
						throw new AssertionError(context + ": the backend accepted what the model refused");
					}
					catch (StateWriteException ex) {
						assertThat(StateValues.equal(backend.read(StatePath.ROOT), model)).as(context).isTrue();
						continue;
					}
				}
				CommitResult result = backend.commit(new CommitRequest(writes, List.of(), "m"));
				List<Change> modelChanges = StateValues.changes(model, StateValues.applyToRoot(model, writes), writes);
				assertThat(result.changes()).as(context).hasSameSizeAs(modelChanges);
				for (int c = 0; c < modelChanges.size(); c++) {
					Change want = modelChanges.get(c);
					Change got = result.changes().get(c);
					assertThat(got.path()).as(context).isEqualTo(want.path());
					assertThat(StateValues.equal(got.oldValue(), want.oldValue())).as(context + " old value at " + want.path()
							+ ": " + StateValues.toJsonString(got.oldValue())).isTrue();
					assertThat(StateValues.equal(got.newValue(), want.newValue())).as(context + " new value at " + want.path()
							+ ": " + StateValues.toJsonString(got.newValue())).isTrue();
				}
				model = expected;
				Object actual = backend.read(StatePath.ROOT);
				assertThat(StateValues.equal(actual, model))
					.as(context + ": actual " + StateValues.toJsonString(actual) + " expected " + StateValues.toJsonString(model))
					.isTrue();
			}
			backend.flush();
		}
		finally {
			try (Stream<Path> files = Files.walk(dir)) {
				for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
		}
	}

}
