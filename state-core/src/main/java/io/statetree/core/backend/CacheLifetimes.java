package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The lifetimes of a {@link CachingBackend} (DESIGN §12). Writing through, the delegate keeps
 * them and this view passes every question to it, the cache's copy hidden through the delegate's
 * {@link ExpiringEntries#withoutDue}. Writing behind, the delegate learns of a commit only at the
 * flush, so the cache keeps its own {@link ExpiryIndex}, seeded from the delegate's lifetimes when
 * the cache is made and updated at each commit: due times count from the commit, and pending
 * commits reach the delegate with the time they have left ({@link WriteBehind}). Over a shared
 * delegate (Redis, a near cache) writing through, the copy is served as it is: asking the delegate
 * would cost a server call per read and defeat the cache, and the delegate's expiry commit reaches
 * the cache through its change feed (within the sweep interval), which drops the copy. Thread-safe: the
 * index is immutable behind a volatile field, changed under the cache's lock.
 */
final class CacheLifetimes implements ExpiringEntries {

	private final ExpiringEntries delegate;

	private final LongSupplier nanoClock;

	private final Function<StatePath, @Nullable Object> reader;

	/** Whether the delegate is shared (its expiry commits arrive through the feed). */
	private final boolean shared;

	/** The cache's own index when writing behind, {@code null} when writing through. */
	private volatile @Nullable ExpiryIndex index;

	private CacheLifetimes(ExpiringEntries delegate, boolean own, boolean shared, LongSupplier nanoClock,
			Function<StatePath, @Nullable Object> reader) {
		this.delegate = delegate;
		this.shared = shared;
		this.nanoClock = nanoClock;
		this.reader = reader;
		if (own) {
			long now = nanoClock.getAsLong();
			ExpiryIndex seeded = ExpiryIndex.EMPTY;
			for (Map.Entry<StatePath, Lifetime> entry : delegate.lifetimes().entrySet()) {
				Lifetime lifetime = entry.getValue();
				Duration ttl = lifetime.ttl();
				// an entry due already is listed with 1 ns left: due at once here too
				long due = (ttl == null) ? ExpiryIndex.NONE : (ttl.toNanos() <= 1) ? now : now + ttl.toNanos();
				seeded = seeded.with(entry.getKey(), due, lifetime.owner());
			}
			this.index = seeded;
		}
	}

	/**
	 * The lifetimes of a cache, or {@code null} when its delegate keeps none.
	 * @param delegate the backend behind the cache
	 * @param writeBehind whether commits stay pending in the cache
	 * @param nanoClock the monotonic clock
	 * @param reader reads a path as the cache does, for {@link #timeToLive}
	 * @return the view, or {@code null}
	 */
	static @Nullable CacheLifetimes of(StateBackend delegate, boolean writeBehind, LongSupplier nanoClock,
			Function<StatePath, @Nullable Object> reader) {
		ExpiringEntries entries = delegate.expiringEntries();
		return (entries != null) ? new CacheLifetimes(entries, writeBehind, delegate.isShared(), nanoClock, reader) : null;
	}

	/** The monotonic clock's reading, for a commit. */
	long now() {
		return this.nanoClock.getAsLong();
	}

	/**
	 * Applies a commit's writes to the cache's own index (writing behind; a no-op writing
	 * through, where the delegate applies them). Under the cache's lock.
	 * @param writes the writes
	 * @param now when the commit was made
	 * @return whether the lifetimes changed
	 */
	boolean apply(List<Write> writes, long now) {
		ExpiryIndex current = this.index;
		if (current == null) {
			return false;
		}
		ExpiryIndex next = applied(current, writes, now);
		this.index = next;
		return next != current;
	}

	/**
	 * Whether {@link #apply} would change the lifetimes, changing nothing. Under the cache's lock.
	 * @param writes the writes
	 * @param now when the commit is made
	 * @return whether the lifetimes would change
	 */
	boolean wouldChange(List<Write> writes, long now) {
		ExpiryIndex current = this.index;
		return current != null && applied(current, writes, now) != current;
	}

	private static ExpiryIndex applied(ExpiryIndex index, List<Write> writes, long now) {
		ExpiryIndex next = index;
		for (Write write : writes) {
			next = next.apply(write, now);
		}
		return next;
	}

	@Override
	public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
		ExpiryIndex own = this.index;
		if (own == null) {
			return this.shared ? value : this.delegate.withoutDue(path, value);
		}
		if (value == null || own.nextDue() == ExpiryIndex.NONE) {
			return value;
		}
		return own.withoutDue(path, value, this.nanoClock.getAsLong());
	}

	@Override
	public @Nullable Duration timeToLive(StatePath path) {
		ExpiryIndex own = this.index;
		if (own == null) {
			return this.delegate.timeToLive(path);
		}
		if (own.nextDue() == ExpiryIndex.NONE) {
			return null;
		}
		long remaining = own.remaining(path, this.nanoClock.getAsLong());
		if (remaining == ExpiryIndex.NONE || remaining <= 0 || this.reader.apply(path) == null) {
			return null;
		}
		return Duration.ofNanos(Math.max(remaining, 1_000_000L));
	}

	/** Writing through, the delegate's (a shared one's changes by other instances included); writing behind, none. */
	@Override
	public long lifetimeStamp(StatePath path) {
		return (this.index == null) ? this.delegate.lifetimeStamp(path) : 0;
	}

	@Override
	public long nanosUntilNextDue() {
		ExpiryIndex own = this.index;
		if (own == null) {
			return this.delegate.nanosUntilNextDue();
		}
		return (own.nextDue() == ExpiryIndex.NONE) ? Long.MAX_VALUE
				: own.nanosUntilNextDue(this.nanoClock.getAsLong());
	}

	@Override
	public List<StatePath> due() {
		ExpiryIndex own = this.index;
		if (own == null) {
			return this.delegate.due();
		}
		return (own.nextDue() == ExpiryIndex.NONE) ? List.of() : own.due(this.nanoClock.getAsLong());
	}

	@Override
	public List<StatePath> ephemeral(String owner) {
		ExpiryIndex own = this.index;
		return (own == null) ? this.delegate.ephemeral(owner) : own.ephemeral(owner);
	}

	@Override
	public Map<StatePath, Lifetime> lifetimes() {
		ExpiryIndex own = this.index;
		return (own == null) ? this.delegate.lifetimes() : own.lifetimes(this.nanoClock.getAsLong());
	}

}
