package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one clock reading per commit of {@link InMemoryBackend} (issue 14's TTL write cost): the due
 * check before a controller's plain write lends its reading to that write's commit, and a reading
 * is never used by a commit it was not lent to, nor counted from before a user's code that ran in
 * the commit (a derivation), so no value expires before its time to live has passed from its
 * commit. Virtual clocks: no waiting, counts exact under any load.
 */
class InMemoryCommitClockTest {

	private static final long START = -1_000_000_000_000L;

	private StateController controller;

	@AfterEach
	void close() {
		if (this.controller != null) {
			this.controller.close();
		}
	}

	/** A virtual clock that counts the readings made on one thread (the timer thread reads it too). */
	private static final class CountingClock implements LongSupplier {

		final AtomicLong now = new AtomicLong(START);

		final Thread counted = Thread.currentThread();

		int readings;

		@Override
		public long getAsLong() {
			if (Thread.currentThread() == this.counted) {
				this.readings++;
			}
			return this.now.get();
		}

	}

	private StateController open(InMemoryBackend backend) {
		this.controller = StateController.builder().backend(backend).dispatch(StateController.Dispatch.SYNC).build();
		return this.controller;
	}

	@Test
	void aWriteWithATimeToLiveReadsTheClockOnceWhileOtherLifetimesExist() {
		CountingClock clock = new CountingClock();
		StateController c = open(new InMemoryBackend(clock));
		c.set("/first", 1, WriteOptions.ttl(Duration.ofHours(1)));
		// the expiry timer has scheduled its wake-up (after that, a commit never asks the backend
		// again on the writing thread whether a due time exists)
		await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
			.anyMatch((t) -> t.getName().equals("statetree-expiry-" + c.instanceId())
					&& t.getState() == Thread.State.TIMED_WAITING));
		for (int i = 0; i < 5; i++) {
			clock.readings = 0;
			c.set("/same/key", i, WriteOptions.ttl(Duration.ofMinutes(10)));
			// the due check before the commit and the due time of the write: one reading (was two)
			assertThat(clock.readings).as("clock readings of TTL write %d", i).isEqualTo(1);
		}
		clock.readings = 0;
		c.set("/plain", 1);
		assertThat(clock.readings).as("clock readings of a plain write").isEqualTo(1);
		clock.now.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
		assertThat(c.get("/same/key")).isEqualTo(4);
		clock.now.incrementAndGet();
		assertThat(c.get("/same/key")).isNull();
		assertThat(c.get("/first")).isEqualTo(1);
	}

	@Test
	void aDerivationsTimeDoesNotComeOffTheWrittenValuesTimeToLive() {
		AtomicLong clock = new AtomicLong(START);
		StateController c = open(new InMemoryBackend(clock::get));
		c.set("/other", 1, WriteOptions.ttl(Duration.ofHours(1)));
		c.derive("/derived", "/src", (v) -> {
			if (Integer.valueOf(2).equals(v)) {
				clock.addAndGet(Duration.ofSeconds(5).toNanos()); // a slow derivation
			}
			return v;
		});
		c.set("/src", 2, WriteOptions.ttl(Duration.ofSeconds(1)));
		// counted from the commit after the derivation ran, not from the check before it
		assertThat(c.get("/src")).isEqualTo(2);
		assertThat(c.timeToLive("/src")).isEqualTo(Duration.ofSeconds(1));
		clock.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(c.get("/src")).isNull();
	}

	/**
	 * The shrunk sample {@code InMemoryExpiryPropertiesTest} found: a time to live replaced by an
	 * ephemeral entry leaves the index a due-time hint with nothing due, so the check before a commit
	 * lent its reading and answered "nothing due"; the reading was not ended, and a later write's
	 * time to live counted from it, already over when written.
	 */
	@Test
	void aReadingLentWhenNothingTurnsOutDueStillEndsWithItsCommit() {
		AtomicLong clock = new AtomicLong(START);
		StateController c = open(new InMemoryBackend(clock::get));
		java.util.Map<String, Object> value = java.util.Map.of("x", 0);
		c.set("/a", value, WriteOptions.ttl(Duration.ofMillis(1)));
		c.set("/a", value, WriteOptions.ephemeral());
		clock.addAndGet(Duration.ofMillis(1).toNanos());
		c.set("/a", value);
		c.set("/a", value);
		clock.addAndGet(Duration.ofMillis(1).toNanos());
		c.set("/a", value, WriteOptions.ttl(Duration.ofMillis(1)));
		assertThat(c.get("/a")).isEqualTo(value);
		assertThat(c.timeToLive("/a")).isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void aReadingLentToACommitEndsWithIt() {
		AtomicLong clock = new AtomicLong(START);
		InMemoryBackend backend = new InMemoryBackend(clock::get);
		ExpiringEntries entries = backend.expiringEntries();
		backend.commit(request("/other", Lifetime.ttl(Duration.ofHours(1))));
		entries.nanosUntilNextDueBeforeCommit();
		clock.addAndGet(Duration.ofSeconds(5).toNanos());
		entries.commitEnded();
		backend.commit(request("/k", Lifetime.ttl(Duration.ofSeconds(1))));
		assertThat(backend.read(StatePath.of("/k"))).as("counted from a fresh reading").isEqualTo(1);
		assertThat(entries.timeToLive(StatePath.of("/k"))).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void aReadingIsLentToItsOwnThreadOnly() throws Exception {
		AtomicLong clock = new AtomicLong(START);
		InMemoryBackend backend = new InMemoryBackend(clock::get);
		ExpiringEntries entries = backend.expiringEntries();
		backend.commit(request("/other", Lifetime.ttl(Duration.ofHours(1))));
		entries.nanosUntilNextDueBeforeCommit();
		clock.addAndGet(Duration.ofSeconds(5).toNanos());
		CompletableFuture.runAsync(() -> backend.commit(request("/k", Lifetime.ttl(Duration.ofSeconds(1))))).get();
		assertThat(backend.read(StatePath.of("/k"))).as("another thread's commit reads the clock").isEqualTo(1);
		// this thread's commit counts from the reading lent to it, until the commit ends
		backend.commit(request("/mine", Lifetime.ttl(Duration.ofSeconds(6))));
		assertThat(entries.timeToLive(StatePath.of("/mine"))).isEqualTo(Duration.ofSeconds(1));
		entries.commitEnded();
		backend.commit(request("/after", Lifetime.ttl(Duration.ofSeconds(6))));
		assertThat(entries.timeToLive(StatePath.of("/after"))).isEqualTo(Duration.ofSeconds(6));
	}

	private static CommitRequest request(String path, Lifetime lifetime) {
		return new CommitRequest(List.of(new Write(StatePath.of(path), 1, null, lifetime)), List.of(), "test");
	}

}
