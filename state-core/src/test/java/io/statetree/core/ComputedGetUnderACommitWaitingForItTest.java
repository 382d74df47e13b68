package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A computed value's {@code get} on a thread that holds a lock an {@code update} function waits
 * for, while that update holds the commit lock: the get cannot read one revision until the update
 * finishes, and the update cannot finish until the get returns. The get must not wait for ever
 * (it did, computing again and again, from glitch25 on; the review of this session found it): after
 * {@link io.statetree.core.internal.ComputedImpl#MAX_STALLS} patiences without a completed commit
 * it throws {@link StateException} naming the cause, the update then completes, and the next get
 * reads one revision. On every core backend; the patience is shortened to 20 ms and the least
 * time without a completed commit before the get throws from its default two seconds to
 * {@link #STALL_BOUND} (the get must still have waited that long).
 */
class ComputedGetUnderACommitWaitingForItTest {

	/** The least time the get goes on without a completed commit: ten patiences of 20 ms. */
	private static final Duration STALL_BOUND = Duration.ofMillis(200);

	@ParameterizedTest
	@EnumSource(Break14Backends.class)
	void aGetWhoseCallerBlocksTheCommitHoldingTheLockThrowsInsteadOfWaitingForEver(Break14Backends backend,
			@TempDir Path directory) throws Exception {
		String a = backend.prefix(0) + "/a";
		Object monitor = new Object();
		try (StateController c = StateController.builder()
			.backend(backend.create(directory))
			.snapshotReadPatience(Duration.ofMillis(20))
			.computedStallBound(STALL_BOUND)
			.build();
				Computed<Object> copy = c.computed((view) -> view.get(a))) {
			c.set(a, 1);
			assertThat(copy.get()).isEqualTo(1);
			c.set(a, 2); // the memo is stale now
			CountDownLatch inFunction = new CountDownLatch(1);
			CompletableFuture<Object> getter;
			CompletableFuture<Integer> updater;
			synchronized (monitor) {
				updater = CompletableFuture.supplyAsync(() -> c.update(a, Integer.class, (value) -> {
					inFunction.countDown();
					synchronized (monitor) {
						return value + 1;
					}
				}));
				assertThat(inFunction.await(10, TimeUnit.SECONDS)).isTrue();
				// this thread holds the monitor the update function waits for
				getter = new CompletableFuture<>();
				long start = System.nanoTime();
				try {
					getter.complete(copy.get());
				}
				catch (RuntimeException ex) {
					getter.completeExceptionally(ex);
				}
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("how long the get went on")
					.isGreaterThanOrEqualTo(STALL_BOUND);
			}
			assertThat(updater.get(30, TimeUnit.SECONDS)).isEqualTo(3);
			// the update function runs under the commit lock (checked on every backend): a cycle
			assertThat(getter).isCompletedExceptionally();
			assertThatExceptionOfType(java.util.concurrent.ExecutionException.class).isThrownBy(getter::get)
				.withCauseInstanceOf(StateException.class)
				.withMessageContaining("could not read one revision");
			assertThat(copy.get()).isEqualTo(3);
		}
	}

	@Test
	void aStallBoundThatIsNotPositiveIsRefused() {
		for (Duration bad : new Duration[] { Duration.ZERO, Duration.ofMillis(-1) }) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> StateController.builder().computedStallBound(bad))
				.withMessageContaining("computedStallBound must be positive");
		}
	}

}
