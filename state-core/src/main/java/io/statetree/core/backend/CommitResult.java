package io.statetree.core.backend;

import java.util.List;

/**
 * The outcome of a commit.
 *
 * @param revision the revision the commit received; a shared backend reports {@code 0} for a
 * commit that wrote nothing and so took no revision (its current revision may be another
 * instance's commit, which the controller must not take for this one)
 * @param changes one entry per distinct written path, in order of first write, with the value
 * before and after the whole commit (entries whose values are equal are kept; the controller
 * filters them)
 */
public record CommitResult(long revision, List<Change> changes) {
}
