package io.statetree.core.internal;

import java.util.List;
import java.util.Map;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.TypeRef;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The event one listener receives.
 */
final class Event implements StateEvent {

	private final DefaultStateController controller;

	private final StatePath path;

	private final StatePath emittingPath;

	private final @Nullable Object prevValue;

	private final @Nullable Object newValue;

	private final @Nullable Object payload;

	private final @Nullable PathPattern pattern;

	/**
	 * The commit heard: its revision, origin, kind, actor, cause and whether it expired something
	 * are read from it rather than copied into every event (one field instead of six).
	 */
	private final CommitRecord commit;

	private @Nullable Map<String, String> variables;

	boolean stopped;

	Event(DefaultStateController controller, StatePath path, StatePath emittingPath, @Nullable Object prevValue,
			@Nullable Object newValue, @Nullable Object payload, @Nullable PathPattern pattern, long revision,
			String origin, CommitRecord.Kind kind) {
		this(controller, path, emittingPath, prevValue, newValue, payload, pattern, revision, origin, kind, null, 0,
				false);
	}

	Event(DefaultStateController controller, StatePath path, StatePath emittingPath, @Nullable Object prevValue,
			@Nullable Object newValue, @Nullable Object payload, @Nullable PathPattern pattern, long revision,
			String origin, CommitRecord.Kind kind, @Nullable String actor, long causedBy, boolean expiry) {
		this(controller, path, emittingPath, prevValue, newValue, payload, pattern,
				new CommitRecord(revision, origin, List.of(), kind, 0, null, actor, causedBy, expiry));
	}

	/**
	 * An event of a commit a listener hears: the revision, origin, kind, actor, cause and expiry
	 * flag are the commit's.
	 */
	Event(DefaultStateController controller, StatePath path, StatePath emittingPath, @Nullable Object prevValue,
			@Nullable Object newValue, @Nullable Object payload, @Nullable PathPattern pattern, CommitRecord commit) {
		this.controller = controller;
		this.path = path;
		this.emittingPath = emittingPath;
		this.prevValue = prevValue;
		this.newValue = newValue;
		this.payload = payload;
		this.pattern = pattern;
		this.commit = commit;
	}

	@Override
	public StatePath path() {
		return this.path;
	}

	@Override
	public StatePath emittingPath() {
		return this.emittingPath;
	}

	@Override
	public @Nullable Object prevValue() {
		return this.prevValue;
	}

	@Override
	public @Nullable Object newValue() {
		return this.newValue;
	}

	@Override
	public <T> @Nullable T prevValue(Class<T> type) {
		return this.controller.converter().convert(this.emittingPath, this.prevValue, type);
	}

	@Override
	public <T> @Nullable T newValue(Class<T> type) {
		return this.controller.converter().convert(this.emittingPath, this.newValue, type);
	}

	@Override
	public <T> @Nullable T prevValue(TypeRef<T> type) {
		return this.controller.converter().convert(this.emittingPath, this.prevValue, type);
	}

	@Override
	public <T> @Nullable T newValue(TypeRef<T> type) {
		return this.controller.converter().convert(this.emittingPath, this.newValue, type);
	}

	@Override
	public @Nullable Object payload() {
		return this.payload;
	}

	@Override
	public Map<String, String> pathVariables() {
		Map<String, String> vars = this.variables;
		if (vars == null) {
			vars = (this.pattern != null) ? this.pattern.match(this.path) : null;
			if (vars == null) {
				vars = Map.of();
			}
			this.variables = vars;
		}
		return vars;
	}

	/** The pattern that matched, or null (effects, overflow resyncs). */
	@Nullable PathPattern pattern() {
		return this.pattern;
	}

	@Override
	public long revision() {
		return this.commit.revision();
	}

	@Override
	public String origin() {
		return this.commit.origin();
	}

	@Override
	public @Nullable String actor() {
		return this.commit.actor();
	}

	@Override
	public long causedBy() {
		return this.commit.causedBy();
	}

	@Override
	public boolean isPing() {
		return this.commit.kind() == CommitRecord.Kind.PING;
	}

	@Override
	public boolean isExpiry() {
		// an expiry commit also carries the derived values that follow the deletion: only a
		// deletion is heard as an expiry (StateEvent#isExpiry: its new value is null)
		return this.commit.expiry() && this.newValue == null;
	}

	@Override
	public boolean isResync() {
		return this.commit.kind() == CommitRecord.Kind.RESYNC;
	}

	@Override
	public void stopBubbling() {
		this.stopped = true;
	}

	@Override
	public @Nullable Object get(StatePath path) {
		return this.controller.get(path);
	}

	@Override
	public <T> @Nullable T get(StatePath path, Class<T> type) {
		return this.controller.get(path, type);
	}

	@Override
	public boolean set(StatePath path, @Nullable Object value) {
		return this.controller.set(path, value);
	}

	@Override
	public StateController controller() {
		return this.controller;
	}

	@Override
	public String toString() {
		String actor = actor();
		long causedBy = causedBy();
		return "StateEvent[path=" + this.path + ", emittingPath=" + this.emittingPath + ", revision=" + revision()
				+ ", origin=" + origin() + ((actor != null) ? ", actor=" + actor : "")
				+ ((causedBy != 0) ? ", causedBy=" + causedBy : "") + (isPing() ? ", ping" : "") + (isResync() ? ", resync" : "")
				+ (isExpiry() ? ", expiry" : "") + "]";
	}

}
