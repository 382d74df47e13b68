package io.statetree.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.spring.OnStateChange;
import io.statetree.spring.PathVar;
import org.springframework.stereotype.Component;

/**
 * "Sends" a welcome e-mail once per new user, whatever the number of instances: a durable group
 * listener (group {@value #GROUP}) records the mail at {@code /outbox/{id}}.
 * <p>
 * Every instance runs a member of the group, but each new user is handled by exactly one of them
 * (DESIGN §13). Delivery is at least once: a member that fails (or dies while sending, on Redis
 * or the filesystem) is retried, so the mail is recorded only when the outbox holds none for the
 * user yet, in one atomic update. A real mailer would pass the revision along as an idempotency
 * key. Users present when the application starts (the initial state) get no mail: a new group
 * starts at the current revision. A new user is one written whole where none was: a user built
 * field by field gets no mail (an event's values are those at the path written, so a field's first
 * write cannot be told from the user's).
 */
@Component
public class WelcomeMail {

	/** The group's name. */
	public static final String GROUP = "welcome-mail";

	private final StateController state;

	private final AtomicInteger sent = new AtomicInteger();

	/**
	 * Creates the mailer.
	 * @param state the tree
	 */
	public WelcomeMail(StateController state) {
		this.state = state;
	}

	/**
	 * Sends the welcome mail to a user that was just added.
	 * @param id the user's id
	 * @param user the new user
	 * @param event the change
	 */
	@OnStateChange(value = "/users/{id}", group = GROUP,
			condition = "#event.path().equals(#event.emittingPath()) and #event.prevValue() == null "
					+ "and #event.newValue() != null")
	public void send(@PathVar("id") String id, User user, StateEvent event) {
		Map<String, Object> mail = new LinkedHashMap<>();
		mail.put("to", id);
		mail.put("subject", "Welcome, " + user.name() + "!");
		mail.put("revision", event.revision());
		mail.put("sentBy", this.state.instanceId());
		boolean[] recorded = new boolean[1];
		this.state.update("/outbox/" + id, Object.class, (existing) -> {
			recorded[0] = existing == null;
			return (existing != null) ? existing : mail;
		});
		if (recorded[0]) {
			this.sent.incrementAndGet();
		}
	}

	/**
	 * Returns how many mails this instance recorded.
	 * @return the count
	 */
	public int sent() {
		return this.sent.get();
	}

}
