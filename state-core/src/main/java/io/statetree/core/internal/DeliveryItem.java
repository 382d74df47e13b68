package io.statetree.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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

	/** What delivering the item does; one shared instance for every listener event of a router. */
	final Task task;

	/** The listener an event goes to, or null for the controller's own work. */
	final @Nullable Callback callback;

	final @Nullable BubblingWalk walk;

	final int level;

	final @Nullable Event event;

	/** What the listener threw; written (before {@link #done}) only when it threw. */
	volatile @Nullable Throwable failure;

	volatile boolean done;

	/** The controller's own work for a commit (no listener). */
	DeliveryItem(Mailbox mailbox, CommitRecord record, Task task, @Nullable BubblingWalk walk, int level,
			@Nullable Event event) {
		this(mailbox, record, task, null, walk, level, event);
	}

	/**
	 * An event for a listener, delivered by a task shared by all such items (it reads the
	 * listener and the event from the item, so an event costs no object of its own for its call).
	 */
	DeliveryItem(Mailbox mailbox, CommitRecord record, Task task, @Nullable Callback callback,
			@Nullable BubblingWalk walk, int level, @Nullable Event event) {
		this.mailbox = mailbox;
		this.record = record;
		this.task = task;
		this.callback = callback;
		this.walk = walk;
		this.level = level;
		this.event = event;
	}

	/** What delivering an item does, on the delivering thread. */
	@FunctionalInterface
	interface Task {

		/**
		 * Delivers the item.
		 * @return what the listener threw, or null
		 */
		@Nullable Throwable run(DeliveryItem item);

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
