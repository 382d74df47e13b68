package io.statetree.core.backend;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How long a written value lives (DESIGN §12): a time to live, the life of one instance
 * (ephemeral), or, for {@link #KEEP}, whatever the path had before the write. Carried by
 * {@link Write#lifetime()}; a {@code null} lifetime means permanent. Immutable and thread-safe.
 *
 * @param ttl the time to live (1 ms to 3,650 days, checked by {@code WriteOptions}), or
 * {@code null}
 * @param owner the instance id ({@code StateController.instanceId()}) an ephemeral value belongs to,
 * or {@code null}
 */
public record Lifetime(@Nullable Duration ttl, @Nullable String owner) {

	/** Keeps the lifetime the path had (an increment keeps a counter's time to live). */
	public static final Lifetime KEEP = new Lifetime(null, null);

	/**
	 * Refuses a lifetime that is both a time to live and ephemeral.
	 * @param ttl the time to live, or {@code null}
	 * @param owner the owner, or {@code null}
	 */
	public Lifetime {
		if (ttl != null && owner != null) {
			throw new IllegalArgumentException("A lifetime is a time to live or an owner, not both");
		}
		if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
			throw new IllegalArgumentException("Time to live " + ttl + " is not positive");
		}
	}

	/**
	 * A time to live.
	 * @param ttl the duration, positive
	 * @return the lifetime
	 */
	public static Lifetime ttl(Duration ttl) {
		return new Lifetime(Objects.requireNonNull(ttl, "ttl"), null);
	}

	/**
	 * The life of an instance.
	 * @param owner the instance id
	 * @return the lifetime
	 */
	public static Lifetime ephemeral(String owner) {
		return new Lifetime(null, Objects.requireNonNull(owner, "owner"));
	}

	/**
	 * Tells whether this lifetime keeps what the path had.
	 * @return {@code true} for {@link #KEEP}
	 */
	public boolean isKeep() {
		return this.ttl == null && this.owner == null;
	}

	/**
	 * Tells whether the value lives as long as its owner.
	 * @return {@code true} when an owner is set
	 */
	public boolean isEphemeral() {
		return this.owner != null;
	}

}
