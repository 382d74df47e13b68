package io.statetree.core;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A computed value that reads another computed value is still the function of one revision
 * (DESIGN §16, issue glitch25): the outer reads {@code /a}, a commit writes {@code /a} and
 * {@code /b}, then the outer reads the inner value, which reads {@code /b}. Before the fix the
 * inner value was computed at a new snapshot, or served from a memo computed after the commit,
 * and the outer returned {@code [0, 1]}. On every core backend (a hybrid's sources on different
 * mounts).
 */
class ComposedComputedSnapshotTest {

	@ParameterizedTest
	@EnumSource(Break14Backends.class)
	void anInnerValueComputedDuringTheOuterRunIsReadAtTheOuterSnapshot(Break14Backends backend, @TempDir Path dir)
			throws Exception {
		assertThat(outerAfterACommit(backend, dir, false)).containsExactly(0, 0);
	}

	@ParameterizedTest
	@EnumSource(Break14Backends.class)
	void anInnerMemoNewerThanTheOuterSnapshotIsNotUsed(Break14Backends backend, @TempDir Path dir) throws Exception {
		assertThat(outerAfterACommit(backend, dir, true)).containsExactly(0, 0);
	}

	/**
	 * The outer value's first computation, paused between its two reads while a commit writes
	 * both sources (and, if asked, the inner value is read meanwhile, so it remembers the new
	 * snapshot); then checks that later gets see the commit.
	 */
	private static List<Object> outerAfterACommit(Break14Backends backend, Path dir, boolean innerReadMeanwhile)
			throws Exception {
		String a = backend.prefix(0) + "/s/a";
		String b = backend.prefix(1) + "/s/b";
		try (StateController c = StateController.builder().backend(backend.create(dir)).build()) {
			c.setAll(Map.of(a, 0, b, 0));
			AtomicBoolean armed = new AtomicBoolean(true);
			CountDownLatch aRead = new CountDownLatch(1);
			CountDownLatch committed = new CountDownLatch(1);
			try (Computed<Object> inner = c.computed((view) -> view.get(b));
					Computed<List<Object>> outer = c.computed((view) -> {
						Object first = view.get(a);
						if (armed.getAndSet(false)) {
							aRead.countDown();
							await(committed);
						}
						return Arrays.asList(first, inner.get());
					})) {
				assertThat(inner.get()).isEqualTo(0);
				CompletableFuture<List<Object>> reader = CompletableFuture.supplyAsync(outer::get);
				assertThat(aRead.await(10, TimeUnit.SECONDS)).isTrue();
				c.setAll(Map.of(a, 1, b, 1));
				if (innerReadMeanwhile) {
					assertThat(inner.get()).isEqualTo(1);
				}
				committed.countDown();
				List<Object> seen = reader.get(30, TimeUnit.SECONDS);
				assertThat(outer.get()).as("after the commit").containsExactly(1, 1);
				assertThat(inner.get()).isEqualTo(1);
				return seen;
			}
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
