package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An entry that falls due between the sweep before a commit and the read an {@code update} or
 * {@code getOrWrite} makes inside it still gets its own expiry commit, before the write: the
 * virtual clock moves past the due time right after the first reading of it that follows.
 */
class ExpiryReadRaceTest {

	/**
	 * A clock that, once armed by a thread, answers that thread's next reading with the time before
	 * and then jumps. Only the arming thread steps it: the expiry timer reads the clock too, and a
	 * step it took could let the writer read the time before after the step was taken (a CI run:
	 * the timer took the armed reading and the writer's reads came in before the jump).
	 */
	private static final class SteppingClock implements LongSupplier {

		final AtomicLong now = new AtomicLong(1_000_000_000L);

		final AtomicReference<@Nullable Thread> armedBy = new AtomicReference<>();

		void arm() {
			this.armedBy.set(Thread.currentThread());
		}

		@Override
		public long getAsLong() {
			if (this.armedBy.get() == Thread.currentThread() && this.armedBy.compareAndSet(Thread.currentThread(), null)) {
				return this.now.getAndAdd(Duration.ofHours(2).toNanos());
			}
			return this.now.get();
		}

	}

	@Test
	void updateAndGetOrWriteDoNotReplaceAnEntryThatFellDueDuringTheirCommit() throws Exception {
		SteppingClock clock = new SteppingClock();
		try (StateController c = StateController.builder().backend(new InMemoryBackend(clock)).build()) {
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/**", heard::add);
			c.set("/u", 5, WriteOptions.ttl(Duration.ofHours(1)));
			clock.arm();
			assertThat(c.update(StatePath.of("/u"), Integer.class, (v) -> (v == null) ? 1 : v + 1)).isEqualTo(1);
			c.set("/g", "old", WriteOptions.ttl(Duration.ofHours(1)));
			clock.arm();
			assertThat(c.getOrWrite(StatePath.of("/g"), String.class, "new")).isEqualTo("new");
			assertThat(heard).extracting((e) -> e.path() + " " + e.prevValue() + ">" + e.newValue() + " " + e.isExpiry())
				.containsExactly("/u null>5 false", "/u 5>null true", "/u null>1 false", "/g null>old false",
						"/g old>null true", "/g null>new false");
		}
	}

}
