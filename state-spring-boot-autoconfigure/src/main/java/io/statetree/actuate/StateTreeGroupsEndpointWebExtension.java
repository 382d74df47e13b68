package io.statetree.actuate;

import java.util.function.Predicate;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.actuate.StateTreeGroupsEndpoint.DeadLetterActionDescriptor;
import io.statetree.actuate.StateTreeGroupsEndpoint.DeadLettersDescriptor;
import io.statetree.actuate.StateTreeGroupsEndpoint.GroupsDescriptor;
import io.statetree.core.DeadLetter;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP side of the {@link StateTreeGroupsEndpoint statetreegroups} endpoint:
 * <ul>
 * <li>{@code GET /actuator/statetreegroups}: the groups; the read role of the {@code statetree}
 * endpoint.</li>
 * <li>{@code GET /actuator/statetreegroups/billing}: the group's dead letters at paths the caller
 * may read, oldest first; the read role.</li>
 * <li>{@code POST /actuator/statetreegroups/billing/{id}} (JSON, the body {@code {}}): redelivers
 * the dead letter,
 * which one member of the group then handles with a fresh round of attempts;
 * {@code DELETE /actuator/statetreegroups/billing/{id}}: discards it. Both need the endpoint's
 * access to be {@code unrestricted}, the write role, and the path rules' authorities to write the
 * dead letter's path. 404 when the group parks no such dead letter (already redelivered or
 * discarded).</li>
 * </ul>
 * 401 without a principal, 403 when refused, 400 for a name that is not a valid group name, 503
 * when the backend cannot be reached.
 * <p>
 * Thread-safe.
 */
@EndpointWebExtension(endpoint = StateTreeGroupsEndpoint.class)
public class StateTreeGroupsEndpointWebExtension {

	private static final int STATUS_SERVICE_UNAVAILABLE = 503;

	private final StateTreeGroupsEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint it extends
	 */
	public StateTreeGroupsEndpointWebExtension(StateTreeGroupsEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Lists the groups.
	 * @param securityContext the caller
	 * @return a {@link GroupsDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> groups(SecurityContext securityContext) {
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", StatePath.ROOT);
		}
		try {
			return new WebEndpointResponse<>(new GroupsDescriptor(GroupDescriptors.groups(this.delegate.controller())));
		}
		catch (StateStorageException ex) {
			return unavailable(ex);
		}
	}

	/**
	 * Lists a group's dead letters.
	 * @param securityContext the caller
	 * @param group the group's name
	 * @return a {@link DeadLettersDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> deadLetters(SecurityContext securityContext, @Selector String group) {
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", StatePath.ROOT);
		}
		try {
			return new WebEndpointResponse<>(new DeadLettersDescriptor(group,
					GroupDescriptors.deadLetters(this.delegate.controller(), group, caller)));
		}
		catch (IllegalArgumentException ex) {
			return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		catch (StateStorageException ex) {
			return unavailable(ex);
		}
	}

	/**
	 * Redelivers a dead letter. Available only when the endpoint's access is unrestricted.
	 * @param securityContext the caller
	 * @param group the group's name
	 * @param id the dead letter's id
	 * @return a {@link DeadLetterActionDescriptor}, or an error
	 */
	@WriteOperation
	public WebEndpointResponse<Object> redeliver(SecurityContext securityContext, @Selector String group,
			@Selector String id) {
		return act(securityContext, group, id, "redeliver", "redelivered", DeadLetter::redeliver);
	}

	/**
	 * Discards a dead letter. Available only when the endpoint's access is unrestricted.
	 * @param securityContext the caller
	 * @param group the group's name
	 * @param id the dead letter's id
	 * @return a {@link DeadLetterActionDescriptor}, or an error
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> discard(SecurityContext securityContext, @Selector String group,
			@Selector String id) {
		return act(securityContext, group, id, "discard", "discarded", DeadLetter::discard);
	}

	private WebEndpointResponse<Object> act(SecurityContext securityContext, String group, String id, String operation,
			String outcome, Predicate<DeadLetter> action) {
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, operation, StatePath.ROOT);
		}
		try {
			DeadLetter letter = GroupDescriptors.find(this.delegate.controller(), group, id);
			// A dead letter at a path the caller may not read is not shown to it: answer as if absent.
			if (letter == null || !caller.mayRead(letter.path())) {
				return notFound(group, id);
			}
			Verdict allowed = caller.toWrite(letter.path(), null, null);
			if (allowed != Verdict.ALLOWED) {
				return StateTreeEndpointWebExtension.refused(allowed, operation + " a dead letter at", letter.path());
			}
			if (!action.test(letter)) {
				return notFound(group, id);
			}
			return new WebEndpointResponse<>(new DeadLetterActionDescriptor(group, id, outcome));
		}
		catch (IllegalArgumentException ex) {
			return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		catch (StateStorageException ex) {
			return unavailable(ex);
		}
	}

	private static WebEndpointResponse<Object> notFound(String group, String id) {
		return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_NOT_FOUND,
				"Group '" + group + "' parks no dead letter '" + id + "'", null);
	}

	private static WebEndpointResponse<Object> unavailable(StateStorageException ex) {
		return StateTreeEndpointWebExtension.error(STATUS_SERVICE_UNAVAILABLE, ex.getMessage(), null);
	}

}
