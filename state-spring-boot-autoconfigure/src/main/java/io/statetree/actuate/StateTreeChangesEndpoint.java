package io.statetree.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The {@code statetreechanges} endpoint: {@code GET /actuator/statetreechanges} lists the most
 * recent commits kept by the {@link StateTreeHistory}, newest first, each with its revision, time,
 * origin and changed paths with their old and new values. It needs the same read role as the
 * {@code statetree} endpoint; changes at paths the caller may not read are left out (a commit left
 * with none is left out whole), and old and new values are shown as the value endpoint shows them
 * ({@link StateTreeAccess}): fields the caller may not read left out, also inside arrays, and
 * sensitive keys masked.
 */
@WebEndpoint(id = "statetreechanges", defaultAccess = Access.READ_ONLY)
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
	 * @param securityContext the caller
	 * @return a {@link ChangesDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> changes(SecurityContext securityContext) {
		CallerAccess caller = this.access.of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", StatePath.ROOT);
		}
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
		return new WebEndpointResponse<>(new ChangesDescriptor(this.history.size(), commits));
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
