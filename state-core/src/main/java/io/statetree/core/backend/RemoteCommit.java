package io.statetree.core.backend;

import java.util.List;

/**
 * A commit made by another instance, delivered by a shared backend's change feed.
 *
 * @param revision its revision (per namespace)
 * @param origin the id of the instance that made it
 * @param changes the changed paths with values before and after the commit
 */
public record RemoteCommit(long revision, String origin, List<Change> changes) {
}
