package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.List;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write-through cache passes its delegate's history through (its revisions are the
 * delegate's, one for one); a write-behind cache does not (flushes merge commits).
 */
class CachingHistoryPassThroughTest {

	@TempDir
	Path dir;

	@Test
	void writeThroughInFrontOfFilesIsTheFilesHistoryAcrossRestarts() {
		for (int round = 0; round < 3; round++) {
			FileSystemBackend fs = FileSystemBackend.builder(this.dir).fsync(false).historySize(100).build();
			CachingBackend cache = new CachingBackend(fs, CachePolicy.defaults());
			assertThat(cache.history()).isSameAs(fs.history()).isNotNull();
			try (StateController c = StateController.builder().backend(cache).historySize(0).build()) {
				c.set("/a", round);
				c.set("/a", round);
				c.set("/b/" + round, "x");
				assertThat(cache.revision()).isEqualTo(fs.revision()).isEqualTo(c.revision());
				List<Commit> h = c.history(0, 100);
				assertThat(h).extracting(Commit::revision).isEqualTo(
						java.util.stream.LongStream.rangeClosed(1, c.revision()).boxed().toList());
				assertThat(h.get(h.size() - 1).changes().get(0).path().toString()).isEqualTo("/b/" + round);
			}
		}
	}

	@Test
	void writeBehindKeepsTheHistoryInMemory() {
		FileSystemBackend fs = FileSystemBackend.builder(this.dir).fsync(false).historySize(100).build();
		CachingBackend cache = new CachingBackend(fs,
				CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build());
		assertThat(cache.history()).isNull();
		assertThat(cache.readVersioned(io.statetree.core.StatePath.of("/a"))).isNull();
		try (StateController c = StateController.builder().backend(cache).historySize(10).build()) {
			c.set("/a", 1);
			c.set("/a", 2);
			assertThat(c.history(0, 10)).hasSize(2);
			assertThat(fs.history().after(0, 10)).isEmpty();
		}
	}

}
