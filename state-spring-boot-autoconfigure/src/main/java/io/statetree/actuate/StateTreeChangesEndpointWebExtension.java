package io.statetree.actuate;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP side of the {@link StateTreeChangesEndpoint statetreechanges} endpoint:
 * {@code GET /actuator/statetreechanges?after=&limit=} needs the read role of the
 * {@code statetree} endpoint (401 without a principal, 403 without the role), the caller's path
 * rules decide which changes it is shown, and a bad {@code after} or {@code limit} is a 400
 * naming the parameter.
 * <p>
 * Thread-safe.
 */
@EndpointWebExtension(endpoint = StateTreeChangesEndpoint.class)
public class StateTreeChangesEndpointWebExtension {

	private final StateTreeChangesEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint it extends
	 */
	public StateTreeChangesEndpointWebExtension(StateTreeChangesEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Lists a page of commits.
	 * @param securityContext the caller
	 * @param after the revision the page starts after (a whole number, 0 or more); {@code null}
	 * for the latest page
	 * @param limit the most commits to list (1 to {@value StateTreeChangesEndpoint#MAX_LIMIT});
	 * {@code null} for {@value StateTreeChangesEndpoint#DEFAULT_LIMIT}
	 * @return a {@link StateTreeChangesEndpoint.ChangesDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> changes(SecurityContext securityContext, @Nullable String after,
			@Nullable String limit) {
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", StatePath.ROOT);
		}
		String repeated = (after != null && after.indexOf(',') >= 0) ? "after"
				: (limit != null && limit.indexOf(',') >= 0) ? "limit" : null;
		if (repeated != null) {
			return badRequest("Parameter '" + repeated + "' must be given once");
		}
		Long afterRevision;
		Integer pageSize;
		try {
			afterRevision = (after != null && !after.isBlank()) ? Long.valueOf(after.strip()) : null;
		}
		catch (NumberFormatException ex) {
			return badRequest("Parameter 'after' must be a revision, a whole number 0 or more");
		}
		try {
			pageSize = (limit != null && !limit.isBlank()) ? Integer.valueOf(limit.strip()) : null;
		}
		catch (NumberFormatException ex) {
			return badRequest("Parameter 'limit' must be a whole number between 1 and "
					+ StateTreeChangesEndpoint.MAX_LIMIT);
		}
		String problem = StateTreeChangesEndpoint.problem(afterRevision, pageSize);
		if (problem != null) {
			return badRequest(problem);
		}
		return new WebEndpointResponse<>(this.delegate.changes(caller, afterRevision,
				(pageSize != null) ? pageSize : StateTreeChangesEndpoint.DEFAULT_LIMIT));
	}

	private static WebEndpointResponse<Object> badRequest(String message) {
		return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_BAD_REQUEST, message, null);
	}

}
