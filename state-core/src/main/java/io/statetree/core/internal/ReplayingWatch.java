package io.statetree.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.PathPattern;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.Subscription;
import io.statetree.core.Versioned;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitHistory;
import org.jspecify.annotations.Nullable;

/**
 * {@code watch(pattern, afterRevision)} (DESIGN §11): replays the retained history after a
 * revision, then follows live, with nothing missed or repeated at the seam. Each subscriber
 * first gets a live subscription (its events buffered), then reads the history page by page as
 * its demand allows, each commit turned into the events the pattern's subscription would have
 * heard by the {@link EventRouter}'s own rules (a one-pattern index), then switches to the
 * buffered live events above the last replayed revision. If the buffer overflows while
 * replaying it is dropped and the highest dropped revision remembered: those commits come from
 * the history, which is read until it has passed that revision. When the history no longer
 * reaches back (its retention horizon is above the revision reached), one resync event at the
 * pattern's concrete prefix carries the value there now, and live events above its revision
 * follow. On a shared backend with the in-memory history, another instance's commit may be
 * heard after a later local one: it is then delivered live, after it, rather than lost. A live
 * resync (the change feed lost track, or the listener queue overflowed) is never passed on: the
 * watch reads the history again after the last revision it delivered, and makes its own resync
 * only if that is gone, never at or below a revision already delivered. Reactive
 * Streams rules as {@link WatchPublisher}: demand, cancel, {@code onError} when the live buffer
 * overflows after the replay. When the controller closes, the subscriber gets the events already
 * read or buffered for it while its demand allows (the history is not read any more), then
 * {@code onComplete}; a subscriber after the close gets {@code onComplete} at once. Thread-safe.
 */
final class ReplayingWatch implements Flow.Publisher<StateEvent> {

	/** The most commits read from the history at once. */
	static final int PAGE = 512;

	private final DefaultStateController controller;

	private final String pattern;

	private final PathPattern compiled;

	private final long afterRevision;

	private final int buffer;

	ReplayingWatch(DefaultStateController controller, String pattern, long afterRevision, int buffer) {
		this.compiled = PathPattern.compile(pattern);
		long current = controller.revision();
		if (afterRevision > current && controller.backend().isShared()) {
			// a revision read from a shared backend (getVersioned) may be ahead of what the feed brought so far
			current = Math.max(current, controller.backend().revision());
		}
		if (afterRevision < 0 || afterRevision > current) {
			throw new IllegalArgumentException("watch of " + pattern + " after revision " + afterRevision + ": "
					+ ((afterRevision < 0) ? "the revision must not be negative"
							: "it is ahead of the current revision " + current));
		}
		this.controller = controller;
		this.pattern = pattern;
		this.afterRevision = afterRevision;
		this.buffer = buffer;
	}

	/** The pattern's longest concrete prefix: its segments before the first wildcard or variable. */
	static StatePath concretePrefix(PathPattern pattern) {
		List<String> literal = new ArrayList<>();
		for (String segment : pattern.segments()) {
			if (segment.equals("*") || segment.equals("**") || segment.startsWith("{")) {
				break;
			}
			literal.add(segment);
		}
		return StatePath.ofSegments(literal);
	}

	@Override
	public void subscribe(Flow.Subscriber<? super StateEvent> subscriber) {
		Objects.requireNonNull(subscriber, "subscriber");
		Replay replay = new Replay(subscriber);
		subscriber.onSubscribe(replay);
		if (replay.cancelled) {
			return;
		}
		if (!this.controller.openWatches().add(replay)) {
			replay.controllerClosed();
			return;
		}
		// live first: every commit routed from now on reaches the buffer, and every earlier one
		// is already readable in the history
		Subscription registration = this.controller.subscribe(this.pattern, replay::offer);
		replay.registration = registration;
		if (replay.cancelled) {
			registration.close();
			return;
		}
		replay.registered = true;
		replay.drain();
	}

	private static final int REPLAYING = 0;

	private static final int LIVE = 1;

	private final class Replay implements Flow.Subscription, OpenWatches.Closeable {

		/** Cleared on cancel: the only reference held to the subscriber (§3.13). */
		private volatile Flow.@Nullable Subscriber<? super StateEvent> subscriber;

		/** Live events, in revision order; buffered while replaying. */
		private final ConcurrentLinkedQueue<StateEvent> live = new ConcurrentLinkedQueue<>();

		private final AtomicInteger queued = new AtomicInteger();

		private final AtomicLong requested = new AtomicLong();

		private final AtomicInteger wip = new AtomicInteger();

		/** The history's events not delivered yet; only the draining thread touches it. */
		private final ArrayDeque<StateEvent> pending = new ArrayDeque<>();

