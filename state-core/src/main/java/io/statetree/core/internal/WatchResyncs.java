package io.statetree.core.internal;

import io.statetree.core.PathPattern;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.Versioned;
import org.jspecify.annotations.Nullable;

/**
 * What a live {@code watch(pattern)} subscriber gets when the live path lost track of commits: the
 * change feed of a shared backend fell behind (on Redis, the stream was trimmed past what it had
 * read), or the watch's own listener queue overflowed. The router then hands every listener one
 * resync at {@code /} without a value, carrying the revision heard before the loss; a watch never
 * passes that on. It makes its own kind instead, as {@code watch(pattern, afterRevision)} does
 * when the history no longer reaches back: one resync event at the pattern's longest concrete
 * prefix, carrying the value there now and the store's revision of that read, and then only live
 * events above that revision (the value reflects every commit up to it). A resync whose read
 * finds no revision above the last one delivered is dropped (nothing after it can have been
 * missed), so the revisions a subscriber sees only increase and a gap makes at most one resync.
 * Used by one draining thread at a time.
 */
final class WatchResyncs {

	private final DefaultStateController controller;

	private final PathPattern pattern;

	private final StatePath prefix;

	/** The highest revision passed on. */
	private long delivered;

	/** The revision of the last resync passed on: live events up to it are in its value. */
	private long resyncedThrough;

	WatchResyncs(DefaultStateController controller, PathPattern pattern) {
		this.controller = controller;
		this.pattern = pattern;
		this.prefix = ReplayingWatch.concretePrefix(pattern);
	}

	/**
	 * The event to deliver in place of one taken from the live queue.
	 * @param event the event
	 * @return it, this watch's own resync in place of a live resync, or {@code null} when nothing
	 * is to be delivered (a live event the last resync covered, a resync that found nothing new)
	 * @throws RuntimeException when the store cannot be read for the resync's value
	 */
	@Nullable StateEvent pass(StateEvent event) {
		if (!event.isResync()) {
			if (event.revision() <= this.resyncedThrough) {
				return null;
			}
			this.delivered = Math.max(this.delivered, event.revision());
			return event;
		}
		// one consistent read: the value and the revision it reflects
		Versioned<@Nullable Object> now = this.controller.getVersioned(this.prefix);
		if (now.revision() <= this.delivered) {
			return null;
		}
		this.delivered = now.revision();
		this.resyncedThrough = now.revision();
		return new Event(this.controller, this.prefix, this.prefix, null, now.value(), null, this.pattern,
				now.revision(), this.controller.instanceId(), CommitRecord.Kind.RESYNC);
	}

}
