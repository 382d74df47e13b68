package io.statetree.core.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.statetree.core.backend.DeadLetterRecord;
import io.statetree.core.backend.PartitionClaim;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one partition a group member holds a claim on (DESIGN §13): reads the commits
 * after the partition's cursor from the history, hands each of the partition's events to the
 * member's listener, one at a time and in revision order, retries a failing one after a
 * doubling back-off (the thread is given back meanwhile), parks it as a dead letter after the
 * last attempt, and acknowledges each revision once all its events of the partition are handled.
 * Redelivered dead letters come first. Runs on the group's pool, one run at a time; stops for
 * good once the claim is lost (its last acknowledgement refused, or the claim not renewed).
 * Thread-safe: the run state is guarded by this object's monitor; the rest is touched only by
 * the one run at a time.
 */
final class PartitionWorker {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** The most events one run handles before giving the thread to another partition. */
	private static final int EVENTS_PER_RUN = 64;

	/** The most commits read from the history at once. */
	static final int PAGE = 256;

	/** The most pages read in a row looking for this partition's next event. */
	private static final int MAX_PAGES_PER_READ = 64;

	private final GroupMember member;

	private final GroupRunner runner;

	final int partition;

	final long token;

	/** The revision through which the partition's events are acknowledged. */
	private long acknowledged;

	/** The revision through which commits were read into {@link #inHand}. */
	private long readThrough;

	/** This worker's replay index (replays do not share one). */
	private final PatternIndex<Callback> index;

	/** Events read from the history, not yet handled, in order. */
	private final ArrayDeque<GroupItem> inHand = new ArrayDeque<>();

	/** Redelivered dead letters, handled before the next event. */
	private final ArrayDeque<GroupItem> redelivered = new ArrayDeque<>();

	// run state, guarded by this
	private boolean queued;

	private boolean running;

	private boolean waiting;

	private boolean again;

	/** Set while the member renews its claims: no event starts meanwhile. */
	private boolean frozen;

	private volatile boolean lost;

	/** Whether to ask the store for redeliveries before the next event. */
	private volatile boolean checkRedeliveries = true;

	/** When the listener call under way started ({@link System#nanoTime()}), 0 when none is. */
	private volatile long callStart;

	/** The thread of the listener call under way, or null. */
	private volatile @Nullable Thread caller;

	/** Whether the call under way was abandoned ({@link #abandon}); guarded by this. */
	private boolean abandoned;

	PartitionWorker(GroupMember member, PartitionClaim claim) {
		this.member = member;
		this.runner = member.runner;
		this.partition = claim.partition();
		this.token = claim.token();
		this.acknowledged = claim.cursor();
		this.readThrough = claim.cursor();
		this.index = this.runner.newIndex();
	}

	/** Asks for a run: now if idle, after the current one if running, not while backing off. */
	void wake() {
		synchronized (this) {
			if (this.lost) {
				return;
			}
			if (this.running || this.frozen) {
				this.again = true;
				return;
			}
			if (this.waiting || this.queued) {
				return;
			}
			this.queued = true;
		}
		submit();
	}

	/** Asks for redeliveries to be taken before the next event, and a run. */
	void redeliveries() {
		this.checkRedeliveries = true;
		wake();
	}

	private void submit() {
		try {
			this.runner.execute(this::run);
		}
		catch (RuntimeException ex) {
			// the pool is shut down: the controller or the member is closing
			synchronized (this) {
				this.queued = false;
			}
		}
	}

	/** Stops the worker: no further event is started; a listener under way finishes. */
	void lose() {
		this.lost = true;
	}

	/**
	 * Stops the worker, as {@link #lose}, and tells whether a listener call of it still runs; a
	 * call not yet started then never starts (both under this worker's monitor), so the member
	 * knows for sure whether it must keep off the partition until the call returns.
	 * @return whether a listener call is under way
	 */
	synchronized boolean loseWhileCalling() {
		this.lost = true;
		return this.callStart != 0;
	}

	/** Whether a listener call of this worker is under way. */
	boolean calling() {
		return this.callStart != 0;
	}

	/**
	 * Marks the call under way as abandoned: it ran past the claim timeout and its partition was
	 * given up, so it no longer counts against the group's concurrency
	 * ({@link GroupRunner#callAbandoned}) until it returns.
	 */
	synchronized void abandon() {
		if (this.abandoned || this.callStart == 0) {
			return;
		}
		this.abandoned = true;
		// counted under this monitor, so the count goes up before callEnded takes it down
		this.runner.callAbandoned();
	}

	/** Whether a run is under way (an event being handled or acknowledged). */
	synchronized boolean busy() {
		return this.running;
	}

	boolean isLost() {
		return this.lost;
	}

