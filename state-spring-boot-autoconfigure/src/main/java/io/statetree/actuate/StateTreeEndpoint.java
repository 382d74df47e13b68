package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeAccess.Verdict;
import io.statetree.actuate.StateTreeGroupsEndpoint.GroupDescriptor;
import io.statetree.core.InvalidPathException;
import io.statetree.core.StateController;
import io.statetree.core.StateController.DerivationInfo;
import io.statetree.core.StateController.ListenerInfo;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * The {@code statetree} endpoint: inspect the tree, as Spring Boot's technology-independent
 * endpoints do, with the HTTP side in {@link StateTreeEndpointWebExtension}.
 * <ul>
 * <li>{@link #describe()}: the backends and their mount points, revision, instance id, listeners,
 * derivations, durable group listeners (see also {@link StateTreeGroupsEndpoint}), the change
 * feeds' lag, and the names of the root's children (to start browsing
 * from).</li>
 * <li>{@link #read(String[])}: the value at a path, {@code null} when absent.</li>
 * </ul>
 * These operations serve every technology other than the web (JMX, when the application enables
 * it and exposes the endpoint there). As Spring Boot's own endpoints do for such technologies,
 * they trust the caller with the endpoint's read role and show values unless {@code show-values}
 * is {@code never}; but the caller holds no authority, so every part of the tree a
 * {@link PathRule} guards with authorities is left out (a path it may not read reads as absent),
 * and values under sensitive keys are always masked. Writing and deleting, snapshots and their
 * restore, and child names ({@code ?depth=1}) are HTTP only: see the web extension, which also checks the caller's roles and path rules and answers with HTTP
 * statuses. The endpoint's default access is read-only. An application that registers the
 * endpoint itself registers the web extension with it (the auto-configuration does): without it,
 * HTTP callers would be served as JMX callers are.
 * <p>
 * Thread-safe.
 */
@Endpoint(id = "statetree", defaultAccess = Access.READ_ONLY)
public class StateTreeEndpoint {

	/** Prints snapshot values so that every number reads back with its value and type. */
	private static final JsonMapper SNAPSHOT_JSON = StateValues.storedJsonMapper().build();

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
	 * @return the description, showing the root's children that no path rule hides
	 */
	@ReadOperation
	public TreeDescriptor describe() {
		return overview(this.access.operator());
	}

	/**
	 * Reads the value at a path.
	 * @param path the path's segments; a segment may hold several separated by {@code /}, as JMX
	 * passes one string such as {@code users/1}
	 * @return the value as shown (sensitive keys masked, parts guarded by path rules left out), or
	 * {@code null} when absent or guarded by a path rule
	 * @throws io.statetree.core.InvalidPathException if the segments do not make a path
	 */
	@ReadOperation
	public @Nullable ValueDescriptor read(@Selector(match = Match.ALL_REMAINING) String[] path) {
		StatePath statePath = StatePath.of(String.join("/", path));
		CallerAccess operator = this.access.operator();
		return operator.mayRead(statePath) ? value(operator, statePath) : null;
	}

	StateTreeAccess access() {
		return this.access;
	}

	/**
	 * Describes the tree's machinery as a caller is shown it; the caller may read.
	 */
	TreeDescriptor overview(CallerAccess caller) {
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
		return new TreeDescriptor(this.controller.instanceId(), this.controller.revision(), backends,
				registrations.listeners(), registrations.derivations(), groups(), feedLag, children);
	}

	/**
	 * Lists the durable group listeners; {@code null} when the backend cannot be reached (the
	 * rest of the overview still answers).
	 */
	private @Nullable List<GroupDescriptor> groups() {
		try {
			return GroupDescriptors.groups(this.controller);
		}
		catch (StateStorageException ex) {
			return null;
		}
	}

	/**
	 * Reads the value at a path as a caller is shown it; the caller may read the path.
	 * @return the value, or {@code null} when absent
	 */
	@Nullable ValueDescriptor value(CallerAccess caller, StatePath path) {
		Object value = this.controller.get(path);
		return (value != null) ? new ValueDescriptor(path.toString(), caller.present(path, value)) : null;
	}

	/**
	 * Takes a snapshot of a subtree as a caller is shown it (masked like a read); the caller may
	 * read the path.
	 * @return the snapshot: its value {@code null} when the path is absent
	 */
	SnapshotDescriptor snapshot(CallerAccess caller, StatePath path) {
		StateSnapshot snapshot = this.controller.snapshot(path);
		Object shown = caller.present(path, snapshot.value());
		// Printed by the model's own writer, which spells a decimal so that it reads back as the
		// same type (a BigDecimal that Java would print as a double as unscaled digits and exponent):
		// a restore of the download gets every number back exactly, type included.
		return new SnapshotDescriptor(path.toString(), snapshot.revision(),
				(shown != null) ? new RawValue(SNAPSHOT_JSON.writeValueAsString(shown)) : null);
	}

	/**
	 * Lists the names of a branch's children that a caller may read, without reading their values
	 * ({@link StateController#childNames}); the caller may read the path.
	 * @return the names, or {@code null} when the path is absent
	 */
	@Nullable ChildrenDescriptor children(CallerAccess caller, StatePath path) {
		List<String> names = this.controller.childNames(path);
		if (names.isEmpty() && !this.controller.exists(path)) {
			return null;
		}
		List<String> shown = new ArrayList<>(names.size());
		for (String name : names) {
			if (caller.mayRead(path.child(name))) {
				shown.add(name);
			}
		}
		return new ChildrenDescriptor(path.toString(), shown);
	}

	/**
	 * Reads a snapshot document sent for a restore at a path.
	 * @throws SnapshotDocument.Invalid if it is not a snapshot that may be restored, or was taken
	 * at another path
	 */
	StateSnapshot readSnapshot(StatePath at, String text) {
		StateSnapshot snapshot = SnapshotDocument.read(this.jsonMapper, text);
		if (!snapshot.path().equals(at)) {
			throw new SnapshotDocument.Invalid("The snapshot was taken at " + snapshot.path() + ", not at " + at
					+ "; restore it at its own path");
		}
		return snapshot;
	}

	/**
	 * Parses a written value into the model with the rules of a write at the path (keys are path
	 * segments, nesting within the path limit, numbers exact: see {@link StateValues#readForWrite}).
	 * @throws JacksonException if the value is not JSON or breaks a read limit
	 * @throws InvalidPathException if a key is not a path segment or the nesting is too deep
	 * @throws StateValueException if a number cannot be held exactly
	 */
	@Nullable Object decode(StatePath at, String value) {
		try (JsonParser parser = this.jsonMapper.createParser(value)) {
			return StateValues.readForWrite(parser, at);
		}
	}

	/**
	 * Replaces the value at a path (deletes it when {@code replacement} is {@code null}) for a
	 * caller allowed to write there. The path rules below the path are checked against the value
	 * there inside the update, which runs under the commit lock (compare-and-set on a shared
	 * backend): a write made concurrently cannot slip a protected field in between the check and
	 * the change. It commits at once, on its own, never as part of a Spring transaction open on the
	 * calling thread ({@link OperatorWrites}).
	 * @throws Refused if a path rule refuses the caller the value there now
	 * @throws StateWriteException if the write is not allowed (below a leaf)
	 * @throws StateValueException if the value cannot be stored
	 */
	WriteDescriptor change(CallerAccess caller, StatePath path, @Nullable Object replacement) {
		return OperatorWrites.outsideTransactions(this.controller, () -> changeNow(caller, path, replacement));
	}

	private WriteDescriptor changeNow(CallerAccess caller, StatePath path, @Nullable Object replacement) {
		boolean[] differed = new boolean[1];
		this.controller.update(path, Object.class, (current) -> {
			Verdict verdict = caller.toWrite(path, current, replacement);
			if (verdict != Verdict.ALLOWED) {
				throw new Refused(verdict);
			}
			differed[0] = !StateValues.equal(current, replacement);
			return replacement;
		});
		// A delete below an array element changes nothing: the value there is still there.
		boolean changed = differed[0] && StateValues.equal(this.controller.get(path), replacement);
		return new WriteDescriptor(path.toString(), changed, this.controller.revision());
	}

	/** Aborts an update the path rules refuse. */
	static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient Verdict verdict;

		Refused(Verdict verdict) {
			super(null, null, false, false);
			this.verdict = verdict;
		}

		Verdict verdict() {
			return this.verdict;
		}

	}

	/**
	 * What {@code GET /actuator/statetree} answers.
	 * @param instanceId this instance's id
	 * @param revision the last commit's revision
	 * @param backends the backends serving the tree, the root's first
	 * @param listeners every subscription: pattern, listener id, and what it is (such as a bean
	 * method)
	 * @param derivations every derivation: destination and sources
	 * @param groups the durable group listeners, with their pattern, members, pending and
	 * dead-letter counts ({@code null} when the backend cannot be reached)
	 * @param feedLagMillis per mount point backed by Redis, how far its change feed is behind (-1
	 * when the feed does not run)
	 * @param children the names of the root's children the caller may read
	 */
	public record TreeDescriptor(String instanceId, long revision, List<BackendDescriptor> backends,
			List<ListenerInfo> listeners, List<DerivationInfo> derivations, @Nullable List<GroupDescriptor> groups,
			Map<String, Long> feedLagMillis,
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
	 * A snapshot of a subtree, in the JSON form of {@link StateSnapshot}.
	 * @param path where it was taken
	 * @param revision the revision its value reflects
	 * @param value the value as the caller is shown it (JSON text the answer embeds as it is),
	 * {@code null} when the path is absent
	 */
	public record SnapshotDescriptor(String path, long revision, @Nullable Object value) {
	}

	/**
	 * The names of a branch's children.
	 * @param path the branch's path
	 * @param children the names of its children the caller may read, in order (empty for a leaf)
	 */
	public record ChildrenDescriptor(String path, List<String> children) {
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
