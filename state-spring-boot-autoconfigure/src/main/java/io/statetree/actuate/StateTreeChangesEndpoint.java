package io.statetree.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code statetreechanges} endpoint: a page of the controller's commit history
 * ({@link StateController#history}, DESIGN §11), newest first, each commit with its revision,
 * time, origin, actor, the revision that caused it and changed paths with their old and new values. The history is the
 * controller's: kept in memory ({@code statetree.history.size} commits), in the filesystem
 * backend's directory (it survives a restart), or read from the Redis change stream.
 * <p>
 * Without parameters the page holds the commits among the last {@value #DEFAULT_LIMIT} revisions;
 * {@code after} (a revision, 0 or more) asks for the commits right after it instead, and
 * {@code limit} (1 to {@value #MAX_LIMIT}) for another page size. The answer's {@code next} is the
 * {@code after} of the following page. Changes at paths the caller may not read are left out (a
 * commit left with none is left out whole), and old and new values are shown as the
 * {@code statetree} endpoint shows them ({@link StateTreeAccess}): fields the caller may not read
 * left out, also inside arrays, and sensitive keys masked.
 * <p>
 * {@link #changes(Long, Integer)} serves every technology other than the web (JMX, when the
 * application exposes the endpoint there), for a caller trusted with the read role but holding no
 * authority, as {@link StateTreeEndpoint} describes. Over HTTP,
 * {@link StateTreeChangesEndpointWebExtension} answers instead:
 * {@code GET /actuator/statetreechanges?after=&limit=} needs the same read role as the
 * {@code statetree} endpoint and the caller's own path rules apply. The endpoint's default access
 * is read-only. An application that registers the endpoint itself registers the web extension
 * with it.
 * <p>
 * Thread-safe.
 */
@Endpoint(id = "statetreechanges", defaultAccess = Access.READ_ONLY)
public class StateTreeChangesEndpoint {

	/** How many revisions a page spans when the caller names no {@code limit}. */
	public static final int DEFAULT_LIMIT = 100;

	/** The largest {@code limit}. */
	public static final int MAX_LIMIT = 10_000;

	private final StateController controller;

	private final StateTreeAccess access;

	/**
	 * Creates the endpoint.
	 * @param controller the controller whose history it shows
	 * @param access the access policy
	 */
	public StateTreeChangesEndpoint(StateController controller, StateTreeAccess access) {
		this.controller = controller;
		this.access = access;
	}

	/**
	 * Lists a page of commits.
	 * @param after the revision the page starts after; {@code null} for the latest page
	 * @param limit the most commits to list, 1 to {@value #MAX_LIMIT}; {@code null} for
	 * {@value #DEFAULT_LIMIT}
	 * @return the commits, without the changes a path rule guards
	 * @throws InvalidEndpointRequestException if {@code after} is negative or {@code limit} out of
	 * range
	 */
	@ReadOperation
	public ChangesDescriptor changes(@Nullable Long after, @Nullable Integer limit) {
		String problem = problem(after, limit);
		if (problem != null) {
			throw new InvalidEndpointRequestException(problem, problem);
		}
		return changes(this.access.operator(), after, (limit != null) ? limit : DEFAULT_LIMIT);
	}

	StateTreeAccess access() {
		return this.access;
	}

	/**
	 * Tells what is wrong with a page's parameters.
	 * @return the message naming the parameter and the reason, or {@code null} when they are fine
	 */
	static @Nullable String problem(@Nullable Long after, @Nullable Integer limit) {
		if (after != null && after < 0) {
			return "Parameter 'after' must be a revision, 0 or more";
		}
		if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
			return "Parameter 'limit' must be between 1 and " + MAX_LIMIT;
		}
		return null;
	}

	/**
	 * The newest revision: the backend's, which on Redis counts other instances' commits that
	 * this instance's feed may not have brought yet (the history, the change stream, has them).
	 */
	private long latestRevision() {
		long heard = this.controller.revision();
		try {
			return Math.max(heard, this.controller.backend().revision());
		}
		catch (RuntimeException ex) {
			return heard;
		}
	}

	/**
	 * Lists a page of commits as a caller is shown it; the caller may read and the parameters are
	 * valid.
	 */
	ChangesDescriptor changes(CallerAccess caller, @Nullable Long after, int limit) {
		long revision = latestRevision();
		long from = (after != null) ? after : Math.max(0, revision - limit);
		List<Commit> page = this.controller.history(from, limit);
		long next = page.isEmpty() ? Math.min(from, revision) : page.get(page.size() - 1).revision();
		List<CommitDescriptor> commits = new ArrayList<>(page.size());
		for (int i = page.size() - 1; i >= 0; i--) {
			Commit commit = page.get(i);
			List<ChangeDescriptor> changes = new ArrayList<>(commit.changes().size());
			for (ChangedPath change : commit.changes()) {
				StatePath path = change.path();
				if (caller.mayRead(path)) {
					changes.add(new ChangeDescriptor(path.toString(), caller.present(path, change.oldValue()),
							caller.present(path, change.newValue())));
				}
			}
			if (!changes.isEmpty()) {
				commits.add(new CommitDescriptor(commit.revision(), commit.time(), commit.origin(), commit.actor(),
						commit.causedBy(), changes));
			}
		}
		return new ChangesDescriptor(Math.max(revision, next), from, next, commits);
	}

	/**
	 * What the endpoint answers.
	 * @param revision the store's current revision when the page was read (the newest commit
	 * anywhere in the store, which on Redis includes other instances' commits; never the
	 * requested {@code after}, even when that is ahead of it)
	 * @param after the revision the page starts after, as requested (or, for the latest page,
	 * {@code revision} minus the page size, at least 0)
	 * @param next the {@code after} of the following page: the newest revision the page covers
	 * (commits the caller may not see included); when it covers none, {@code after}, or
	 * {@code revision} if {@code after} is ahead of it
	 * @param commits the commits the caller may see, newest first
	 */
	public record ChangesDescriptor(long revision, long after, long next, List<CommitDescriptor> commits) {
	}

	/**
	 * One commit.
	 * @param revision its revision
	 * @param time when the backend committed it
	 * @param origin the id of the instance that made it
	 * @param actor who made it (in an application with Spring Security, by default the
	 * authenticated principal's name), {@code null} when unknown
	 * @param causedBy the revision of the commit whose listener or effect made this one, {@code 0}
	 * when a caller outside any listener made it (or the history does not know)
	 * @param changes the changed paths the caller may read
	 */
	public record CommitDescriptor(long revision, Instant time, String origin, @Nullable String actor, long causedBy,
			List<ChangeDescriptor> changes) {
	}

	/**
	 * One changed path.
	 * @param path the path
	 * @param oldValue the value before, as the caller is shown it ({@code null} when absent)
	 * @param newValue the value after, as the caller is shown it ({@code null} when deleted)
	 */
	public record ChangeDescriptor(String path, @Nullable Object oldValue, @Nullable Object newValue) {
	}

}
