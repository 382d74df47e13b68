package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One thread's delivery state, touched only by that thread: the cascade depth of the item it
 * delivers (-1 when not delivering), that item, the items it submitted and has not drained,
 * and (shared backends) its records that wait for earlier revisions.
 */
final class DeliveryThreadState {

	/** The thread this state belongs to. */
	final Thread owner;

	int depth = -1;

	@Nullable DeliveryItem running;

	/**
	 * The item this thread submitted past its mailbox's queue ({@link Mailbox#reserve}), whose
	 * delivery lock it holds until its {@link Dispatcher#drain} delivers it; null when none.
	 */
	@Nullable DeliveryItem direct;

	final List<DeliveryItem> submitted = new ArrayList<>();

	final List<RevisionOrder.Held> held = new ArrayList<>(2);

	/** How many reasons this thread has not to wait for the shared backend's feed ({@link Dispatcher#cannotWait}). */
	int cannotWait;

	DeliveryThreadState(Thread owner) {
		this.owner = owner;
	}

}
