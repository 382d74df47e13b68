package io.statetree.core.break24;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.Break14Backends;
import io.statetree.core.StateController;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-after-write across threads with many more leaves than the leaf read memo has slots (so
 * paths share slots): a writer sets a leaf and hands the path and the value it wrote to a reader
 * thread; the reader, which read every leaf before (so the memo holds older revisions' entries),
 * must read that value or a newer one, never an older one or a neighbour's value sharing the slot.
 */
class Break24ReadAfterWriteAcrossThreadsTest {

	private static final int LEAVES = 3_000;

	private static final int ROUNDS = 2;

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(value = Break14Backends.class, names = { "MEMORY", "HYBRID_FILES_ROOT_MEMORY_MOUNT", "CACHING_THROUGH_MEMORY" })
	void aReadStartedAfterAWriteReturnedSeesIt(Break14Backends kind) throws Exception {
		String prefix = kind.prefix(0) + "/leaves/";
		try (StateController c = StateController.builder().backend(kind.create(this.dir)).build()) {
			BlockingQueue<int[]> handed = new ArrayBlockingQueue<>(64);
			List<String> problems = new CopyOnWriteArrayList<>();
			Thread reader = new Thread(() -> {
				try {
					while (true) {
						int[] next = handed.take();
						if (next[0] < 0) {
							return;
						}
						Object read = c.get(prefix + next[0]);
						if (!(read instanceof Integer value) || value < next[1] || value % LEAVES != next[0]) {
							problems.add("leaf " + next[0] + " read " + read + " after the write of " + next[1]);
						}
						// touch a neighbour so slots keep being taken by other paths
						c.get(prefix + ((next[0] + 1024) % LEAVES));
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			reader.start();
			for (int round = 0; round < ROUNDS; round++) {
				for (int i = 0; i < LEAVES; i++) {
					int value = round * LEAVES + i;
					c.set(prefix + i, value);
					assertThat(handed.offer(new int[] { i, value }, 30, TimeUnit.SECONDS)).isTrue();
				}
			}
			assertThat(handed.offer(new int[] { -1, 0 }, 30, TimeUnit.SECONDS)).isTrue();
			reader.join(60_000);
			assertThat(reader.isAlive()).isFalse();
			assertThat(problems).isEmpty();
		}
	}

}