	/** Whether the listener call under way runs on the current thread (it closes its own subscription). */
	boolean callingHere() {
		return this.caller == Thread.currentThread();
	}

	/** Whether a listener of this partition has run longer than {@code nanos}. */
	boolean stuckLongerThan(long nanos, long now) {
		long start = this.callStart;
		return start != 0 && now - start > nanos;
	}

	/**
	 * Stops new events from starting while the member renews its claims, unless the worker is
	 * busy (events in hand, a call under way or a back-off pending: its partition must be kept).
	 * @return whether it was frozen (it was idle)
	 */
	synchronized boolean freezeIfIdle() {
		if (this.running || this.waiting || this.queued || !this.inHand.isEmpty() || !this.redelivered.isEmpty()) {
			return false;
		}
		this.frozen = true;
		return true;
	}

	/** Lets a frozen worker run again, at once when it was woken meanwhile. */
	void unfreeze() {
		boolean resubmit;
		synchronized (this) {
			this.frozen = false;
			resubmit = this.again && !this.lost && !this.running && !this.waiting && !this.queued;
			this.again = false;
			if (resubmit) {
				this.queued = true;
			}
		}
		if (resubmit) {
			submit();
		}
	}

	private void run() {
		synchronized (this) {
			this.queued = false;
			if (this.frozen) {
				this.again = true;
				return;
			}
			this.running = true;
			this.again = false;
		}
		boolean backOff = false;
		try {
			backOff = handleSome();
		}
		catch (RuntimeException ex) {
			// the store failed (say, Redis unreachable): try again after the first back-off
			logger.warn("StateTree group '{}' could not make progress on partition {}: {}; trying again",
					this.runner.name, this.partition, Redacted.describe(ex));
			scheduleAfter(this.runner.settings.initialBackoff().toNanos());
			backOff = true;
		}
		finally {
			if (this.member.closing()) {
				// a listener that closed its own subscription: its call is acknowledged, now leave
				this.member.ownCallEnded(this);
			}
			boolean resubmit;
			synchronized (this) {
				this.running = false;
				resubmit = this.again && !this.waiting && !this.lost;
				this.again = false;
				if (resubmit) {
					this.queued = true;
				}
			}
			if (resubmit) {
				submit();
			}
		}
	}

	/**
	 * Handles up to {@link #EVENTS_PER_RUN} events.
	 * @return whether a back-off was scheduled
	 */
	private boolean handleSome() {
		for (int handled = 0; handled < EVENTS_PER_RUN; handled++) {
			if (this.lost || this.member.closing()) {
				return false;
			}
			synchronized (this) {
				if (this.frozen) {
					this.again = true;
					return false;
				}
			}
			GroupItem item = next();
			if (item == null) {
				return false;
			}
			if (!attempt(item)) {
				return true;
			}
		}
		synchronized (this) {
			this.again = true;
		}
		return false;
	}

	/** The next item: a redelivery, else the next event in hand, else read from the history. */
	private @Nullable GroupItem next() {
		if (this.checkRedeliveries) {
			this.checkRedeliveries = false;
			for (DeadLetterRecord letter : this.member.membership().takeRedeliveries(this.partition, this.token)) {
				this.redelivered.add(GroupItem.redelivery(this.runner.controller, this.runner.compiled, letter));
			}
		}
		if (!this.redelivered.isEmpty()) {
			return this.redelivered.peek();
		}
		if (this.inHand.isEmpty()) {
			// page on while whole pages give this partition nothing (a backlog of other keys)
			long before;
			int pages = 0;
			do {
				before = this.readThrough;
				this.readThrough = this.runner.read(this.index, this.partition, before, this.inHand);
			}
			while (this.inHand.isEmpty() && this.readThrough > before && ++pages < MAX_PAGES_PER_READ);
			if (this.inHand.isEmpty() && pages == MAX_PAGES_PER_READ) {
				// more may follow: read on in the next run, after other partitions had their turn
				synchronized (this) {
					this.again = true;
				}
			}
			if (this.inHand.isEmpty()) {
				acknowledge(this.readThrough);
				return null;
			}
		}
		return this.inHand.peek();
	}

