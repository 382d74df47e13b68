package io.statetree.sample;

import io.statetree.core.StateController;
import io.statetree.spring.OldValue;
import io.statetree.spring.OnStateChange;
import io.statetree.spring.PathVar;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A per-user listener: when a user's role changes, or the user is removed, their session at
 * {@code /sessions/{id}} is dropped, so that they sign in again with their new rights.
 * <p>
 * The pattern {@code /users/{id}/role} captures the user's id. It hears a write to the role
 * itself, and also a write that replaces or deletes the whole user when the role's value changes
 * with it; the values bound to the parameters are always the role's.
 */
@Component
public class SessionRevoker {

	private static final Logger logger = LoggerFactory.getLogger(SessionRevoker.class);

	private final StateController state;

	/**
	 * Creates the listener.
	 * @param state the state controller
	 */
	public SessionRevoker(StateController state) {
		this.state = state;
	}

	/**
	 * Drops the session of a user whose role changed.
	 * @param id the user's id, captured from the path
	 * @param before the role before the change ({@code null} for a new user)
	 * @param after the role after the change ({@code null} for a removed user)
	 */
	@OnStateChange(value = "/users/{id}/role", id = "session-revoker")
	public void roleChanged(@PathVar("id") String id, @OldValue @Nullable String before, @Nullable String after) {
		if (before != null && this.state.delete("/sessions/" + id)) {
			logger.info("Dropped the session of user '{}' (role {} -> {})", id, before, after);
		}
	}

}
