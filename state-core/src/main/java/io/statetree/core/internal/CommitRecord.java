package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;

/**
 * A commit waiting to be delivered to listeners.
 *
 * @param revision the revision
 * @param origin the instance that made it
 * @param changes the changed paths (only those whose value changed, or the pinged path)
 * @param kind local, remote, ping or resync
 * @param depth how many listener rounds led to it (0 for a write made outside any listener)
 * @param writer the thread that made it (null for remote ones)
 * @param actor who made it ({@code WriteOptions.actor} or the default actor), or null
 * @param causedBy the revision whose listener or effect made it, 0 when none did
 * @param expiry whether it is an expiry commit (DESIGN §12)
 */
record CommitRecord(long revision, String origin, List<Change> changes, Kind kind, int depth, Thread writer,
		@Nullable String actor, long causedBy, boolean expiry) {

	/** A record that is not an expiry commit. */
	CommitRecord(long revision, String origin, List<Change> changes, Kind kind, int depth, Thread writer,
			@Nullable String actor, long causedBy) {
		this(revision, origin, changes, kind, depth, writer, actor, causedBy, false);
	}

	/** A record with no actor, made outside any listener (resyncs). */
	CommitRecord(long revision, String origin, List<Change> changes, Kind kind, int depth, Thread writer) {
		this(revision, origin, changes, kind, depth, writer, null, 0, false);
	}

	enum Kind {

		LOCAL, REMOTE, PING, RESYNC

	}

}
