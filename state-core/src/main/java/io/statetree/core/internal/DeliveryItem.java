package io.statetree.core.internal;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One thing to deliver to one {@link Mailbox} (DESIGN §5): a listener's event, or the
 * controller's own per-commit work (observer, effects). Bubbling events of one change that reach
 * listeners at several levels share a {@link BubblingWalk}, so a higher level waits for the deeper
 * ones to decide on {@code stopBubbling()}. Made by the router under the commit lock, delivered by
 * the {@link Dispatcher}; {@link #done} and {@link #failure} are written by the delivering thread
 * and read by the writer that waits for it.
 */
final class DeliveryItem {

	final Mailbox mailbox;

	final CommitRecord record;

	final Supplier<@Nullable Throwable> task;

	final @Nullable BubblingWalk walk;

	final int level;

	final @Nullable Event event;

	volatile @Nullable Throwable failure;

	volatile boolean done;

	DeliveryItem(Mailbox mailbox, CommitRecord record, Supplier<@Nullable Throwable> task, @Nullable BubblingWalk walk,
			int level, @Nullable Event event) {
		this.mailbox = mailbox;
		this.record = record;
		this.task = task;
		this.walk = walk;
		this.level = level;
		this.event = event;
	}

	/** Marks the item finished (delivered, skipped or dropped) and opens the walk's next level. */
	void finish() {
		if (this.done) {
			return;
		}
		this.done = true;
		if (this.walk != null) {
			this.walk.done(this.level, this.event != null && this.event.stopped);
		}
	}

}
