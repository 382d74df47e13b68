package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * For a backend that expires entries itself (Redis, whose scripts delete them): the instance an
 * expiry commit names as its origin runs the derivations reading at or around the deleted paths,
 * in one follow-up commit whose {@code causedBy} is the expiry's revision (not itself an expiry
 * commit; none when nothing derived changes), so they run once across all instances.
 */
final class ExpiryFollowUp {

	private static final CommitTemplate.Work<List<StatePath>, Long, @Nullable Void> WORK = (commits, expired,
			revision, unused) -> commits.commitAs(null, revision, false, expired, List.of());

	private ExpiryFollowUp() {
	}

	/**
	 * Runs the follow-up, on the feed's thread after the expiry commit was heard. May throw what
	 * the backend throws.
	 * @param commits the controller's commit template
	 * @param expired the paths the expiry commit deleted
	 * @param revision the expiry commit's revision
	 */
	static void derive(CommitTemplate commits, List<StatePath> expired, long revision) {
		if (commits.hasDerivations()) {
			commits.hear(WORK, expired, revision, null);
		}
	}

}