		/** The one-pattern index replayed commits are routed through. */
		private final PatternIndex<Callback> index = new PatternIndex<>();

		/** REPLAYING or LIVE; changed under this object's monitor, by the draining thread. */
		private volatile int phase = REPLAYING;

		/** The highest revision dropped from the live buffer while replaying; guarded by the monitor. */
		private long dropped;

		/** The last revision read from the history; only the draining thread touches it. */
		private long cursor;

		/** Live events up to this revision came from the history (or the resync); read once live. */
		private volatile long skipThrough;

		/**
		 * The revisions replayed, when the history may hold them out of order (the in-memory
		 * history of a shared backend: another instance's commit can be heard after a later local
		 * one); a live event up to {@link #skipThrough} is then dropped only if it was replayed.
		 * Null otherwise, and after a resync. Only the draining thread touches it.
		 */
		private @Nullable Set<Long> replayed;

		volatile boolean cancelled;

		/** Whether the resync event was made (the history is no longer read). */
		private boolean resynced;

		/** The highest revision delivered to the subscriber; only the draining thread touches it. */
		private long delivered;

		volatile boolean registered;

		private volatile @Nullable Throwable error;

		volatile @Nullable Subscription registration;

		/** Set when the controller closed: onComplete follows what the demand lets through. */
		private volatile boolean completing;

		Replay(Flow.Subscriber<? super StateEvent> subscriber) {
			this.subscriber = subscriber;
			this.cursor = ReplayingWatch.this.afterRevision;
			this.index.add(ReplayingWatch.this.compiled, new Callback("replay", (event) -> {
			}, false, (callback, record) -> null), 0);
		}

		/** The live listener: called by one listener queue at a time, in revision order. */
		void offer(StateEvent event) {
			if (this.cancelled) {
				return;
			}
			if (WatchPublisher.fellBehind(this.queued.incrementAndGet(), this.requested.get(), ReplayingWatch.this.buffer)) {
				synchronized (this) {
					if (this.phase == REPLAYING) {
						// the history has these commits: drop the buffer, read them from there
						this.dropped = Math.max(this.dropped, event.revision());
						this.live.clear();
						this.queued.set(0);
					}
					else {
						this.error = new IllegalStateException("Subscriber to " + ReplayingWatch.this.pattern
								+ " fell more than " + ReplayingWatch.this.buffer + " events behind its demand");
					}
				}
			}
			else {
				this.live.add(event);
			}
			drain();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				this.error = new IllegalArgumentException("request(" + n + "): demand must be positive (§3.9)");
			}
			else {
				this.requested.getAndUpdate((r) -> (r + n < 0) ? Long.MAX_VALUE : r + n);
			}
			drain();
		}

		@Override
		public void controllerClosed() {
			this.completing = true;
			drain();
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			this.subscriber = null;
			Subscription current = this.registration;
			if (current != null) {
				current.close();
			}
			ReplayingWatch.this.controller.openWatches().remove(this);
			this.live.clear();
		}

