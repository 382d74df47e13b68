package io.statetree.core.backend;

import java.util.List;

/**
 * The outcome of a commit.
 *
 * @param revision the revision the commit received
 * @param changes one entry per distinct written path, in order of first write, with the value
 * before and after the whole commit (entries whose values are equal are kept; the controller
 * filters them)
 */
public record CommitResult(long revision, List<Change> changes) {
}
