package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import io.statetree.core.StateController;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revisions never go back across restarts on any backend that keeps the tree in files: random
 * sequences of writes (some changing nothing) with random reopen points; after every changing
 * commit the revision is strictly above every revision seen before, across reopenings (files,
 * YAML files, caches and hybrids in front of files, write-behind and a memory root included).
 */
class FileSystemRevisionPropertiesTest {

	/** One step: a reopen ({@code -1}) or a write of a value at one of a few paths. */
	@Provide
	Arbitrary<List<Integer>> steps() {
		return Arbitraries.integers().between(-1, 11).list().ofMinSize(1).ofMaxSize(25);
	}

	@Property(tries = 30)
	void filesKeepIncreasingAcrossReopening(@ForAll("steps") List<Integer> steps) throws IOException {
		check(steps, (dir) -> FileSystemBackend.builder(dir).fsync(false).build(), true);
	}

	@Property(tries = 15)
	void yamlFilesKeepIncreasingAcrossReopening(@ForAll("steps") List<Integer> steps) throws IOException {
		check(steps, (dir) -> FileSystemBackend.builder(dir).serializer(Serializer.yaml()).fsync(false).build(), true);
	}

	@Property(tries = 15)
	void aCacheInFrontOfFilesKeepsIncreasingAcrossReopening(@ForAll("steps") List<Integer> steps) throws IOException {
		check(steps, (dir) -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(), CachePolicy.defaults()));
	}

	@Property(tries = 15)
	void aHybridOverFilesKeepsIncreasingAcrossReopening(@ForAll("steps") List<Integer> steps) throws IOException {
		check(steps, (dir) -> new HybridBackend(FileSystemBackend.builder(dir.resolve("root")).fsync(false).build())
			.mount("/m", FileSystemBackend.builder(dir.resolve("mount")).fsync(false).build()));
	}

	@Property(tries = 15)
	void aHybridWithAMemoryRootKeepsIncreasingAcrossReopening(@ForAll("steps") List<Integer> steps) throws IOException {
		check(steps, (dir) -> new HybridBackend(new InMemoryBackend())
			.mount("/m", FileSystemBackend.builder(dir.resolve("mount")).fsync(false).build()));
	}

	@Property(tries = 15)
	void aWriteBehindCacheInFrontOfFilesKeepsIncreasingAcrossReopening(@ForAll("steps") List<Integer> steps)
			throws IOException {
		check(steps, (dir) -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(),
				CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build()));
	}

	private static void check(List<Integer> steps, Function<Path, StateBackend> opener) throws IOException {
		check(steps, opener, false);
	}

	private static void check(List<Integer> steps, Function<Path, StateBackend> opener, boolean exact)
			throws IOException {
		Path dir = Files.createTempDirectory("statetree-revisions");
		try {
			StateController controller = StateController.create(opener.apply(dir));
			long highest = controller.revision();
			assertThat(highest).isZero();
			try {
				for (int step : steps) {
					if (step < 0) {
						controller.close();
						controller = StateController.create(opener.apply(dir));
						if (exact) {
							assertThat(controller.revision()).as("after reopening").isEqualTo(highest);
						}
						else {
							// a cache or hybrid reserves a revision before each commit, also for one
							// that then changes nothing: reopening may skip that one
							assertThat(controller.revision()).as("after reopening").isBetween(highest, highest + 1);
						}
						highest = controller.revision();
						continue;
					}
					String path = (step % 4 == 3) ? "/m/k" : "/k" + (step % 4);
					boolean changed = controller.set(path, step / 4);
					long revision = controller.revision();
					if (changed) {
						assertThat(revision).as("a changing commit").isGreaterThan(highest);
					}
					else {
						assertThat(revision).as("a commit changing nothing").isEqualTo(highest);
					}
					highest = revision;
				}
			}
			finally {
				controller.close();
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

}
