package io.statetree.core.internal;

import java.time.Duration;

import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.ExpiringEntries;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * Turns the lifetime a caller asked for ({@code WriteOptions.ttl}, {@code ephemeral}, DESIGN §12)
 * into the {@link Lifetime} of a write, refusing it before anything is written when the backend
 * keeps none; and answers {@code timeToLive}. Thread-safe: besides final fields it holds only the
 * lifetime made last ({@link #last}), an immutable value any thread may replace.
 */
final class Lifetimes {

	private final StateBackend backend;

	private final @Nullable ExpiringEntries entries;

	/** This instance's ephemeral lifetime, made once. */
	private final Lifetime ephemeral;

	/**
	 * The time-to-live lifetime made last: a caller that writes with the same {@code WriteOptions}
	 * (one {@code Duration} instance) gets it again instead of a new one per write. Racy on purpose:
	 * a {@code Lifetime} is immutable (final fields), so any thread reads it whole.
	 */
	private @Nullable Lifetime last;

	Lifetimes(StateBackend backend, String instanceId) {
		this.backend = backend;
		this.entries = backend.expiringEntries();
		this.ephemeral = Lifetime.ephemeral(instanceId);
	}

	/**
	 * The lifetime of a write made with these options.
	 * @return {@code null} for a permanent write (the common case, two field reads)
	 * @throws UnsupportedOperationException when the options ask for one and the backend keeps none
	 */
	@Nullable Lifetime of(StatePath path, WriteOptions options) {
		Duration ttl = options.ttl();
		if (ttl == null && !options.isEphemeral()) {
			return null;
		}
		if (this.entries == null) {
			throw new UnsupportedOperationException("Cannot write " + path + " with "
					+ ((ttl != null) ? "a time to live" : "an ephemeral lifetime") + ": the backend "
					+ this.backend.describe().getOrDefault("type", this.backend.getClass().getSimpleName())
					+ " keeps no lifetimes; nothing was written");
		}
		if (ttl == null) {
			return this.ephemeral;
		}
		Lifetime made = this.last;
		if (made == null || made.ttl() != ttl) {
			made = Lifetime.ttl(ttl);
			this.last = made;
		}
		return made;
	}

	/** {@code timeToLive}: what the backend says, {@code null} when it keeps no lifetimes. */
	@Nullable Duration timeToLive(StatePath path) {
		return (this.entries != null) ? this.entries.timeToLive(path) : null;
	}

}
