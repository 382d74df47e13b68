package io.statetree.sample;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.statetree.core.StateEvent;
import io.statetree.spring.OnStateChange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * An audit log of changes to users and flags, kept in memory (the newest {@code sample.audit.capacity}
 * entries) and served at {@code GET /api/audit}.
 * <p>
 * {@code /users/*} hears every change under a user once, at the user's path: a new user, a removed
 * user, or a write to {@code /users/bob/role}, which bubbles up to {@code /users/bob}. With the
 * Redis backend it also hears the changes other instances make; {@link Entry#origin()} tells which
 * instance wrote.
 */
@Component
public class AuditLog {

	private final Deque<Entry> entries = new ArrayDeque<>();

	private final int capacity;

	private final Clock clock;

	/**
	 * Creates the log.
	 * @param capacity how many entries to keep
	 */
	@Autowired
	public AuditLog(@Value("${sample.audit.capacity:200}") int capacity) {
		this(capacity, Clock.systemUTC());
	}

	AuditLog(int capacity, Clock clock) {
		if (capacity < 1) {
			throw new IllegalArgumentException("sample.audit.capacity must be at least 1, not " + capacity);
		}
		this.capacity = capacity;
		this.clock = clock;
	}

	/**
	 * Records a change to a user or a flag.
	 * @param event the change
	 */
	@OnStateChange(value = { "/users/*", "/flags/*" }, id = "audit-log")
	public void record(StateEvent event) {
		String action;
		if (!event.path().equals(event.emittingPath())) {
			action = "updated";
		}
		else if (event.prevValue() == null) {
			action = "created";
		}
		else if (event.newValue() == null) {
			action = "deleted";
		}
		else {
			action = "updated";
		}
		Entry entry = new Entry(event.revision(), event.path().toString(), event.emittingPath().toString(), action,
				event.origin(), this.clock.instant());
		synchronized (this.entries) {
			this.entries.addFirst(entry);
			while (this.entries.size() > this.capacity) {
				this.entries.removeLast();
			}
		}
	}

	/**
	 * Returns the entries, newest first.
	 * @return a snapshot of the entries
	 */
	public List<Entry> entries() {
		synchronized (this.entries) {
			return List.copyOf(this.entries);
		}
	}

	/**
	 * One audited change. Values are left out on purpose: a user holds a secret token.
	 *
	 * @param revision the revision of the commit
	 * @param subject the user or flag that changed, such as {@code /users/bob}
	 * @param path where the write happened, such as {@code /users/bob/role}
	 * @param action {@code created}, {@code updated} or {@code deleted}
	 * @param origin the id of the instance that wrote
	 * @param at when this instance heard the change
	 */
	public record Entry(long revision, String subject, String path, String action, String origin, Instant at) {
	}

}
