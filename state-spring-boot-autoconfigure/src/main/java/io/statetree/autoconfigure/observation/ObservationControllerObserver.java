package io.statetree.autoconfigure.observation;

import java.util.List;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.statetree.core.ControllerObserver;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;

/**
 * Reports what a controller does as Micrometer observations, with low-cardinality tags only
 * (never a value, never a path that varies with data):
 * <ul>
 * <li>{@code statetree.listener} wraps each call of a listener or an effect, on its thread (its
 * scope is open while the listener runs); tags {@code statetree.backend} and
 * {@code statetree.listener} (the listener's id, {@code bean#method} for annotated methods);</li>
 * <li>{@code statetree.derivation} wraps each computation of a derivation; tags
 * {@code statetree.backend} and {@code statetree.destination} (the derivation's path, fixed at
 * registration);</li>
 * <li>{@code statetree.commit} is recorded when a commit has been made (it does not wrap the
 * write: the controller tells its observers after the commit); tags {@code statetree.backend}
 * and {@code statetree.origin} ({@code local} or {@code remote}).</li>
 * </ul>
 * Thread-safe.
 */
final class ObservationControllerObserver implements ControllerObserver {

	static final String COMMIT = "statetree.commit";

	static final String LISTENER = "statetree.listener";

	static final String DERIVATION = "statetree.derivation";

	private final ObservationRegistry registry;

	private final String backend;

	private final @Nullable String instanceId;

	/**
	 * @param registry the registry
	 * @param backend the configured backend ({@code statetree.backend}), as a tag
	 * @param instanceId this instance's configured id, to tell local from remote commits, or null
	 * (then every commit's origin tag is {@code unknown})
	 */
	ObservationControllerObserver(ObservationRegistry registry, String backend, @Nullable String instanceId) {
		this.registry = registry;
		this.backend = backend;
		this.instanceId = instanceId;
	}

	@Override
	public Scope listenerStarting(String listenerId, StatePath path) {
		return open(Observation.createNotStarted(LISTENER, this.registry)
			.lowCardinalityKeyValues(KeyValues.of("statetree.backend", this.backend, "statetree.listener", listenerId)));
	}

	@Override
	public Scope derivationStarting(StatePath destination) {
		return open(Observation.createNotStarted(DERIVATION, this.registry)
			.lowCardinalityKeyValues(
					KeyValues.of("statetree.backend", this.backend, "statetree.destination", destination.toString())));
	}

	@Override
	public void onCommit(long revision, String origin, List<Change> changes) {
		String where = (this.instanceId == null) ? "unknown" : this.instanceId.equals(origin) ? "local" : "remote";
		Observation.createNotStarted(COMMIT, this.registry)
			.lowCardinalityKeyValues(KeyValues.of("statetree.backend", this.backend, "statetree.origin", where))
			.start()
			.stop();
	}

	private static Scope open(Observation observation) {
		observation.start();
		Observation.Scope scope = observation.openScope();
		return (error) -> {
			try {
				scope.close();
			}
			finally {
				if (error != null) {
					observation.error(error);
				}
				observation.stop();
			}
		};
	}

}
