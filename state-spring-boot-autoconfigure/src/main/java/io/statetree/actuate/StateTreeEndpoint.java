package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.core.InvalidPathException;
import io.statetree.core.StateController;
import io.statetree.core.StateController.DerivationInfo;
import io.statetree.core.StateController.ListenerInfo;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.StateValues;
import io.statetree.core.internal.JsonText;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code statetree} endpoint: inspect the tree and, when its access is
 * {@code unrestricted}, change it.
 * <ul>
 * <li>{@code GET /actuator/statetree}: the backends and their mount points, revision, instance
 * id, listeners, derivations, the Redis change feeds' lag, and the names of the root's children
 * the caller may read (to start browsing from).</li>
 * <li>{@code GET /actuator/statetree/users/1}: <code>{"path": "/users/1", "value": ...}</code>, 404
 * when absent.</li>
 * <li>{@code POST /actuator/statetree/users/1} with the JSON body <code>{"value": "<json>"}</code>:
 * writes the value given as JSON text inside the string, because Spring Boot's web endpoints read
 * a body of string fields only; for example <code>{"value": "{\"name\": \"Ann\"}"}</code> writes an
 * object (which becomes a branch), <code>{"value": "\"Ann\""}</code> a string and
 * <code>{"value": "42"}</code> a number. <code>DELETE</code> deletes the subtree. The root itself
 * cannot be written or deleted over HTTP.</li>
 * </ul>
 * Every operation is checked against the {@link StateTreeAccess} policy (roles, path rules): 401
 * without a principal, 403 when refused. Values are masked as the policy says. The endpoint is
 * web-only because its answers are HTTP statuses; its default access is read-only.
 */
@WebEndpoint(id = "statetree", defaultAccess = Access.READ_ONLY)
public class StateTreeEndpoint {

	private static final int STATUS_UNAUTHORIZED = 401;

	private static final int STATUS_FORBIDDEN = 403;

	private static final int STATUS_CONFLICT = 409;

	private final StateController controller;

	private final StateTreeAccess access;

	private final JsonMapper jsonMapper;

	/**
	 * Creates the endpoint.
	 * @param controller the controller
	 * @param access the access policy
	 * @param jsonMapper parses written values
	 */
	public StateTreeEndpoint(StateController controller, StateTreeAccess access, JsonMapper jsonMapper) {
		this.controller = controller;
		this.access = access;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Describes the tree's machinery.
	 * @param securityContext the caller
	 * @return a {@link TreeDescriptor}, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> describe(SecurityContext securityContext) {
		CallerAccess caller = this.access.of(securityContext);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return refused(verdict, "read", StatePath.ROOT);
		}
		List<BackendDescriptor> backends = new ArrayList<>();
		Map<String, Long> feedLag = new LinkedHashMap<>();
		for (Backends.Mounted mounted : Backends.mounted(this.controller.backend())) {
			@SuppressWarnings("unchecked")
			Map<String, Object> description = (Map<String, Object>) this.access.sanitizer()
				.sanitize(mounted.backend().describe());
			backends.add(new BackendDescriptor(mounted.mountPoint().toString(), description));
			Long lag = Backends.feedLagMillis(mounted.store());
			if (lag != null) {
				feedLag.put(mounted.mountPoint().toString(), lag);
			}
		}
		StateController.Registrations registrations = this.controller.registrations();
		List<String> children = new ArrayList<>();
		// names only: the overview must not read (or fail on) every value of the tree
		for (String name : this.controller.childNames(StatePath.ROOT)) {
			if (caller.mayRead(StatePath.ROOT.child(name))) {
				children.add(name);
			}
		}
		return new WebEndpointResponse<>(new TreeDescriptor(this.controller.instanceId(), this.controller.revision(),
				backends, registrations.listeners(), registrations.derivations(), feedLag, children));
	}

	/**
	 * Reads the value at a path.
	 * @param securityContext the caller
	 * @param path the path's segments
	 * @return a {@link ValueDescriptor}, 404 when absent, or an error
	 */
	@ReadOperation
	public WebEndpointResponse<Object> read(SecurityContext securityContext,
			@Selector(match = Match.ALL_REMAINING) String[] path) {
		StatePath statePath;
		try {
			statePath = StatePath.ofSegments(List.of(path));
		}
		catch (InvalidPathException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		CallerAccess caller = this.access.of(securityContext);
		Verdict verdict = caller.toRead(statePath);
		if (verdict != Verdict.ALLOWED) {
			return refused(verdict, "read", statePath);
		}
		Object value = this.controller.get(statePath);
		if (value == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "No value at " + statePath, statePath);
		}
		return new WebEndpointResponse<>(new ValueDescriptor(statePath.toString(), caller.present(statePath, value)));
	}

