package io.statetree.sample;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.TypeRef;
import io.statetree.core.WriteOptions;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Presence: who is online. Once started, each instance writes {@code /presence/{instanceId}} as
 * {@linkplain WriteOptions#ephemeral() ephemeral}, so the entry lives as long as the instance: it
 * is deleted (an expiry commit) when the instance shuts down, and, with the Redis backend, by a
 * surviving instance once a crashed one stops renewing its lease ({@code statetree.redis.lease-timeout});
 * with the filesystem backend, at the next start after a crash. {@code GET /api/presence} lists
 * the entries.
 * <p>
 * An instance that is alive but lost its lease (a pause longer than the lease timeout, Redis
 * unreachable for that long) hears another instance expire its entry and announces itself again.
 */
@RestController
public class Presence {

	/** Where the instances announce themselves. */
	static final StatePath PRESENCE = StatePath.of("/presence");

	private static final TypeRef<Map<String, Member>> MEMBERS = new TypeRef<>() {
	};

	private final StateController state;

	private final Clock clock = Clock.systemUTC();

	private volatile boolean stopping;

	/**
	 * Creates the presence of this instance.
	 * @param state the state controller
	 */
	public Presence(StateController state) {
		this.state = state;
	}

	/**
	 * Writes this instance's entry, once the application is ready to serve.
	 */
	@EventListener(ApplicationReadyEvent.class)
	public void announce() {
		String id = this.state.instanceId();
		StatePath own = PRESENCE.child(id);
		this.state.subscribe(own.toString(), (event) -> {
			// expired while this instance lives: its lease lapsed (Redis), so announce again; the
			// expiry its own shutdown makes comes after ContextClosedEvent
			if (event.isExpiry() && !this.stopping) {
				this.state.set(own, new Member(id, this.clock.instant()), WriteOptions.ephemeral());
			}
		});
		this.state.set(own, new Member(id, this.clock.instant()), WriteOptions.ephemeral());
	}

	/**
	 * Stops announcing again once the application shuts down.
	 */
	@EventListener(ContextClosedEvent.class)
	public void stop() {
		this.stopping = true;
	}

	/**
	 * Lists the instances online.
	 * @return their entries, by instance id
	 */
	@GetMapping("/api/presence")
	public List<Member> online() {
		Map<String, Member> members = this.state.get(PRESENCE, MEMBERS);
		if (members == null) {
			return List.of();
		}
		return members.values().stream().sorted(Comparator.comparing(Member::instanceId)).toList();
	}

	/**
	 * An instance online.
	 *
	 * @param instanceId its id ({@code statetree.instance-id}), the origin of its changes
	 * @param startedAt when it announced itself
	 */
	public record Member(String instanceId, Instant startedAt) {
	}

}
