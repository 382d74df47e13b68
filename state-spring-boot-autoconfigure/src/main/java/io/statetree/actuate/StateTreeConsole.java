package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.actuate.StateTreeEndpoint.Refused;
import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.InvalidPathException;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations behind the StateTree console (DESIGN §17), with the roles, path rules and masking
 * of the {@code statetree} endpoints ({@link StateTreeAccess}): every operation answers what the
 * endpoints' web extensions answer for the same caller, most of them by delegating to those
 * extensions, so the console never shows more than the endpoints do. Nothing here depends on the
 * endpoints being exposed: the console creates its own instances of the plain endpoint classes.
 * <ul>
 * <li>{@link #session}: who the caller is and whether it may read and write.</li>
 * <li>{@link #overview}: the {@code statetree} endpoint's overview (backends, revision,
 * listeners with their bean methods, derivations with their sources, groups) and the backends'
 * health.</li>
 * <li>{@link #children}: one page of a branch's child names ({@link StateController#childNames},
 * no values read), each marked whether it has children of its own.</li>
 * <li>{@link #value}, {@link #write}, {@link #delete}: as {@code GET}, {@code POST} and
 * {@code DELETE /actuator/statetree/{path}}.</li>
 * <li>{@link #changes}: as {@code GET /actuator/statetreechanges}; {@link #restore} writes a
 * commit's old values back in one batch.</li>
 * <li>{@link #events}: how the caller is shown events of the live stream.</li>
 * </ul>
 * Answers carry HTTP statuses: 401 without a principal, 403 when refused, 400 for a bad path,
 * parameter or value (the message names the input and the reason, never a value), 404 when
 * absent, 409 for a write below a leaf.
 * <p>
 * Thread-safe.
 */
public final class StateTreeConsole {

	/** The largest page of child names. */
	public static final int MAX_PAGE = 1_000;

	private final StateController controller;

	private final StateTreeAccess access;

	private final StateTreeEndpoint endpoint;

	private final StateTreeEndpointWebExtension values;

	private final StateTreeChangesEndpointWebExtension changes;

	private final StateTreeGroupsEndpointWebExtension groups;

	private final ConsoleValueBounds bounds;

	/**
	 * Creates the console's operations.
	 * @param controller the controller
	 * @param access the access policy of the endpoints
	 * @param jsonMapper parses written values
	 */
	public StateTreeConsole(StateController controller, StateTreeAccess access, JsonMapper jsonMapper) {
		this.controller = controller;
		this.access = access;
		this.endpoint = new StateTreeEndpoint(controller, access, jsonMapper);
		this.values = new StateTreeEndpointWebExtension(this.endpoint);
		this.changes = new StateTreeChangesEndpointWebExtension(new StateTreeChangesEndpoint(controller, access));
		this.groups = new StateTreeGroupsEndpointWebExtension(new StateTreeGroupsEndpoint(controller, access));
		this.bounds = new ConsoleValueBounds(jsonMapper);
	}

	/**
	 * Tells who the caller is and what it may do.
	 * @param context the caller
	 * @return <code>{"user": name, "read": true, "write": bool}</code>, or 401 / 403
	 */
	public WebEndpointResponse<Object> session(SecurityContext context) {
		CallerAccess caller = this.access.of(context);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", StatePath.ROOT);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("user", (context.getPrincipal() != null) ? context.getPrincipal().getName() : "");
		body.put("read", true);
		body.put("write", caller.mayWrite());
		body.put("showsValues", caller.showsValues());
		return new WebEndpointResponse<>(body);
	}

	/**
	 * Describes the tree's machinery, as the {@code statetree} endpoint does, with the health of
	 * each backend: {@code UP} when its revision can be read, else {@code DOWN} with the error's
	 * type (never its message, which may quote a value).
	 * @param context the caller
	 * @return <code>{"tree": ..., "health": {"status": ..., "backends": {...}}}</code>, or an error
	 */
	public WebEndpointResponse<Object> overview(SecurityContext context) {
		WebEndpointResponse<Object> tree = this.values.describe(context);
		if (tree.getStatus() != WebEndpointResponse.STATUS_OK) {
			return tree;
		}
		Map<String, Object> health = new LinkedHashMap<>();
		Map<String, Object> backends = new LinkedHashMap<>();
		String status = "UP";
		for (Backends.Mounted mounted : Backends.mounted(this.controller.backend())) {
			String state;
			try {
				mounted.backend().revision();
				state = "UP";
			}
			catch (RuntimeException ex) {
				state = "DOWN (" + ex.getClass().getSimpleName() + ")";
				status = "DOWN";
			}
			backends.put(mounted.mountPoint().toString(), state);
		}
		health.put("status", status);
		health.put("backends", backends);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("tree", tree.getBody());
		body.put("health", health);
		return new WebEndpointResponse<>(body);
	}

	/**
	 * Lists one page of a branch's children that the caller may read, without reading values.
	 * @param context the caller
	 * @param path the branch's path
	 * @param offset the first child to list, 0 or more
	 * @param limit the most children to list, 1 to {@value #MAX_PAGE}
	 * @return <code>{"path": ..., "total": n, "offset": ..., "children": [{"name", "path", "branch"}]}</code>,
	 * 404 when absent, or an error
	 */
	public WebEndpointResponse<Object> children(SecurityContext context, @Nullable String path, int offset,
			int limit) {
		if (offset < 0) {
			return badRequest("Parameter 'offset' must be 0 or more", null);
		}
		if (limit < 1 || limit > MAX_PAGE) {
			return badRequest("Parameter 'limit' must be between 1 and " + MAX_PAGE, null);
		}
		StatePath at;
		try {
			at = parse(path);
		}
		catch (InvalidPathException ex) {
			return badRequest(ex.getMessage(), null);
		}
		CallerAccess caller = this.access.of(context);
		Verdict verdict = caller.toRead(at);
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "read", at);
		}
		StateTreeEndpoint.ChildrenDescriptor all = this.endpoint.children(caller, at);
		if (all == null) {
			return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_NOT_FOUND, "No value at " + at, at);
		}
		List<String> names = all.children();
		int from = Math.min(offset, names.size());
		int to = (int) Math.min((long) from + limit, names.size());
		List<Map<String, Object>> page = new ArrayList<>(to - from);
		for (String name : names.subList(from, to)) {
			StatePath child = at.child(name);
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", name);
			entry.put("path", child.toString());
			entry.put("branch", !this.controller.childNames(child).isEmpty());
			page.add(entry);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("path", at.toString());
		body.put("total", names.size());
		body.put("offset", from);
		body.put("children", page);
		return new WebEndpointResponse<>(body);
	}

	/**
	 * Reads the value at a path, as {@code GET /actuator/statetree/{path}} does.
	 * @param context the caller
	 * @param path the path
	 * @return <code>{"path": ..., "value": ...}</code> (a value whose JSON is longer than 8 KiB as
	 * <code>{"truncated": true, "bytes": n}</code>), 404 when absent, or an error
	 */
	public WebEndpointResponse<Object> value(SecurityContext context, @Nullable String path) {
		try {
			return this.bounds.shown(this.values.read(context, segments(parse(path)), null, null));
		}
		catch (InvalidPathException ex) {
			return badRequest(ex.getMessage(), null);
		}
	}

	/**
	 * Writes a value given as JSON text, as {@code POST /actuator/statetree/{path}} does.
	 * @param context the caller
	 * @param path the path (not the root)
	 * @param json the value as JSON text
	 * @return <code>{"path": ..., "changed": bool, "revision": n}</code>, or an error (400 naming
	 * the path when the value is not JSON, or holds the mask {@value StateTreeSanitizer#MASK} of a
	 * value not shown, as the editor, which starts from the value as shown, would otherwise write
	 * the mask over a secret; 413 when the JSON is longer than 1 MiB; nothing is written then)
	 */
	public WebEndpointResponse<Object> write(SecurityContext context, @Nullable String path, @Nullable String json) {
		StatePath at;
		try {
			at = parse(path);
		}
		catch (InvalidPathException ex) {
			return badRequest(ex.getMessage(), null);
		}
		if (json == null || json.isBlank()) {
			return badRequest("The request body must be the value for " + at + " as JSON text; it is empty", at);
		}
		long bytes = utf8Length(json);
		if (bytes > ConsoleValueBounds.WRITE_BYTES) {
			return StateTreeEndpointWebExtension.error(413, "The value for " + at + " is " + bytes
					+ " bytes of JSON; the console writes at most " + ConsoleValueBounds.WRITE_BYTES + " bytes (1 MiB)",
					at);
		}
		if (json.contains('"' + StateTreeSanitizer.MASK + '"')) {
			// The editor starts from the value as shown: writing it back would put the mask over a secret.
			return badRequest("The value for " + at + " holds the mask " + StateTreeSanitizer.MASK
					+ " of a value the console does not show; write the real value, or leave that field out", at);
		}
		WebEndpointResponse<Object> answer = withPath(this.values.write(context, segments(at), json, null), at);
		return (answer.getStatus() == 409) ? withoutMaskedType(context, answer, at) : answer;
	}

	/**
	 * Deletes the value at a path and everything below it.
	 * @param context the caller
	 * @param path the path (not the root)
	 * @return <code>{"path": ..., "changed": bool, "revision": n}</code>, or an error
	 */
	public WebEndpointResponse<Object> delete(SecurityContext context, @Nullable String path) {
		try {
			return this.values.delete(context, segments(parse(path)));
		}
		catch (InvalidPathException ex) {
			return badRequest(ex.getMessage(), null);
		}
	}

	/**
	 * Lists a page of the commit history, as {@code GET /actuator/statetreechanges} does.
	 * @param context the caller
	 * @param after the revision the page starts after, or {@code null} for the latest page
	 * @param limit the page size, or {@code null} for the default
	 * @return the page, or an error
	 */
	public WebEndpointResponse<Object> changes(SecurityContext context, @Nullable String after,
			@Nullable String limit) {
		return this.bounds.shown(this.changes.changes(context, after, limit));
	}

	/**
	 * Lists the durable group listeners, as {@code GET /actuator/statetreegroups} does.
	 * @param context the caller
	 * @return the groups, or an error
	 */
	public WebEndpointResponse<Object> groups(SecurityContext context) {
		return this.groups.groups(context);
	}

	/**
	 * Lists a group's dead letters, as {@code GET /actuator/statetreegroups/{group}} does.
	 * @param context the caller
	 * @param group the group's name
	 * @return the dead letters, or an error
	 */
	public WebEndpointResponse<Object> deadLetters(SecurityContext context, @Nullable String group) {
		if (group == null || group.isBlank()) {
			return badRequest("Parameter 'group' must name a group", null);
		}
		return this.groups.deadLetters(context, group);
	}

	/**
	 * Writes the old values of one commit back, in one batch: every path the commit changed gets
	 * the value it held before (a path it created is deleted). Each path is checked like a write
	 * (write role, path rules, against the value there now and the value restored); when any is
	 * refused, nothing is written.
	 * @param context the caller
	 * @param revision the commit's revision
	 * @return <code>{"revision": restored commit, "changed": bool, "newRevision": n, "paths": [...]}</code>,
	 * 404 when the history no longer holds the commit, or an error
	 */
	public WebEndpointResponse<Object> restore(SecurityContext context, long revision) {
		if (revision < 1) {
			return badRequest("Parameter 'revision' must be a revision, 1 or more", null);
		}
		CallerAccess caller = this.access.of(context);
		Verdict verdict = caller.toRead();
		if (verdict != Verdict.ALLOWED) {
			return StateTreeEndpointWebExtension.refused(verdict, "restore", StatePath.ROOT);
		}
		if (!caller.mayWrite()) {
			return StateTreeEndpointWebExtension.refused(Verdict.FORBIDDEN, "restore revision " + revision + " of",
					StatePath.ROOT);
		}
		List<Commit> found = this.controller.history(revision - 1, 1);
		if (found.isEmpty() || found.get(0).revision() != revision) {
			return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_NOT_FOUND,
					"The history no longer holds (or never held) revision " + revision, null);
		}
		List<ChangedPath> changed = found.get(0).changes();
		for (ChangedPath change : changed) {
			Verdict allowed = caller.toWrite(change.path(), null, change.oldValue());
			if (change.path().isRoot() || allowed != Verdict.ALLOWED) {
				return StateTreeEndpointWebExtension.refused(
						change.path().isRoot() ? Verdict.FORBIDDEN : allowed, "restore", change.path());
			}
		}
		boolean wrote;
		try {
			wrote = OperatorWrites.outsideTransactions(this.controller, () -> this.controller.batch(() -> {
				boolean any = false;
				for (ChangedPath change : changed) {
					Object current = this.controller.get(change.path());
					Verdict allowed = caller.toWrite(change.path(), current, change.oldValue());
					if (allowed != Verdict.ALLOWED) {
						throw new Refused(allowed);
					}
					any |= this.controller.set(change.path(), change.oldValue());
				}
				return any;
			}));
		}
		catch (Refused ex) {
			return StateTreeEndpointWebExtension.refused(ex.verdict(), "restore", StatePath.ROOT);
		}
		catch (StateWriteException ex) {
			return StateTreeEndpointWebExtension.error(409, ex.getMessage(), null);
		}
		catch (StateValueException ex) {
			return badRequest(ex.getMessage(), null);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("revision", revision);
		body.put("changed", wrote);
		body.put("newRevision", this.controller.revision());
		body.put("paths", changed.stream().map((change) -> change.path().toString()).toList());
		return new WebEndpointResponse<>(body);
	}

	/**
	 * Returns how a caller is shown the events of the live stream, or {@code null} when it may
	 * not read.
	 * @param context the caller
	 * @return the view, or {@code null}
	 */
	public @Nullable EventView events(SecurityContext context) {
		CallerAccess caller = this.access.of(context);
		return (caller.toRead() == Verdict.ALLOWED) ? new EventView(caller, this.bounds) : null;
	}

	/**
	 * Tells why a caller may not read (for the answer to a refused event stream).
	 * @param context the caller
	 * @return the error answer
	 */
	public WebEndpointResponse<Object> refusal(SecurityContext context) {
		CallerAccess caller = this.access.of(context);
		Verdict verdict = caller.toRead();
		return StateTreeEndpointWebExtension.refused((verdict == Verdict.ALLOWED) ? Verdict.FORBIDDEN : verdict,
				"read", StatePath.ROOT);
	}

	/**
	 * The controller whose events the stream follows.
	 * @return the controller
	 */
	public StateController controller() {
		return this.controller;
	}

	private static StatePath parse(@Nullable String path) {
		if (path == null) {
			return StatePath.ROOT;
		}
		if (!path.startsWith("/")) {
			// The console names every path absolutely, as it shows them: "shop/a" is a mistake, not /shop/a.
			throw new InvalidPathException(path, "a path of the console starts with '/'");
		}
		return StatePath.of(path);
	}

	/**
	 * A conflict of a write below a leaf names the leaf's type ("holds a leaf value (a String)"):
	 * when the caller is shown that leaf masked, the same conflict without the type.
	 */
	private WebEndpointResponse<Object> withoutMaskedType(SecurityContext context, WebEndpointResponse<Object> answer,
			StatePath at) {
		CallerAccess caller = this.access.of(context);
		for (int depth = 1; depth < at.depth(); depth++) {
			StatePath ancestor = at.prefix(depth);
			Object value = this.controller.get(ancestor);
			if (value != null && this.controller.childNames(ancestor).isEmpty()) {
				if (caller.showsMessageAbout(ancestor, value)) {
					return answer;
				}
				return StateTreeEndpointWebExtension.error(409,
						"Cannot write " + at + ": " + ancestor + " holds a leaf value, not a branch", at);
			}
		}
		return answer;
	}

	private static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			bytes += (c < 0x80) ? 1 : (c < 0x800) ? 2 : Character.isSurrogate(c) ? 2 : 3;
		}
		return bytes;
	}

	private static String[] segments(StatePath path) {
		return path.segments().toArray(String[]::new);
	}

	/** Names the path in a 400 answer that does not yet name it (a value that is not JSON). */
	@SuppressWarnings("unchecked")
	private static WebEndpointResponse<Object> withPath(WebEndpointResponse<Object> answer, StatePath path) {
		if (answer.getStatus() == WebEndpointResponse.STATUS_BAD_REQUEST && answer.getBody() instanceof Map<?, ?> map
				&& !map.containsKey("path")) {
			Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) map);
			body.put("message", "The value for " + path + ": " + body.get("message"));
			body.put("path", path.toString());
			return new WebEndpointResponse<>(body, answer.getStatus());
		}
		return answer;
	}

	/**
	 * Answers a bad request, as every operation of the console does.
	 * @param message names the input and the reason (never a value)
	 * @return the 400 answer
	 */
	public static WebEndpointResponse<Object> badRequest(@Nullable String message) {
		return badRequest(message, null);
	}

	private static WebEndpointResponse<Object> badRequest(@Nullable String message, @Nullable StatePath path) {
		return StateTreeEndpointWebExtension.error(WebEndpointResponse.STATUS_BAD_REQUEST, message, path);
	}

	/**
	 * How one caller is shown the events of the live stream: events at paths it may not read are
	 * left out, values masked as the endpoints mask them. Not shared between callers.
	 */
	public static final class EventView {

		private final CallerAccess caller;

		private final ConsoleValueBounds bounds;

		EventView(CallerAccess caller, ConsoleValueBounds bounds) {
			this.caller = caller;
			this.bounds = bounds;
		}

		/**
		 * Presents one event.
		 * @param event the event
		 * @return <code>{"revision", "path", "oldValue", "newValue", "causedBy", "origin", "kind"}</code>,
		 * or {@code null} when the caller may not read the event's path
		 */
		public @Nullable Map<String, Object> show(StateEvent event) {
			StatePath path = event.path();
			if (!this.caller.mayRead(path)) {
				return null;
			}
			Map<String, Object> shown = new LinkedHashMap<>();
			shown.put("revision", event.revision());
			shown.put("path", path.toString());
			shown.put("oldValue", this.bounds.shown(this.caller.present(path, event.prevValue(Object.class))));
			shown.put("newValue", this.bounds.shown(this.caller.present(path, event.newValue(Object.class))));
			shown.put("causedBy", event.causedBy());
			shown.put("origin", event.origin());
			shown.put("kind", event.isResync() ? "resync" : event.isExpiry() ? "expiry" : event.isPing() ? "ping"
					: "change");
			return shown;
		}


	}

}
