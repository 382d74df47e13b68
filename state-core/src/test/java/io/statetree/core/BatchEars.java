package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What hears a batch when it is registered inside it ({@link AbstractBatchReadsProperties}): a
 * listener on {@code /**}, a {@code watch("/**")} and a {@code watch("/**", base)} from the
 * revision the batch builds on. {@link #check} closes them and tells whether they heard the
 * batch's commit once, at the revision after the base, with the values before and after it, or
 * nothing at all of a rollback (or of a commit that changed nothing).
 */
final class BatchEars {

	/** Written after the batch so the watches, which may deliver on another thread, show they caught up. */
	private static final StatePath MARKER = StatePath.of("/m");

	private final StateController c;

	private final List<StateEvent> heard = new CopyOnWriteArrayList<>();

	private final Subscription listener;

	private final Collector live = new Collector();

	private final Collector fromBase = new Collector();

	BatchEars(StateController c, long base) {
		this.c = c;
		this.listener = c.subscribe("/**", this.heard::add);
		c.watch("/**").subscribe(this.live);
		c.watch("/**", base).subscribe(this.fromBase);
	}

	/**
	 * Closes the listener, writes the marker, waits for the watches to reach it and checks what
	 * each heard before it.
	 * @param before the committed model before the batch
	 * @param after the committed model after it
	 * @param committed whether the batch made a commit (then at {@code revision})
	 * @param revision the revision the batch's commit should have
	 * @param derive whether the derivations are registered
	 * @param when for messages
	 * @param index the run's index, the marker's value
	 */
	void check(BatchReadsModel before, BatchReadsModel after, boolean committed, long revision, boolean derive,
			String when, int index) {
		this.listener.close();
		List<StateEvent> heard = List.copyOf(this.heard);
		this.c.set(MARKER, index);
		try {
			await().pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(2))
				.atMost(Duration.ofSeconds(20))
				.until(() -> this.live.reachedMarker() && this.fromBase.reachedMarker());
		}
		finally {
			this.live.cancel();
			this.fromBase.cancel();
		}
		assertThat(this.live.error).as("watch's error %s", when).isNull();
		assertThat(this.fromBase.error).as("watch from the base's error %s", when).isNull();
		if (!committed) {
			assertThat(describe(heard)).as("listener registered inside %s", when).isEmpty();
		}
		else {
			List<String> paths = new ArrayList<>();
			for (StateEvent event : heard) {
				String as = event.path() + " heard " + when;
				assertThat(event.revision()).as("revision of %s", as).isEqualTo(revision);
				assertThat(event.isResync()).as("resync %s", as).isFalse();
				assertThat(AbstractBatchReadsProperties.pruned(event.newValue())).as("new value at %s", as)
					.isEqualTo(after.expected(event.path(), derive));
				assertThat(AbstractBatchReadsProperties.pruned(event.prevValue())).as("old value at %s", as)
					.isEqualTo(before.expected(event.path(), derive));
				paths.add(event.path().toString());
			}
			assertThat(paths).as("paths heard %s", when).doesNotHaveDuplicates();
			List<String> leaves = new ArrayList<>(List.of("/a/x", "/a/y", "/persistent/x", "/persistent/y"));
			if (derive) {
				leaves.addAll(List.of("/d/sum", "/d/px"));
			}
			for (String leaf : leaves) {
				StatePath path = StatePath.of(leaf);
				if (!Objects.equals(before.expected(path, derive), after.expected(path, derive))) {
					assertThat(paths).as("paths heard %s", when).contains(leaf);
				}
			}
		}
		List<String> expected = describe(heard);
		assertThat(describe(this.live.beforeMarker())).as("watch registered inside %s", when)
			.isEqualTo(expected);
		assertThat(describe(this.fromBase.beforeMarker())).as("watch from the base registered inside %s", when)
			.isEqualTo(expected);
	}

	/** Events as text (path, revision, old and new values), sorted: what a subscriber would compare. */
	private static List<String> describe(List<StateEvent> events) {
		List<String> described = new ArrayList<>();
		for (StateEvent event : events) {
			described.add(event.path() + "@" + event.revision() + (event.isResync() ? " resync " : " ")
					+ AbstractBatchReadsProperties.pruned(event.prevValue()) + " -> "
					+ AbstractBatchReadsProperties.pruned(event.newValue()));
		}
		described.sort(null);
		return described;
	}

	/** A subscriber that asks for everything and keeps it. */
	private static final class Collector implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		volatile Flow.@Nullable Subscription subscription;

		volatile @Nullable Throwable error;

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable throwable) {
			this.error = throwable;
		}

		@Override
		public void onComplete() {
		}

		boolean reachedMarker() {
			return this.error != null || this.events.stream().anyMatch((e) -> e.path().equals(MARKER));
		}

		List<StateEvent> beforeMarker() {
			List<StateEvent> before = new ArrayList<>();
			for (StateEvent event : this.events) {
				if (event.path().equals(MARKER)) {
					break;
				}
				before.add(event);
			}
			return before;
		}

		void cancel() {
			Flow.Subscription subscription = this.subscription;
			if (subscription != null) {
				subscription.cancel();
			}
		}

	}

}
