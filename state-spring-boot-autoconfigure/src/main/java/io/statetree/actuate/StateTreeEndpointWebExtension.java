package io.statetree.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.actuate.StateTreeEndpoint.Refused;
import io.statetree.actuate.StateTreeEndpoint.ValueDescriptor;
import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * The HTTP side of the {@link StateTreeEndpoint statetree} endpoint: the caller's roles and path
 * rules checked on every operation, answers with HTTP statuses, and writing.
 * <ul>
 * <li>{@code GET /actuator/statetree}: the endpoint's {@link StateTreeEndpoint.TreeDescriptor
 * overview}, with the names of the root's children the caller may read.</li>
 * <li>{@code GET /actuator/statetree/users/1}: <code>{"path": "/users/1", "value": ...}</code>, 404
 * when absent.</li>
 * <li>{@code POST /actuator/statetree/users/1} with the JSON body <code>{"value": "&lt;json&gt;"}</code>:
 * writes the value given as JSON text inside the string, because Spring Boot's web endpoints read
 * a body of string fields only; for example <code>{"value": "{\"name\": \"Ann\"}"}</code> writes an
 * object (which becomes a branch), <code>{"value": "\"Ann\""}</code> a string and
 * <code>{"value": "42"}</code> a number. <code>DELETE</code> deletes the subtree. The root itself
 * cannot be written or deleted over HTTP. Both need the endpoint's access to be
 * {@code unrestricted}.</li>
 * <li>{@code GET /actuator/statetree/users?snapshot}: the subtree's snapshot (DESIGN §11),
 * <code>{"path": "/users", "revision": 12, "value": ...}</code>, masked like a read.
 * {@code POST /actuator/statetree/users?snapshot} with <code>{"value": "&lt;snapshot as JSON text&gt;"}</code>
 * restores one (unrestricted access and the write role, as a write): one commit replacing the
 * subtree, checked against the path rules like a write. The snapshot's path must be the request's;
 * a snapshot holding the mask is refused (400), so a download with masked values can never write
 * the mask over a secret. The root can be neither downloaded nor restored (400, with or without
 * the trailing slash).</li>
 * <li>{@code GET /actuator/statetree/users?depth=1}: <code>{"path": "/users", "children": [...]}</code>,
 * the names of the children the caller may read, without reading their values.</li>
 * </ul>
 * Every operation is checked against the {@link StateTreeAccess} policy (roles, path rules): 401
 * without a principal, 403 when refused, 400 for a bad path or value, 409 for a write below a
 * leaf. Values are masked as the policy says. Error messages never quote a value.
 * <p>
 * Thread-safe.
 */
@EndpointWebExtension(endpoint = StateTreeEndpoint.class)
public class StateTreeEndpointWebExtension {

	private static final int STATUS_UNAUTHORIZED = 401;

	private static final int STATUS_FORBIDDEN = 403;

	private static final int STATUS_CONFLICT = 409;

