package io.statetree.sample;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The derived statistics, the audit log and the users' sessions over HTTP.
 */
@RestController
@RequestMapping("/api")
public class StateApi {

	private final StateController state;

	private final AuditLog audit;

	private final Clock clock = Clock.systemUTC();

	/**
	 * Creates the API.
	 * @param state the state controller
	 * @param audit the audit log
	 */
	public StateApi(StateController state, AuditLog audit) {
		this.state = state;
		this.audit = audit;
	}

	/**
	 * Reads the derived statistics at {@code /stats}.
	 * @return {@code admins} and {@code features}
	 */
	@GetMapping("/stats")
	public @Nullable Object stats() {
		return this.state.get("/stats");
	}

	/**
	 * Reads the audit log.
	 * @return the entries, newest first
	 */
	@GetMapping("/audit")
	public List<AuditLog.Entry> audit() {
		return this.audit.entries();
	}

	/**
	 * Lists the open sessions.
	 * @return the sessions by user id
	 */
	@GetMapping("/sessions")
	public Object sessions() {
		Object sessions = this.state.get("/sessions");
		return (sessions != null) ? sessions : Map.of();
	}

	/**
	 * Opens a session for a user (replacing theirs, if any). Sessions are volatile: in the
	 * {@code files} profile they live in a memory mount and are gone after a restart, while users
	 * and flags stay on disk.
	 * @param id the user's id
	 * @return {@code 201 Created} with the session
	 */
	@PostMapping("/sessions/{id}")
	public ResponseEntity<Session> open(@PathVariable String id) {
		String user = UserApi.userPath(id);
		Session session = new Session(this.clock.instant());
		this.state.batch(() -> {
			if (!this.state.exists(user)) {
				throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No user '" + id + "'");
			}
			this.state.set("/sessions/" + id, session);
		});
		return ResponseEntity.status(HttpStatus.CREATED).body(session);
	}

	/**
	 * A user's session.
	 *
	 * @param startedAt when it was opened
	 */
	public record Session(Instant startedAt) {
	}

}
