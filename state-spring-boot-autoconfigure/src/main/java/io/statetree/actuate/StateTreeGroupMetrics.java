package io.statetree.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController.GroupStatus;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Micrometer meters of durable group listeners (DESIGN §13), fed as a
 * {@link ControllerObserver}, each tagged {@code group}:
 * <ul>
 * <li>{@code statetree.groups.handled}: events a member on this instance handled (its listener
 * returned);</li>
 * <li>{@code statetree.groups.retried}: listener calls that threw and will be tried again after a
 * back-off;</li>
 * <li>{@code statetree.groups.dead.letters}: events parked as dead letters after their last
 * attempt;</li>
 * <li>{@code statetree.groups.claimed}: partitions this instance took over;</li>
 * <li>{@code statetree.groups.late.acknowledgements}: listeners that returned after their claim had
 * lapsed (their acknowledgement ignored, the event handled again elsewhere);</li>
 * <li>the gauge {@code statetree.groups.pending}: the group's commits not yet handled, as
 * {@link io.statetree.core.StateController#groups()} counts them (for the whole group, not only
 * this instance), read at most once a second; {@code NaN} while the backend cannot be read.</li>
 * </ul>
 * A group's meters appear once this instance takes part in it (its first claimed partition or
 * handled event). Thread-safe.
 */
public final class StateTreeGroupMetrics implements ControllerObserver {

	private static final Logger logger = LoggerFactory.getLogger(StateTreeGroupMetrics.class);

	/** How long one reading of the groups' pending counts serves the gauges. */
	private static final long PENDING_READ_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	private final MeterRegistry registry;

	private final Supplier<List<GroupStatus>> groups;

	private final Map<String, GroupMeters> meters = new ConcurrentHashMap<>();

	private volatile @Nullable PendingReading lastReading;

	/**
	 * Creates the meters.
	 * @param registry the registry
	 * @param groups lists the groups with their pending counts (usually
	 * {@link io.statetree.core.StateController#groups()}); called for the gauge, at most once a
	 * second
	 */
	public StateTreeGroupMetrics(MeterRegistry registry, Supplier<List<GroupStatus>> groups) {
		this.registry = registry;
		this.groups = groups;
	}

	@Override
	public void onGroupHandled(String group, StatePath path, Duration duration) {
		meters(group).handled.increment();
	}

	@Override
	public void onGroupRetried(String group, StatePath path, Throwable error) {
		meters(group).retried.increment();
	}

	@Override
	public void onGroupDeadLettered(String group, StatePath path) {
		meters(group).deadLetters.increment();
	}

	@Override
	public void onGroupClaimed(String group, int partition) {
		meters(group).claimed.increment();
	}

	@Override
	public void onGroupLateAcknowledgement(String group, int partition) {
		meters(group).lateAcknowledgements.increment();
	}

	private GroupMeters meters(String group) {
		GroupMeters existing = this.meters.get(group);
		return (existing != null) ? existing : this.meters.computeIfAbsent(group, this::register);
	}

	private GroupMeters register(String group) {
		Gauge.builder("statetree.groups.pending", this, (metrics) -> metrics.pending(group))
			.description("Commits a StateTree group listener has not handled yet")
			.tag("group", group)
			.register(this.registry);
		return new GroupMeters(counter("statetree.groups.handled", "Events StateTree group members handled", group),
				counter("statetree.groups.retried", "StateTree group listener calls that threw and are retried", group),
				counter("statetree.groups.dead.letters", "Events StateTree group listeners parked as dead letters",
						group),
				counter("statetree.groups.claimed", "Partitions of StateTree groups this instance took over", group),
				counter("statetree.groups.late.acknowledgements",
						"StateTree group listeners that returned after their claim had lapsed", group));
	}

	private Counter counter(String name, String description, String group) {
		return Counter.builder(name).description(description).tag("group", group).register(this.registry);
	}

	/**
	 * Returns a group's pending count from a reading at most a second old.
	 */
	double pending(String group) {
		PendingReading reading = this.lastReading;
		long now = System.nanoTime();
		if (reading == null || now - reading.atNanos() > PENDING_READ_INTERVAL_NANOS) {
			reading = read(now);
			this.lastReading = reading;
		}
		Long pending = reading.pending().get(group);
		return (pending != null) ? pending : Double.NaN;
	}

	private PendingReading read(long now) {
		try {
			Map<String, Long> pending = new ConcurrentHashMap<>();
			for (GroupStatus status : this.groups.get()) {
				pending.put(status.group(), status.pending());
			}
			return new PendingReading(now, pending);
		}
		catch (RuntimeException ex) {
			// A gauge must not fail a scrape: the backend is unreachable, the reading is unknown.
			logger.debug("Could not read the pending counts of StateTree groups", ex);
			return new PendingReading(now, Map.of());
		}
	}

	private record GroupMeters(Counter handled, Counter retried, Counter deadLetters, Counter claimed,
			Counter lateAcknowledgements) {
	}

	private record PendingReading(long atNanos, Map<String, Long> pending) {
	}

}