	private final StateTreeEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint it extends
	 */
	public StateTreeEndpointWebExtension(StateTreeEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Describes the tree's machinery.
	 * @param securityContext the caller
	 * @return a {@link StateTreeEndpoint.TreeDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> describe(SecurityContext securityContext) {
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return refused(verdict, "read", StatePath.ROOT);
		}
		return new WebEndpointResponse<>(this.delegate.overview(caller));
	}

	/**
	 * Reads the value at a path; with {@code ?snapshot}, a snapshot of the subtree there; with
	 * {@code ?depth=1}, the names of its children only.
	 * @param securityContext the caller
	 * @param path the path's segments
	 * @param snapshot present ({@code ?snapshot}) to answer a {@link StateTreeEndpoint.SnapshotDescriptor}
	 * @param depth {@code 1} to answer a {@link StateTreeEndpoint.ChildrenDescriptor}; no other
	 * depth is offered
	 * @return a {@link ValueDescriptor}, a snapshot or the children's names, 404 when absent (a
	 * snapshot of an absent path is answered, its value {@code null}), or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> read(SecurityContext securityContext,
			@Selector(match = Match.ALL_REMAINING) String[] path, @Nullable String snapshot, @Nullable String depth) {
		StatePath statePath;
		try {
			statePath = StatePath.ofSegments(List.of(path));
		}
		catch (InvalidPathException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		boolean names = depth != null;
		if (names && !"1".equals(depth.strip())) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Parameter 'depth' must be 1 (the names of the children); leave it out for the whole value", null);
		}
		boolean wholeSnapshot = isSet(snapshot);
		if (names && wholeSnapshot) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Parameters 'depth' and 'snapshot' cannot be combined: a snapshot holds the whole subtree", null);
		}
		if (wholeSnapshot && statePath.isRoot()) {
			// GET /actuator/statetree/?snapshot: the root can no more be downloaded than restored.
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"The root cannot be downloaded as a snapshot through the endpoint; name a path below it", null);
		}
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict verdict = caller.toRead(statePath);
		if (verdict != Verdict.ALLOWED) {
			return refused(verdict, "read", statePath);
		}
		if (wholeSnapshot) {
			return new WebEndpointResponse<>(this.delegate.snapshot(caller, statePath));
		}
		Object answer = names ? this.delegate.children(caller, statePath) : this.delegate.value(caller, statePath);
		if (answer == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "No value at " + statePath, statePath);
		}
		return new WebEndpointResponse<>(answer);
	}

	/** Whether a flag parameter such as {@code ?snapshot} is given (and not {@code false}). */
	private static boolean isSet(@Nullable String flag) {
		return flag != null && !"false".equalsIgnoreCase(flag.strip());
	}

	/**
	 * Writes a value at a path, or with {@code ?snapshot} restores a snapshot there. Available
	 * only when the endpoint's access is unrestricted.
	 * @param securityContext the caller
	 * @param path the path's segments
	 * @param value the value as JSON text; with {@code ?snapshot}, the snapshot document as JSON
	 * text (<code>{"path": ..., "revision": ..., "value": ...}</code>, as {@code GET ...?snapshot}
	 * answers it), whose path must be this path
	 * @param snapshot present ({@code ?snapshot}) to restore a snapshot
	 * @return a {@link StateTreeEndpoint.WriteDescriptor}, or an error (400 when the value or the
	 * snapshot is not valid JSON, or the snapshot names another path or holds masked values)
	 */
	@WriteOperation
	public WebEndpointResponse<Object> write(SecurityContext securityContext,
			@Selector(match = Match.ALL_REMAINING) String[] path, @Nullable String value, @Nullable String snapshot) {
		StatePath at;
		try {
			at = StatePath.ofSegments(List.of(path));
		}
		catch (InvalidPathException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		if (value == null) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, isSet(snapshot)
					? "The body needs the field 'value': the snapshot document as JSON text"
					: "The body needs the field 'value': the value as JSON text", null);
		}
		if (isSet(snapshot)) {
			try {
				return change(securityContext, path, "restore", this.delegate.readSnapshot(at, value).value());
			}
			catch (SnapshotDocument.Invalid ex) {
				return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), at);
			}
		}
		Object model;
		try {
			model = this.delegate.decode(at, value);
		}
		catch (StreamConstraintsException ex) {
			// Names the limit (a number's length, the nesting), never the value.
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"The value breaks a JSON read limit: " + ex.getOriginalMessage(), null);
		}
		catch (JacksonException ex) {
			// The parser's message may quote the value: leave it out.
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"The value is not a JSON document (a string must be quoted)", null);
		}
		catch (InvalidPathException | StateValueException ex) {
			// A bad key, nesting beyond the path limit, a number JSON cannot hold exactly: the
			// message names the key or path and the reason, never the value.
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		return change(securityContext, path, "write", model);
	}

	/**
	 * Deletes the value at a path and everything below it. Available only when the endpoint's
	 * access is unrestricted.
	 * @param securityContext the caller
	 * @param path the path's segments
	 * @return a {@link StateTreeEndpoint.WriteDescriptor}, or an error
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> delete(SecurityContext securityContext,
			@Selector(match = Match.ALL_REMAINING) String[] path) {
		return change(securityContext, path, "delete", null);
	}

	private WebEndpointResponse<Object> change(SecurityContext securityContext, String[] path, String operation,
			@Nullable Object replacement) {
		StatePath statePath;
		try {
			statePath = StatePath.ofSegments(List.of(path));
		}
		catch (InvalidPathException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		if (statePath.isRoot()) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "The root cannot be changed through the endpoint",
					statePath);
		}
		CallerAccess caller = this.delegate.access().of(securityContext);
		Verdict allowed = caller.toWrite(statePath, null, replacement);
		if (allowed != Verdict.ALLOWED) {
			return refused(allowed, operation, statePath);
		}
		try {
			return new WebEndpointResponse<>(this.delegate.change(caller, statePath, replacement));
		}
		catch (Refused ex) {
			return refused(ex.verdict(), operation, statePath);
		}
		catch (StateWriteException ex) {
			return error(STATUS_CONFLICT, ex.getMessage(), statePath);
		}
		catch (StateValueException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), statePath);
		}
	}

	static WebEndpointResponse<Object> refused(Verdict verdict, String operation, StatePath path) {
		if (verdict == Verdict.UNAUTHENTICATED) {
			return error(STATUS_UNAUTHORIZED, "Authentication is required", path);
		}
		return error(STATUS_FORBIDDEN, "Not allowed to " + operation + " " + path, path);
	}

	static WebEndpointResponse<Object> error(int status, @Nullable String message, @Nullable StatePath path) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", status);
		body.put("error", switch (status) {
			case WebEndpointResponse.STATUS_BAD_REQUEST -> "Bad Request";
			case STATUS_UNAUTHORIZED -> "Unauthorized";
			case STATUS_FORBIDDEN -> "Forbidden";
			case WebEndpointResponse.STATUS_NOT_FOUND -> "Not Found";
			case STATUS_CONFLICT -> "Conflict";
			case 413 -> "Content Too Large";
			case 503 -> "Service Unavailable";
			default -> "Error";
		});
		body.put("message", (message != null) ? message : "");
		if (path != null) {
			body.put("path", path.toString());
		}
		return new WebEndpointResponse<>(body, status);
	}

}
