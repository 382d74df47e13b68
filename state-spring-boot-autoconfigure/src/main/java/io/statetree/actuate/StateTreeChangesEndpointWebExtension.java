package io.statetree.actuate;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.core.StatePath;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP side of the {@link StateTreeChangesEndpoint statetreechanges} endpoint:
 * {@code GET /actuator/statetreechanges} needs the read role of the {@code statetree} endpoint
 * (401 without a principal, 403 without the role), and the caller's path rules decide which
 * changes it is shown.
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
	 * Lists the recent commits.
	 * @param securityContext the caller
	 * @return a {@link StateTreeChangesEndpoint.ChangesDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> changes(SecurityContext securityContext) {
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", StatePath.ROOT);
		}
		return new WebEndpointResponse<>(this.delegate.changes(caller));
	}

}
