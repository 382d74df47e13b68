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
 * keeps none; and answers {@code timeToLive}. Immutable, thread-safe.
 */
final class Lifetimes {

	private final StateBackend backend;

	private final @Nullable ExpiringEntries entries;

	private final String instanceId;

	Lifetimes(StateBackend backend, String instanceId) {
		this.backend = backend;
		this.entries = backend.expiringEntries();
		this.instanceId = instanceId;
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
		return (ttl != null) ? Lifetime.ttl(ttl) : Lifetime.ephemeral(this.instanceId);
	}

	/** {@code timeToLive}: what the backend says, {@code null} when it keeps no lifetimes. */
	@Nullable Duration timeToLive(StatePath path) {
		return (this.entries != null) ? this.entries.timeToLive(path) : null;
	}

}
