package io.statetree.core.backend;

/**
 * Hands back a revision reserved with {@link StateBackend#reserveRevision} that the backend in
 * front did not give out, because its commit changed nothing or was refused: without it, a clean
 * restart read one revision more than the last given out (README brk29). Reaches the backends of
 * this package that store reservations (files) through the ones that forward them (caches,
 * hybrids); any other backend keeps its reservation, as before. Stateless, thread-safe.
 */
final class RevisionReservations {

	private RevisionReservations() {
	}

	/**
	 * Hands a reservation back; never throws (nothing is written until the backend closes).
	 * @param backend the backend it was reserved with
	 * @param revision the revision reserved
	 */
	static void release(StateBackend backend, long revision) {
		if (backend instanceof FileSystemBackend files) {
			files.releaseRevision(revision);
		}
		else if (backend instanceof CachingBackend cache) {
			cache.releaseRevision(revision);
		}
		else if (backend instanceof HybridBackend hybrid) {
			hybrid.releaseRevision(revision);
		}
	}

}