	/**
	 * Writes a value at a path. Available only when the endpoint's access is unrestricted.
	 * @param securityContext the caller
	 * @param path the path's segments
	 * @param value the value as JSON text ({@code null} deletes)
	 * @return a {@link WriteDescriptor}, or an error (400 when the value is not JSON)
	 */
	@WriteOperation
	public WebEndpointResponse<Object> write(SecurityContext securityContext,
			@Selector(match = Match.ALL_REMAINING) String[] path, String value) {
		StatePath at;
		try {
			at = StatePath.ofSegments(List.of(path));
		}
		catch (InvalidPathException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), null);
		}
		Object model;
		try {
			model = decode(at, value);
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
	 * Parses a written value into the model with the rules of a write at the path (keys are path
	 * segments, nesting within the path limit, numbers exact: see {@link JsonText}).
	 */
	private @Nullable Object decode(StatePath at, String value) {
		try (JsonParser parser = this.jsonMapper.createParser(value)) {
			return JsonText.readForWrite(parser, at);
		}
	}

	/**
	 * Deletes the value at a path and everything below it. Available only when the endpoint's
	 * access is unrestricted.
	 * @param securityContext the caller
	 * @param path the path's segments
	 * @return a {@link WriteDescriptor}, or an error
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
		CallerAccess caller = this.access.of(securityContext);
		Verdict allowed = caller.toWrite(statePath, null, replacement);
		if (allowed != Verdict.ALLOWED) {
			return refused(allowed, operation, statePath);
		}
		// The path rules below the path are checked against the value there inside the update,
		// which runs under the commit lock (compare-and-set on a shared backend): a write made
		// concurrently cannot slip a protected field in between the check and the change.
		boolean[] differed = new boolean[1];
		try {
			this.controller.update(statePath, Object.class, (current) -> {
				Verdict verdict = caller.toWrite(statePath, current, replacement);
				if (verdict != Verdict.ALLOWED) {
					throw new Refused(verdict);
				}
				differed[0] = !StateValues.equal(current, replacement);
				return replacement;
			});
			// A delete below an array element changes nothing: the value there is still there.
			boolean changed = differed[0] && StateValues.equal(this.controller.get(statePath), replacement);
			return new WebEndpointResponse<>(
					new WriteDescriptor(statePath.toString(), changed, this.controller.revision()));
		}
		catch (Refused ex) {
			return refused(ex.verdict, operation, statePath);
		}
		catch (StateWriteException ex) {
			return error(STATUS_CONFLICT, ex.getMessage(), statePath);
		}
		catch (StateValueException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage(), statePath);
		}
	}

	/** Aborts an update the path rules refuse. */
	private static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient Verdict verdict;

		Refused(Verdict verdict) {
			super(null, null, false, false);
			this.verdict = verdict;
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
			default -> "Error";
		});
		body.put("message", (message != null) ? message : "");
		if (path != null) {
			body.put("path", path.toString());
		}
		return new WebEndpointResponse<>(body, status);
	}

	/**
	 * What {@code GET /actuator/statetree} answers.
	 * @param instanceId this instance's id
	 * @param revision the last commit's revision
	 * @param backends the backends serving the tree, the root's first
	 * @param listeners every subscription: pattern, listener id, and what it is (such as a bean
	 * method)
	 * @param derivations every derivation: destination and sources
	 * @param feedLagMillis per mount point backed by Redis, how far its change feed is behind (-1
	 * when the feed does not run)
	 * @param children the names of the root's children the caller may read
	 */
	public record TreeDescriptor(String instanceId, long revision, List<BackendDescriptor> backends,
			List<ListenerInfo> listeners, List<DerivationInfo> derivations, Map<String, Long> feedLagMillis,
			List<String> children) {
	}

	/**
	 * A backend serving a subtree.
	 * @param mountPoint where it is mounted ({@code /} for the root backend)
	 * @param description its type and settings
	 */
	public record BackendDescriptor(String mountPoint, Map<String, Object> description) {
	}

	/**
	 * A value.
	 * @param path its path
	 * @param value the value as the caller is shown it
	 */
	public record ValueDescriptor(String path, @Nullable Object value) {
	}

	/**
	 * The outcome of a write or delete.
	 * @param path the path
	 * @param changed whether the state changed
	 * @param revision the revision after the operation
	 */
	public record WriteDescriptor(String path, boolean changed, long revision) {
	}

}
