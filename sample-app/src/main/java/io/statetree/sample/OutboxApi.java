package io.statetree.sample;

import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.TypeRef;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The welcome mails {@link WelcomeMail} recorded, at {@code GET /api/outbox}: one per new user,
 * keyed by the user's id.
 */
@RestController
public class OutboxApi {

	private static final TypeRef<Map<String, Object>> MAILS = new TypeRef<>() {
	};

	private final StateController state;

	/**
	 * Creates the API.
	 * @param state the state controller
	 */
	public OutboxApi(StateController state) {
		this.state = state;
	}

	/**
	 * Lists the recorded mails.
	 * @return the mails by user id, in the order they were sent
	 */
	@GetMapping("/api/outbox")
	public Map<String, Object> list() {
		Map<String, Object> mails = this.state.get("/outbox", MAILS);
		return (mails != null) ? mails : Map.of();
	}

}
