package io.statetree.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * StateTree's Micrometer meters, fed as a {@link ControllerObserver}:
 * <ul>
 * <li>{@code statetree.commits}: commits, this instance's and (on a shared backend) the ones other
 * instances made;</li>
 * <li>{@code statetree.reads}: reads served;</li>
 * <li>{@code statetree.events}: events delivered, tagged {@code listener} (its id);</li>
 * <li>{@code statetree.listener.errors}: listeners that threw, tagged {@code listener};</li>
 * <li>{@code statetree.listener.duration}: how long listeners ran, tagged {@code listener};</li>
 * <li>{@code statetree.listener.overflows}: times a listener's queue overflowed (its backlog replaced
 * by one resync event), tagged {@code listener};</li>
 * <li>{@code statetree.derivation.duration}: how long derivations ran, tagged {@code destination}
 * and {@code outcome} ({@code success} or {@code error}).</li>
 * </ul>
 * The gauge {@code statetree.feed.lag} (how far a Redis change feed is behind, tagged
 * {@code mount}) is bound by {@link #feedLag(StateController)}.
 */
public final class StateTreeMetrics implements ControllerObserver {

	private final MeterRegistry registry;

	private final Counter commits;

	private final Counter reads;

	private final Map<String, ListenerMeters> listeners = new ConcurrentHashMap<>();

	private final Map<String, Timer> derivations = new ConcurrentHashMap<>();

	/**
	 * Creates the meters.
	 * @param registry the registry
	 */
	public StateTreeMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.commits = Counter.builder("statetree.commits").description("Commits observed by StateTree").register(registry);
		this.reads = Counter.builder("statetree.reads").description("Reads served by StateTree").register(registry);
	}

	@Override
	public void onCommit(long revision, String origin, List<Change> changes) {
		this.commits.increment();
	}

	@Override
	public void onRead(StatePath path) {
		this.reads.increment();
	}

	@Override
	public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
		ListenerMeters meters = this.listeners.computeIfAbsent(listenerId, this::listenerMeters);
		meters.events.increment();
		meters.duration.record(duration);
		if (error != null) {
			meters.errors.increment();
		}
	}

	private ListenerMeters listenerMeters(String listenerId) {
		return new ListenerMeters(
				Counter.builder("statetree.events")
					.description("Events delivered to StateTree listeners")
					.tag("listener", listenerId)
					.register(this.registry),
				Counter.builder("statetree.listener.errors")
					.description("StateTree listeners that threw")
					.tag("listener", listenerId)
					.register(this.registry),
				Timer.builder("statetree.listener.duration")
					.description("How long StateTree listeners ran")
					.tag("listener", listenerId)
					.register(this.registry));
	}

	@Override
	public void onListenerOverflow(String listenerId, int dropped) {
		Counter.builder("statetree.listener.overflows")
			.description("Times a StateTree listener's queue overflowed and its backlog became one resync event")
			.tag("listener", listenerId)
			.register(this.registry)
			.increment();
	}

	@Override
	public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
		String outcome = (error != null) ? "error" : "success";
		this.derivations.computeIfAbsent(destination + " " + outcome, (key) -> Timer.builder("statetree.derivation.duration")
			.description("How long StateTree derivations ran")
			.tag("destination", destination.toString())
			.tag("outcome", outcome)
			.register(this.registry)).record(duration);
	}

	/**
	 * Returns a binder of the {@code statetree.feed.lag} gauge: one per Redis backend of the
	 * controller, tagged with its mount point, in milliseconds (-1 while its feed does not run).
	 * @param controller the controller
	 * @return the binder
	 */
	public static MeterBinder feedLag(StateController controller) {
		return (registry) -> {
			for (Backends.Mounted mounted : Backends.mounted(controller.backend())) {
				StateBackend store = mounted.store();
				if (Backends.feedLagMillis(store) != null) {
					TimeGauge.builder("statetree.feed.lag", store, TimeUnit.MILLISECONDS, StateTreeMetrics::lagOf)
						.description("How far the StateTree Redis change feed is behind")
						.tag("mount", mounted.mountPoint().toString())
						.register(registry);
				}
			}
		};
	}

	private static double lagOf(StateBackend store) {
		Long lag = Backends.feedLagMillis(store);
		return (lag != null) ? lag : -1;
	}

	private record ListenerMeters(Counter events, Counter errors, Timer duration) {
	}

}