	/**
	 * Calls the listener once for an item and records the outcome.
	 * @return whether to go on (false: a back-off is scheduled, or the claim is lost)
	 */
	private boolean attempt(GroupItem item) {
		if (item.parkError != null) {
			// the last attempt failed but the store could not park it then
			return park(item, item.parkError, System.nanoTime());
		}
		long start = System.nanoTime();
		synchronized (this) {
			// a worker lost meanwhile starts no call (see loseWhileCalling)
			if (this.lost) {
				return false;
			}
			this.callStart = start;
			this.caller = Thread.currentThread();
		}
		item.attempts++;
		Throwable failure = null;
		try {
			this.member.listener.onChange(item.event);
		}
		catch (StackOverflowError ex) {
			// the listener's stack has unwound: a failed attempt like any exception
			failure = ex;
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			callEnded();
		}
		if (this.lost) {
			if (!this.member.closing()) {
				lateAcknowledgement(item, start);
			}
			return false;
		}
		String group = this.runner.name;
		if (failure == null) {
			this.runner.observer.handled(group, item.event.path(), start);
			return done(item, start);
		}
		if (item.attempts < this.runner.settings.maxAttempts()) {
			this.runner.observer.retried(group, item.event.path(), failure);
			long backoff = this.runner.settings.initialBackoff().toNanos() << Math.min(item.attempts - 1, 30);
			scheduleAfter(Math.min(backoff, TimeUnit.HOURS.toNanos(1)));
			return false;
		}
		logger.warn("StateTree group '{}' parks the event on {} (revision {}) as a dead letter after {} attempts: {}",
				group, item.event.path(), item.event.revision(), item.attempts, Redacted.describe(failure));
		item.parkError = describe(failure);
		return park(item, item.parkError, start);
	}

	private void callEnded() {
		boolean wasAbandoned;
		synchronized (this) {
			this.callStart = 0;
			this.caller = null;
			wasAbandoned = this.abandoned;
			this.abandoned = false;
		}
		if (wasAbandoned) {
			this.runner.abandonedCallReturned();
		}
	}

	/** Parks an item as a dead letter; acknowledges its revision when it was the last of it. */
	private boolean park(GroupItem item, String error, long start) {
		String group = this.runner.name;
		DeadLetterRecord letter = item.deadLetter(group, this.partition, error);
		boolean last = !item.isRedelivery() && lastOfRevision(item);
		if (!this.member.membership().deadLetter(this.partition, this.token, letter, last)) {
			lateAcknowledgement(item, start);
			return false;
		}
		this.runner.observer.deadLettered(group, item.event.path());
		remove(item);
		if (last) {
			this.acknowledged = Math.max(this.acknowledged, item.event.revision());
		}
		return true;
	}

	/** The error as a dead letter keeps it: the exception's class and message. */
	static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getName() + ((message != null) ? ": " + message : "");
	}

	/** After the listener returned: acknowledges the revision when this was its last event here. */
	private boolean done(GroupItem item, long start) {
		remove(item);
		if (item.isRedelivery()) {
			// forgotten by the store: the partition's next holder must not take it again
			if (!this.member.membership().redeliveryHandled(this.partition, this.token, item.redeliveryId())) {
				lateAcknowledgement(item, start);
				return false;
			}
			return true;
		}
		GroupItem following = this.inHand.peek();
		if (following != null && following.event.revision() == item.event.revision()) {
			return true;
		}
		long through = (following == null) ? this.readThrough : item.event.revision();
		if (!acknowledge(through)) {
			lateAcknowledgement(item, start);
			return false;
		}
		return true;
	}

	private boolean lastOfRevision(GroupItem item) {
		boolean seen = false;
		for (GroupItem other : this.inHand) {
			if (other == item) {
				seen = true;
			}
			else if (seen) {
				return other.event.revision() != item.event.revision();
			}
		}
		return true;
	}

	private void remove(GroupItem item) {
		if (item.isRedelivery()) {
			this.redelivered.remove(item);
		}
		else {
			this.inHand.remove(item);
		}
	}

	private boolean acknowledge(long revision) {
		if (revision <= this.acknowledged) {
			return true;
		}
		if (!this.member.membership().acknowledge(this.partition, this.token, revision)) {
			this.lost = true;
			return false;
		}
		this.acknowledged = revision;
		return true;
	}

	private void lateAcknowledgement(GroupItem item, long start) {
		this.lost = true;
		this.runner.observer.lateAcknowledgement(this.runner.name, this.partition);
		logger.warn("StateTree group '{}': the listener returned after {} ms on {} (revision {}), when partition {} "
				+ "was no longer this member's (its claim lapsed or was taken); the acknowledgement is ignored and "
				+ "the event is handled again by the partition's holder", this.runner.name,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), item.event.path(), item.event.revision(),
				this.partition);
	}

	private void scheduleAfter(long nanos) {
		synchronized (this) {
			this.waiting = true;
		}
		try {
			this.runner.schedule(() -> {
				synchronized (this) {
					this.waiting = false;
				}
				wake();
			}, nanos);
		}
		catch (RuntimeException ex) {
			synchronized (this) {
				this.waiting = false;
			}
		}
	}

	/** The cursor as this worker knows it. */
	long acknowledged() {
		return this.acknowledged;
	}

	/** For tests and inspection. */
	List<GroupItem> inHand() {
		return List.copyOf(this.inHand);
	}

}
