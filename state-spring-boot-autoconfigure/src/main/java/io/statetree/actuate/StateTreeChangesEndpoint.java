package io.statetree.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code statetreechanges} endpoint: the most recent commits kept by the
 * {@link StateTreeHistory}, newest first, each with its revision, time, origin and changed paths
 * with their old and new values. Changes at paths the caller may not read are left out (a commit
 * left with none is left out whole), and old and new values are shown as the {@code statetree}
 * endpoint shows them ({@link StateTreeAccess}): fields the caller may not read left out, also
 * inside arrays, and sensitive keys masked.
 * <p>
 * {@link #changes()} serves every technology other than the web (JMX, when the application
 * exposes the endpoint there), for a caller trusted with the read role but holding no authority,
 * as {@link StateTreeEndpoint} describes. Over HTTP, {@link StateTreeChangesEndpointWebExtension}
 * answers instead: {@code GET /actuator/statetreechanges} needs the same read role as the
 * {@code statetree} endpoint and the caller's own path rules apply. The endpoint's default access
 * is read-only. An application that registers the endpoint itself registers the web extension
 * with it.
 * <p>
 * Thread-safe.
 */
@Endpoint(id = "statetreechanges", defaultAccess = Access.READ_ONLY)
public class StateTreeChangesEndpoint {

	private final StateTreeHistory history;

	private final StateTreeAccess access;

	/**
	 * Creates the endpoint.
	 * @param history the history
	 * @param access the access policy
	 */
	public StateTreeChangesEndpoint(StateTreeHistory history, StateTreeAccess access) {
		this.history = history;
		this.access = access;
	}

	/**
	 * Lists the recent commits.
	 * @return the commits, without the changes a path rule guards
	 */
	@ReadOperation
	public ChangesDescriptor changes() {
		return changes(this.access.operator());
	}

	StateTreeAccess access() {
		return this.access;
	}

	/**
	 * Lists the recent commits as a caller is shown them; the caller may read.
	 */
	ChangesDescriptor changes(CallerAccess caller) {
		List<CommitDescriptor> commits = new ArrayList<>();
		for (StateTreeHistory.Entry entry : this.history.entries()) {
			List<ChangeDescriptor> changes = new ArrayList<>();
			for (StateTreeHistory.ChangedPath change : entry.changes()) {
				StatePath path = change.path();
				if (caller.mayRead(path)) {
					changes.add(new ChangeDescriptor(path.toString(), caller.present(path, change.oldValue()),
							caller.present(path, change.newValue())));
				}
			}
			if (!changes.isEmpty()) {
				commits.add(new CommitDescriptor(entry.revision(), entry.time(), entry.origin(), changes));
			}
		}
		return new ChangesDescriptor(this.history.size(), commits);
	}

	/**
	 * What the endpoint answers.
	 * @param size how many commits the history keeps at most
	 * @param commits the commits the caller may see, newest first
	 */
	public record ChangesDescriptor(int size, List<CommitDescriptor> commits) {
	}

	/**
	 * One commit.
	 * @param revision its revision
	 * @param time when this instance observed it
	 * @param origin the id of the instance that made it
	 * @param changes the changed paths the caller may read
	 */
	public record CommitDescriptor(long revision, Instant time, String origin, List<ChangeDescriptor> changes) {
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
