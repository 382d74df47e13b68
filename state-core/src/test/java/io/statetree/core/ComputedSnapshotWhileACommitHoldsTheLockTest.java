package io.statetree.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A computed value reads one revision even when, between two of its reads, a commit holds the
 * commit lock longer than a reader waits for it (issue glitch25): a derivation's transform
 * keeps the lock 1.5 s, past the one-second patience of a read at a snapshot. Before the fix
 * the read gave up and read live, and {@code get} returned {@code [0, 1]}: {@code /a} before a
 * commit that wrote both, {@code /b} after it. On every core backend (a hybrid's two sources on
 * different mounts), both dispatch modes on the cache in front of files.
 */
class ComputedSnapshotWhileACommitHoldsTheLockTest {

	static Stream<Arguments> backends() {
		Stream<Arguments> sync = Stream.of(Break14Backends.values())
			.map((backend) -> Arguments.of(backend, StateController.Dispatch.SYNC));
		return Stream.concat(sync, Stream.of(
				Arguments.of(Break14Backends.CACHING_THROUGH_FILES, StateController.Dispatch.ASYNC),
				Arguments.of(Break14Backends.CACHING_BEHIND_FILES, StateController.Dispatch.ASYNC)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("backends")
	void aGetNeverMixesTheRevisionsBeforeAndAfterACommitWhileTheNextHoldsTheLock(Break14Backends backend,
			StateController.Dispatch dispatch, @TempDir Path directory) throws Exception {
		String a = backend.prefix(0) + "/s/a";
		String b = backend.prefix(1) + "/s/b";
		try (StateController c = StateController.builder().backend(backend.create(directory)).dispatch(dispatch)
			.build()) {
			c.setAll(Map.of(a, 0, b, 0));
			AtomicBoolean armed = new AtomicBoolean();
			CountDownLatch aRead = new CountDownLatch(1);
			CountDownLatch readB = new CountDownLatch(1);
			CountDownLatch lockHeld = new CountDownLatch(1);
			CountDownLatch computed = new CountDownLatch(1);
			c.derive("/held/copy", "/held/trigger", (value) -> {
				if (armed.get()) {
					lockHeld.countDown();
					// holds the commit lock past a reader's patience, or until the reader returned
					await(computed, 1500);
				}
				return value;
			});
			try (Computed<List<Object>> pair = c.computed((view) -> {
				Object first = view.get(a);
				if (armed.get() && aRead.getCount() > 0) {
					aRead.countDown();
					await(readB, 10_000);
				}
				return java.util.Arrays.asList(first, view.get(b));
			})) {
				armed.set(true);
				CompletableFuture<List<Object>> reader = CompletableFuture.supplyAsync(pair::get);
				assertThat(aRead.await(10, TimeUnit.SECONDS)).isTrue();
				c.setAll(Map.of(a, 1, b, 1));
				CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> c.set("/held/trigger", 1));
				assertThat(lockHeld.await(10, TimeUnit.SECONDS)).isTrue();
				readB.countDown();
				List<Object> seen = reader.get(30, TimeUnit.SECONDS);
				computed.countDown();
				holder.get(30, TimeUnit.SECONDS);
				assertThat(seen.get(1)).as("/b read with /a = %s", seen.get(0)).isEqualTo(seen.get(0));
				assertThat(pair.get()).containsExactly(1, 1);
			}
		}
	}

	private static void await(CountDownLatch latch, long millis) {
		try {
			latch.await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
