package io.statetree.redis;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * The commit numbers of one backend (DESIGN §8, idempotent commits): each call of a write script
 * gets the next number, which with the backend id is its commit id. The script records the outcome
 * of a numbered call, so sending it again after a dropped connection returns that outcome instead
 * of applying it twice; the {@linkplain #watermark() watermark} (the lowest number still in
 * flight) tells the script which records it may delete.
 * <p>
 * The change feed sees this backend's entries too, and normally skips them (the committing thread
 * delivers them). Here it tells, for each such entry, whether the call is still in flight (the
 * entry is kept: it is that call's outcome should its reply be lost for good) or was given up
 * (the call's caller was told the outcome is unknown: the feed delivers the entry, so the
 * backend's listener still hears the commit once). Thread-safe; every method is short and
 * synchronized.
 */
final class CommitIds {

	/** How many given-up numbers are remembered for the feed. */
	private static final int ABANDONED_CAPACITY = 1024;

	private long last;

	private final TreeSet<Long> inFlight = new TreeSet<>();

	/** This backend's entries the feed read while their call was in flight, by commit number. */
	private final Map<Long, StreamEntry> seenByFeed = new HashMap<>();

	private final LinkedHashSet<Long> abandoned = new LinkedHashSet<>();

	/**
	 * Starts a call: the next commit number, in flight until {@link #close} or {@link #abandon}.
	 * @return the number, at least 1
	 */
	synchronized long open() {
		long counter = ++this.last;
		this.inFlight.add(counter);
		return counter;
	}

	/**
	 * The lowest commit number whose outcome is not known yet (the next one when none is in
	 * flight): a call sent after {@link #open} carries a watermark no higher than its own number.
	 * @return the watermark
	 */
	synchronized long watermark() {
		return this.inFlight.isEmpty() ? this.last + 1 : this.inFlight.first();
	}

	/**
	 * Ends a call whose outcome is known (a reply came, or the feed's entry stood for it).
	 * @param counter its number
	 */
	synchronized void close(long counter) {
		this.inFlight.remove(counter);
		this.seenByFeed.remove(counter);
	}

	/**
	 * The entry the feed read for a call in flight, which proves the call was applied.
	 * @param counter the call's number
	 * @return the entry, or {@code null} when the feed has not read one
	 */
	synchronized @Nullable StreamEntry seen(long counter) {
		return this.seenByFeed.get(counter);
	}

	/**
	 * Gives a call up: its outcome stays unknown. Returns the entry the feed read for it, if any
	 * (the call was applied after all); otherwise the feed delivers the entry should it read one.
	 * @param counter the call's number
	 * @return the entry, or {@code null}
	 */
	synchronized @Nullable StreamEntry abandon(long counter) {
		this.inFlight.remove(counter);
		StreamEntry entry = this.seenByFeed.remove(counter);
		if (entry == null) {
			this.abandoned.add(counter);
			if (this.abandoned.size() > ABANDONED_CAPACITY) {
				Iterator<Long> oldest = this.abandoned.iterator();
				oldest.next();
				oldest.remove();
			}
		}
		return entry;
	}

	/**
	 * Called by the feed for an entry this backend wrote (not a swept expiry).
	 * @param entry the entry
	 * @return {@code true} when the feed must deliver it (its call was given up), {@code false}
	 * when it skips it (the committing thread delivers it, or did)
	 */
	synchronized boolean feedFound(StreamEntry entry) {
		long counter = entry.counter();
		if (counter == 0) {
			return false;
		}
		if (this.abandoned.remove(counter)) {
			return true;
		}
		if (this.inFlight.contains(counter)) {
			this.seenByFeed.put(counter, entry);
		}
		return false;
	}

}
