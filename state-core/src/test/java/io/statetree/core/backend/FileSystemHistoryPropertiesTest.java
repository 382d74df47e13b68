package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention of the file system backend's history against a model: random retention sizes, random
 * writes (some changing nothing) and random reopenings (some with another size); after every
 * step {@code after(0, big)} is exactly the last {@code size} changing commits (a shorter suffix
 * of them after the size grew), any page
 * {@code after(r, limit)} is the model's slice, {@code retainedAfter()} is the revision before
 * the oldest one served (0 while none was dropped), and the disk holds at most about twice the
 * size.
 */
class FileSystemHistoryPropertiesTest {

	/** One step: a reopen ({@code -1}), or a write of a value (0–3, so some change nothing) at one of two paths. */
	@Provide
	Arbitrary<List<Integer>> steps() {
		return Arbitraries.integers().between(-1, 7).list().ofMinSize(0).ofMaxSize(60);
	}

	@Property(tries = 40)
	void afterServesExactlyTheLastSizeCommits(@ForAll @IntRange(min = 1, max = 8) int size,
			@ForAll("steps") List<Integer> steps, @ForAll @IntRange(min = 0, max = 100) int probe,
			@ForAll @IntRange(min = 1, max = 10) int limit, @ForAll boolean resize) throws IOException {
		Path dir = Files.createTempDirectory("statetree-history");
		List<Commit> model = new ArrayList<>();
		Object[] values = new Object[2];
		int currentSize = size;
		try {
			FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(currentSize).build();
			try {
				for (int step : steps) {
					if (step < 0) {
						backend.close();
						if (resize) {
							currentSize = 1 + (currentSize * 3) % 8;
						}
						backend = FileSystemBackend.builder(dir).fsync(false).historySize(currentSize).build();
					}
					else {
						int slot = step % 2;
						Integer value = step / 2;
						StatePath path = StatePath.of("/k" + slot);
						CommitResult result = backend.commit(new CommitRequest(List.of(Write.of(path, value)), List.of(), "p"));
						if (!value.equals(values[slot])) {
							model.add(new Commit(result.revision(), java.time.Instant.EPOCH, "p", null,
									List.of(new ChangedPath(path, values[slot], value))));
							values[slot] = value;
						}
					}
					check(backend, model, currentSize, probe, limit, dir, resize);
				}
			}
			finally {
				backend.close();
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	private static void check(FileSystemBackend backend, List<Commit> model, int size, int probe, int limit, Path dir,
			boolean resized) throws IOException {
		List<Commit> all = backend.history().after(0, 10_000);
		// a size that grew cannot bring back what a smaller one dropped: then the served commits
		// are a shorter suffix of the model
		int served = resized ? Math.min(all.size(), size) : Math.min(model.size(), size);
		List<Commit> retained = model.subList(model.size() - served, model.size());
		assertThat(revisions(all)).isEqualTo(revisions(retained));
		for (int i = 0; i < all.size(); i++) {
			assertThat(all.get(i).changes()).isEqualTo(retained.get(i).changes());
			assertThat(all.get(i).origin()).isEqualTo("p");
		}
		long expectedHorizon = (model.size() > served) ? model.get(model.size() - served - 1).revision() : 0;
		assertThat(backend.history().retainedAfter()).isEqualTo(expectedHorizon);
		assertThat(backend.revision()).isEqualTo(model.isEmpty() ? 0 : model.get(model.size() - 1).revision());
		long after = probe % (backend.revision() + 2);
		List<Long> expected = new ArrayList<>();
		for (Commit commit : retained) {
			if (commit.revision() > after && expected.size() < limit) {
				expected.add(commit.revision());
			}
		}
		assertThat(revisions(backend.history().after(after, limit))).isEqualTo(expected);
		try (Stream<Path> files = Files.list(dir.resolve(".statetree").resolve("history"))) {
			assertThat(files.count()).as("segments on disk").isLessThanOrEqualTo(3);
		}
	}

	private static List<Long> revisions(List<Commit> commits) {
		List<Long> revisions = new ArrayList<>(commits.size());
		for (Commit commit : commits) {
			revisions.add(commit.revision());
		}
		return revisions;
	}

}