		void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			while (true) {
				Flow.Subscriber<? super StateEvent> target = this.subscriber;
				if (this.cancelled || target == null) {
					this.live.clear();
					this.pending.clear();
				}
				else {
					emit(target);
					Throwable failure = this.error;
					if (failure != null && !this.cancelled) {
						cancel();
						this.pending.clear();
						target.onError(failure);
					}
					else if (this.completing && !this.cancelled) {
						// the controller closed: what is still buffered was not asked for
						cancel();
						this.pending.clear();
						target.onComplete();
					}
				}
				missed = this.wip.addAndGet(-missed);
				if (missed == 0) {
					return;
				}
			}
		}

		private void emit(Flow.Subscriber<? super StateEvent> target) {
			while (this.requested.get() > 0 && !this.cancelled && this.error == null) {
				StateEvent event = next();
				if (event == null) {
					return;
				}
				this.requested.decrementAndGet();
				this.delivered = Math.max(this.delivered, event.revision());
				try {
					target.onNext(event);
				}
				catch (RuntimeException | Error ex) {
					// §2.13: a subscriber that throws has broken the contract; it counts as cancelled
					cancel();
					throw ex;
				}
			}
		}

		/** The next event to deliver, reading the history as needed; null when none is ready. */
		private @Nullable StateEvent next() {
			while (true) {
				StateEvent replayed = this.pending.poll();
				if (replayed != null) {
					return replayed;
				}
				if (this.phase == LIVE) {
					StateEvent event;
					while ((event = this.live.poll()) != null) {
						this.queued.decrementAndGet();
						if (event.isResync()) {
							// the change feed lost track (or a listener queue overflowed): never
							// passed on as it is, but read again from the history after what was
							// delivered; a resync only if that is gone (see the class comment)
							catchUp();
							break;
						}
						if (event.revision() > this.skipThrough
								|| (this.replayed != null && event.revision() > ReplayingWatch.this.afterRevision
										&& !this.replayed.contains(event.revision()))) {
							return event;
						}
					}
					if (this.phase == LIVE) {
						return null;
					}
					continue;
				}
				if (!this.registered || this.completing) {
					return null;
				}
				if (!readPage()) {
					return null;
				}
			}
		}

		/**
		 * Reads one page of the history into {@link #pending}, or switches to live or resyncs.
		 * @return false when reading failed (the error is set)
		 */
		private boolean readPage() {
			CommitHistory history = ReplayingWatch.this.controller.commitHistory();
			long after = this.cursor;
			List<Commit> page;
			try {
				page = history.after(after, PAGE);
				if (history.retainedAfter() > after) {
					// commits after the revision reached are gone: start again from the value now
					resync();
					return true;
				}
			}
			catch (RuntimeException ex) {
				this.error = ex;
				return false;
			}
			if (this.replayed == null && page.size() > 0 && history instanceof RecentCommits
					&& ReplayingWatch.this.controller.backend().isShared() && !this.resynced) {
				this.replayed = new HashSet<>();
			}
			for (Commit commit : page) {
				this.cursor = commit.revision();
				if (this.replayed != null) {
					this.replayed.add(commit.revision());
				}
				this.pending.addAll(events(commit));
			}
			if (page.size() < PAGE) {
				// the history is read to its end: every later commit reached the live buffer,
				// unless dropped from it, and those are in the history too
				synchronized (this) {
					if (this.cursor >= this.dropped) {
						this.skipThrough = this.cursor;
						this.phase = LIVE;
					}
				}
			}
			return true;
		}

		/**
		 * After a live resync (the change feed lost track of commits, or this watch's listener
		 * queue overflowed): back to reading the history after the last revision delivered, so the
		 * commits the live path lost come from there; when the history no longer holds them, one
		 * resync event follows (see {@link #resync()}). Live events keep being buffered meanwhile.
		 */
		private void catchUp() {
			synchronized (this) {
				this.cursor = Math.max(Math.max(this.cursor, this.skipThrough), this.delivered);
				this.phase = REPLAYING;
			}
		}

		/**
		 * One resync event at the concrete prefix with the value there now and the store's
		 * revision of that read, then live above it; none when that revision was delivered already
		 * (nothing after it can have been missed), so revisions only increase.
		 */
		private void resync() {
			StatePath prefix = concretePrefix(ReplayingWatch.this.compiled);
			DefaultStateController controller = ReplayingWatch.this.controller;
			while (true) {
				Versioned<@Nullable Object> now = committed(controller, prefix);
				synchronized (this) {
					if (this.dropped <= now.revision()) {
						this.pending.clear();
						if (now.revision() > this.delivered) {
							this.pending.add(new Event(controller, prefix, prefix, null, now.value(), null,
									ReplayingWatch.this.compiled, now.revision(), controller.instanceId(),
									CommitRecord.Kind.RESYNC));
						}
						this.skipThrough = now.revision();
						// the value covers every commit up to its revision, late ones included
						this.replayed = null;
						this.resynced = true;
						this.cursor = now.revision();
						this.phase = LIVE;
						return;
					}
				}
				// live events above that value's revision were dropped meanwhile: read again
			}
		}

		/**
		 * The committed value at a path with its revision. The watch may drain on a thread inside
		 * a batch (subscribed or asked for more there): the resync carries what was committed,
		 * never the batch's pending writes, which its commit delivers live (or its rollback never).
		 */
		private Versioned<@Nullable Object> committed(DefaultStateController controller, StatePath path) {
			Batch batch = controller.batches().suspend();
			try {
				return controller.getVersioned(path);
			}
			finally {
				controller.batches().resume(batch);
			}
		}

		/** The events a commit from the history gives this watch's pattern, in order. */
		private List<Event> events(Commit commit) {
			List<Change> changes = new ArrayList<>(commit.changes().size());
			for (ChangedPath changed : commit.changes()) {
				changes.add(new Change(changed.path(), changed.oldValue(), changed.newValue(), null));
			}
			DefaultStateController controller = ReplayingWatch.this.controller;
			CommitRecord.Kind kind = commit.origin().equals(controller.instanceId()) ? CommitRecord.Kind.LOCAL
					: CommitRecord.Kind.REMOTE;
			CommitRecord record = new CommitRecord(commit.revision(), commit.origin(), changes, kind, 0,
					Thread.currentThread(), commit.actor(), commit.causedBy(), commit.expiry());
			return controller.router().replay(this.index, record);
		}

	}

}
