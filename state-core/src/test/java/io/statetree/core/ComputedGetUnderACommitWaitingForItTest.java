package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * reads one revision. On every core backend; the patience is shortened to 20 ms.
 */
class ComputedGetUnderACommitWaitingForItTest {

	@ParameterizedTest
	@EnumSource(Break14Backends.class)
	void aGetWhoseCallerBlocksTheCommitHoldingTheLockThrowsInsteadOfWaitingForEver(Break14Backends backend,
			@TempDir Path directory) throws Exception {
		String a = backend.prefix(0) + "/a";
		Object monitor = new Object();
		try (StateController c = StateController.builder()
			.backend(backend.create(directory))
			.snapshotReadPatience(Duration.ofMillis(20))
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
				try {
					getter.complete(copy.get());
				}
				catch (RuntimeException ex) {
					getter.completeExceptionally(ex);
				}
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

}
