package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.backend.Change;

/**
 * A commit waiting to be delivered to listeners.
 *
 * @param revision the revision
 * @param origin the instance that made it
 * @param changes the changed paths (only those whose value changed, or the pinged path)
 * @param kind local, remote, ping or resync
 * @param depth how many listener rounds led to it (0 for a write made outside any listener)
 * @param writer the thread that made it (null for remote ones)
 */
record CommitRecord(long revision, String origin, List<Change> changes, Kind kind, int depth, Thread writer) {

	enum Kind {

		LOCAL, REMOTE, PING, RESYNC

	}

}
