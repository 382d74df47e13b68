package io.statetree.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

	/**
	 * Writes {@link #done} with a release store: the waiting writer reads it as a volatile (an
	 * acquire), which is all the ordering needed, without the full fence of a volatile store.
	 */
	private static final VarHandle DONE;

	static {
		try {
			DONE = MethodHandles.lookup().findVarHandle(DeliveryItem.class, "done", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final Mailbox mailbox;

	final CommitRecord record;

	final Supplier<@Nullable Throwable> task;

	final @Nullable BubblingWalk walk;

	final int level;

	final @Nullable Event event;

	/** What the listener threw; written (before {@link #done}) only when it threw. */
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
		DONE.setRelease(this, true);
		if (this.walk != null) {
			this.walk.done(this.level, this.event != null && this.event.stopped);
		}
	}

}
