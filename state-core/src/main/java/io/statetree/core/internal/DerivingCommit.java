package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.SnapshotStore;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * Step 2 of the {@link CommitTemplate}: a commit's writes with the derivations they trigger
 * (DESIGN §6, glitch-free), applied by the backend atomically. The derivations run over one
 * {@link TxView} of the commit ({@link DerivationGraph#run}); on a backend with a
 * {@link SnapshotStore} the tree that view built is published as it is, with the changes the view
 * recorded while building it, so the backend neither applies the writes again nor diffs the two
 * roots. On a shared backend the sources the derivations read are checked in the commit, and the
 * derivations computed again when another instance changed one meanwhile.
 * <p>
 * Not thread-safe: used under the controller's commit lock only.
 */
final class DerivingCommit {

	private final StateBackend backend;

	private final DerivationGraph graph;

	/** The instance the commits come from. */
	private final String origin;

	/** The writes the last {@link #commit} committed, derived ones included (read under the lock). */
	private List<Write> committed = List.of();

	/** Ends the clock reading a due check lent the commit once derivations ran, or null. */
	private final @Nullable ExpirySweeper sweeper;

	/**
	 * The commits' buffer of held derived writes ({@link PendingChildren}), lent to one commit's
	 * view at a time and emptied when it comes back, so a commit does not make its own; null while
	 * lent (a commit made inside another on this thread then makes its own).
	 */
	private @Nullable PendingChildren spare = new PendingChildren();

	DerivingCommit(StateBackend backend, DerivationGraph graph, String origin, @Nullable ExpirySweeper sweeper) {
		this.backend = backend;
		this.sweeper = sweeper;
		this.graph = graph;
		this.origin = origin;
	}

	/** The writes the last successful {@link #commit} sent to the backend, derived writes included. */
	List<Write> committed() {
		return this.committed;
	}

	/**
	 * Commits writes with the derivations they trigger, and a forced derivation even if none of
	 * its sources changed (its first value).
	 * @param actor the commit's actor, or null
	 * @param causedBy the revision whose delivery makes the commit, or 0
	 * @param expiry whether it is an expiry commit
	 * @param depth its cascade depth
	 * @param followed the paths an expiry commit the backend made itself deleted, else empty
	 * @return what the backend committed, or null when there was nothing to write
	 * @throws PreconditionFailedException when one of the caller's preconditions failed; nothing
	 * was written
	 */
	@Nullable CommitResult commit(List<Write> writes, List<Precondition> preconditions,
			@Nullable DerivationImpl forced, @Nullable String actor, long causedBy, boolean expiry, int depth,
			List<StatePath> followed) {
		PendingChildren held = this.spare;
		this.spare = null;
		try {
			return commit(writes, preconditions, forced, actor, causedBy, expiry, depth, followed, held);
		}
		finally {
			if (held != null) {
				// nothing a commit held stays reachable from the buffer
				held.clear();
				this.spare = held;
			}
		}
	}

	private @Nullable CommitResult commit(List<Write> writes, List<Precondition> preconditions,
			@Nullable DerivationImpl forced, @Nullable String actor, long causedBy, boolean expiry, int depth,
			List<StatePath> followed, @Nullable PendingChildren held) {
		// On a shared backend another instance may change a derivation's sources between the read
		// that computes it and the commit: the sources read are checked in the commit too, and the
		// derivations computed again when one changed (this controller's writers wait on its lock).
		boolean shared = this.backend.isShared();
		Set<DerivationImpl> retracked = Set.of();
		for (int attempt = 1;; attempt++) {
			List<Write> all = writes;
			List<Precondition> checked = preconditions;
			List<DerivationImpl> current = this.graph.ordered();
			TxView tx = null;
			if (!current.isEmpty() || forced != null) {
				tx = new TxView(this.backend, shared, held);
				tx.recordChanges();
				for (int i = 0, n = writes.size(); i < n; i++) {
					tx.add(writes.get(i));
				}
				Set<DerivationImpl> ran = this.graph.run(tx, current, forced, false, expiry, followed);
				if (!ran.isEmpty()) {
					if (retracked.isEmpty()) {
						retracked = new HashSet<>();
					}
					retracked.addAll(ran);
				}
				all = tx.writes();
				if (shared) {
					if (tx.conflicted() && attempt < CommitTemplate.MAX_ATTEMPTS) {
						continue;
					}
					List<Precondition> sources = tx.preconditions();
					if (!sources.isEmpty()) {
						checked = new ArrayList<>(preconditions);
						checked.addAll(sources);
					}
				}
			}
			if (tx != null && this.sweeper != null) {
				this.sweeper.commitEnded(); // derivations ran: the write counts from a fresh reading
			}
			if (all.isEmpty()) {
				if (!retracked.isEmpty()) {
					this.graph.reorder();
				}
				return null;
			}
			CommitRequest request = new CommitRequest(all, checked, this.origin, actor, causedBy, expiry, depth);
			CommitResult result;
			try {
				result = send(request, tx);
			}
			catch (PreconditionFailedException ex) {
				if (checked == preconditions || attempt >= CommitTemplate.MAX_ATTEMPTS || !names(checked, ex)
						|| names(preconditions, ex)) {
					throw ex;
				}
				// a source a derivation read changed: compute again from the new state
				continue;
			}
			this.committed = all;
			if (!retracked.isEmpty()) {
				this.graph.reorder();
			}
			return result;
		}
	}

	/**
	 * Has the backend commit the request: on a {@link SnapshotStore}, the tree the view built and
	 * the changes it recorded (null when it could not record them: the store diffs the roots).
	 */
	private CommitResult send(CommitRequest request, @Nullable TxView tx) {
		if (tx != null) {
			Map<String, Object> base = tx.base();
			Map<String, Object> applied = tx.applied();
			SnapshotStore snapshots = (base != null && applied != null) ? this.backend.snapshotStore() : null;
			if (snapshots != null) {
				return snapshots.commit(request, base, applied, tx.changes());
			}
		}
		return this.backend.commit(request);
	}

	/**
	 * Whether a failed precondition is one of these (the caller's own are left to its retry; only
	 * a derivation's read is retried by the commit).
	 */
	private static boolean names(List<Precondition> preconditions, PreconditionFailedException ex) {
		StatePath path = ex.getPath();
		for (Precondition precondition : preconditions) {
			if (precondition.path().equals(path)) {
				return true;
			}
		}
		return false;
	}

}
