package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StatePath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InMemoryBackend}'s remembered leaf reads ({@link LeafReadMemo}): what a read returns is
 * what walking the tree returns, at every revision, whichever path instance asks, and a reader
 * racing a writer never reads an older value after a newer one.
 */
class LeafReadMemoTest {

	private static final StatePath LEAF = StatePath.of("/a/b/c/d/e");

	private static void set(InMemoryBackend backend, StatePath path, Object value) {
		backend.commit(new CommitRequest(List.of(Write.of(path, value)), List.of(), "test"));
	}

	@Test
	void aLeafReadSeesEveryCommitAtOnce() {
		InMemoryBackend backend = new InMemoryBackend();
		assertThat(backend.read(LEAF)).isNull();
		set(backend, LEAF, 1);
		assertThat(backend.read(LEAF)).isEqualTo(1);
		assertThat(backend.read(LEAF)).isEqualTo(1);
		set(backend, LEAF, "two");
		assertThat(backend.read(LEAF)).isEqualTo("two");
		// an equal path built anew, and one parsed from text, read the same value
		assertThat(backend.read(StatePath.ofSegments(List.of("a", "b", "c", "d", "e")))).isEqualTo("two");
		set(backend, StatePath.of("/a/b"), 3);
		assertThat(backend.read(LEAF)).isNull();
		assertThat(backend.read(StatePath.of("/a/b"))).isEqualTo(3);
		backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/a"), null)), List.of(), "test"));
		assertThat(backend.read(StatePath.of("/a/b"))).isNull();
	}

	@Test
	void aBranchIsReadFromTheTreeEachTime() {
		InMemoryBackend backend = new InMemoryBackend();
		set(backend, LEAF, 1);
		Object first = backend.read(StatePath.of("/a/b"));
		assertThat(first).isEqualTo(Map.of("c", Map.of("d", Map.of("e", 1))));
		set(backend, StatePath.of("/a/b/other"), 2);
		assertThat(backend.read(StatePath.of("/a/b"))).isEqualTo(
				Map.of("c", Map.of("d", Map.of("e", 1)), "other", 2));
		assertThat(backend.read(LEAF)).isEqualTo(1);
	}

	@Test
	void pathsSharingASlotEachReadTheirOwnValue() {
		InMemoryBackend backend = new InMemoryBackend();
		// paths whose hashes fall into the same slot of the table
		StatePath first = StatePath.of("/k/0");
		StatePath second = null;
		for (int i = 1; second == null; i++) {
			StatePath candidate = StatePath.of("/k/" + i);
			if (((candidate.hashCode() ^ first.hashCode()) & (LeafReadMemo.SLOTS - 1)) == 0) {
				second = candidate;
			}
		}
		set(backend, first, "first");
		set(backend, second, "second");
		for (int round = 0; round < 3; round++) {
			assertThat(backend.read(first)).isEqualTo("first");
			assertThat(backend.read(second)).isEqualTo("second");
		}
	}

	@Test
	void aLeafWhoseTimeRanOutReadsAsAbsentAtOnce() {
		AtomicLong clock = new AtomicLong();
		InMemoryBackend backend = new InMemoryBackend(clock::get);
		set(backend, LEAF, 1);
		assertThat(backend.read(LEAF)).isEqualTo(1);
		StatePath other = StatePath.of("/t");
		backend.commit(new CommitRequest(List.of(new Write(other, 2, null, Lifetime.ttl(Duration.ofSeconds(1)))),
				List.of(), "test"));
		assertThat(backend.read(other)).isEqualTo(2);
		assertThat(backend.read(LEAF)).isEqualTo(1);
		clock.addAndGet(Duration.ofSeconds(1).toNanos());
		// no commit since: the revision is the same, the value is due
		assertThat(backend.read(other)).isNull();
		assertThat(backend.read(other)).isNull();
		assertThat(backend.read(LEAF)).isEqualTo(1);
	}

	@Test
	void aReaderRacingAWriterNeverGoesBack() throws Exception {
		InMemoryBackend backend = new InMemoryBackend();
		set(backend, LEAF, 0);
		int writes = 20_000;
		AtomicReference<String> problem = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(2);
		Runnable reader = () -> {
			try {
				int last = 0;
				while (last < writes) {
					int seen = (Integer) backend.read(LEAF);
					if (seen < last) {
						problem.compareAndSet(null, "read " + seen + " after " + last);
						return;
					}
					last = seen;
				}
			}
			finally {
				done.countDown();
			}
		};
		Thread first = new Thread(reader);
		Thread second = new Thread(reader);
		first.start();
		second.start();
		for (int i = 1; i <= writes; i++) {
			set(backend, LEAF, i);
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).as("readers saw the last write").isTrue();
		assertThat(problem.get()).isNull();
		assertThat(backend.read(LEAF)).isEqualTo(writes);
	}

}
