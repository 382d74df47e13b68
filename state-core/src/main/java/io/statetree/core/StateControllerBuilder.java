package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.Executor;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.internal.DefaultStateController;
import io.statetree.core.internal.GroupSettings;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a {@link StateController}: {@code StateController.builder().backend(b).jsonMapper(m).build()}.
 * Every setting has a default, so {@code build()} alone gives an in-memory controller with
 * synchronous dispatch. Not thread-safe: configure it on one thread, then build.
 */
public final class StateControllerBuilder {

	private @Nullable StateBackend backend;

	private @Nullable JsonMapper jsonMapper;

	private StateController.Dispatch dispatch = StateController.Dispatch.SYNC;

	private @Nullable Executor executor;

	private StateController.OnError onError = StateController.OnError.LOG;

	private int queueCapacity = DefaultStateController.DEFAULT_QUEUE_CAPACITY;

	private Duration offerTimeout = DefaultStateController.DEFAULT_OFFER_TIMEOUT;

	private @Nullable String instanceId;

	private final List<ControllerObserver> observers = new ArrayList<>();

	private int historySize = DEFAULT_HISTORY_SIZE;

	private Supplier<@Nullable String> defaultActor = () -> null;

	private GroupSettings groups = GroupSettings.DEFAULTS;

	private @Nullable Executor asyncExecutor;

	private @Nullable Duration closeDeliveryTimeout;

	private @Nullable Duration snapshotReadPatience;

	private @Nullable Duration computedStallBound;

	/** How many commits the in-memory history keeps by default. */
	static final int DEFAULT_HISTORY_SIZE = 1_000;

	StateControllerBuilder() {
	}

	/**
	 * Sets the backend. Default: a new {@link InMemoryBackend}.
	 * @param backend the backend
	 * @return this builder
	 */
	public StateControllerBuilder backend(StateBackend backend) {
		this.backend = backend;
		return this;
	}

	/**
	 * Sets the Jackson mapper used to convert values. Default: a plain {@link JsonMapper}.
	 * @param jsonMapper the mapper
	 * @return this builder
	 */
	public StateControllerBuilder jsonMapper(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		return this;
	}

	/**
	 * Sets how listeners are called. Default: {@link StateController.Dispatch#SYNC}.
	 * @param dispatch the mode
	 * @return this builder
	 */
	public StateControllerBuilder dispatch(StateController.Dispatch dispatch) {
		this.dispatch = dispatch;
		return this;
	}

	/**
	 * Sets the executor for {@link StateController.Dispatch#ASYNC}. Default: virtual threads where the JVM has
	 * them, else a daemon thread.
	 * @param executor the executor
	 * @return this builder
	 */
	public StateControllerBuilder executor(Executor executor) {
		this.executor = executor;
		return this;
	}

	/**
	 * Sets what happens when a listener throws. Default: {@link StateController.OnError#LOG}.
	 * @param onError the policy
	 * @return this builder
	 */
	public StateControllerBuilder onError(StateController.OnError onError) {
		this.onError = onError;
		return this;
	}

	/**
	 * Sets the capacity of each listener's own queue of undelivered events. A writer that
	 * finds a listener's queue full waits up to {@link #offerTimeout(Duration)}
	 * for room; then that listener's queued events are dropped and replaced by one event
	 * whose {@link StateEvent#isResync()} is true, and the overflow is logged, counted and
	 * reported to {@link ControllerObserver#onListenerOverflow}. Default: 10,000 events.
	 * @param queueCapacity the capacity in events, at least 1
	 * @return this builder
	 * @throws IllegalArgumentException if the capacity is below 1
	 */
	public StateControllerBuilder queueCapacity(int queueCapacity) {
		if (queueCapacity < 1) {
			throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
		}
		this.queueCapacity = queueCapacity;
		return this;
	}

	/**
	 * Sets how long a writer waits for room in a full listener queue before that listener's
	 * backlog is replaced by one resync event (see {@link #queueCapacity(int)}). Default: 1 s.
	 * @param offerTimeout the longest wait, zero or positive
	 * @return this builder
	 * @throws IllegalArgumentException if the timeout is negative
	 */
	public StateControllerBuilder offerTimeout(Duration offerTimeout) {
		Objects.requireNonNull(offerTimeout, "offerTimeout");
		if (offerTimeout.isNegative()) {
			throw new IllegalArgumentException("offerTimeout must not be negative, got " + offerTimeout);
		}
		this.offerTimeout = offerTimeout;
		return this;
	}

	/**
	 * Sets this instance's id. Default: a random UUID.
	 * @param instanceId the id
	 * @return this builder
	 */
	public StateControllerBuilder instanceId(String instanceId) {
		this.instanceId = instanceId;
		return this;
	}

	/**
	 * Adds an observer of commits, reads, events and errors (for metrics and audit). May be
	 * called several times: every observer is notified, in the order added.
	 * @param observer the observer
	 * @return this builder
	 */
	public StateControllerBuilder observer(ControllerObserver observer) {
		this.observers.add(Objects.requireNonNull(observer, "observer"));
		return this;
	}

	/**
	 * Sets how many commits the controller keeps in memory for {@link StateController#history}
	 * and {@code watch(pattern, afterRevision)} when the backend keeps no history of its own
	 * (memory, hybrid and caching backends; the filesystem backend keeps the same number in its
	 * directory, Redis its change stream). Default: 1,000.
	 * @param historySize the number of commits, 0 (keep none: a watch from a revision then starts
	 * with a resync) to 1,000,000
	 * @return this builder
	 * @throws IllegalArgumentException if the size is outside 0–1,000,000
	 */
	public StateControllerBuilder historySize(int historySize) {
		if (historySize < 0 || historySize > 1_000_000) {
			throw new IllegalArgumentException("historySize must be between 0 and 1,000,000, got " + historySize);
		}
		this.historySize = historySize;
		return this;
	}

	/**
	 * Sets who a write is recorded as made by when its {@link WriteOptions} name no actor
	 * (DESIGN §11). Called on the writing thread at each commit (in Spring Boot: the
	 * authenticated principal's name from Spring Security's context). Default: no actor.
	 * The name it returns is held to {@link WriteOptions#actor(String)}'s rules without ever
	 * failing the write: {@code null}, a blank name or a throw records no actor, and a name longer
	 * than 256 characters is recorded cut to its first 256 (255 if the 256th would split a
	 * surrogate pair).
	 * @param defaultActor returns the actor's name or {@code null}; must be fast and should not
	 * throw (a throw is treated as {@code null})
	 * @return this builder
	 */
	public StateControllerBuilder defaultActor(Supplier<@Nullable String> defaultActor) {
		this.defaultActor = Objects.requireNonNull(defaultActor, "defaultActor");
		return this;
	}

	/**
	 * Sets how often a durable group listener (DESIGN §13) is called for one event before the
	 * event becomes a {@link DeadLetter}, and the wait before the second call (doubling after
	 * each further one). Default: 5 attempts, 100 ms.
	 * @param maxAttempts the most calls for one event, 1 to 100
	 * @param initialBackoff the first wait, 1 ms to 1 hour
	 * @return this builder
	 * @throws IllegalArgumentException naming the value when one is out of range
	 */
	public StateControllerBuilder groupRetries(int maxAttempts, Duration initialBackoff) {
		this.groups = new GroupSettings(maxAttempts, initialBackoff, this.groups.concurrency(),
				this.groups.claimTimeout());
		return this;
	}

	/**
	 * Sets how many keys of one group this instance handles at once. Default: 4.
	 * @param concurrency 1 to 256
	 * @return this builder
	 * @throws IllegalArgumentException naming the value when it is out of range
	 */
	public StateControllerBuilder groupConcurrency(int concurrency) {
		this.groups = new GroupSettings(this.groups.maxAttempts(), this.groups.initialBackoff(), concurrency,
				this.groups.claimTimeout());
		return this;
	}

	/**
	 * Sets how long a group member's claim on its share of the keys lasts unless renewed: after
	 * it, another member takes the events of a member that died or whose listener hangs (on
	 * Redis). Default: 30 s.
	 * @param claimTimeout 1 s to 1 day
	 * @return this builder
	 * @throws IllegalArgumentException naming the value when it is out of range
	 */
	public StateControllerBuilder groupClaimTimeout(Duration claimTimeout) {
		this.groups = new GroupSettings(this.groups.maxAttempts(), this.groups.initialBackoff(),
				this.groups.concurrency(), claimTimeout);
		return this;
	}

	/**
	 * Sets where the asynchronous API ({@link StateController#async()}, DESIGN §15) runs calls on
	 * blocking backends (files, hybrid, caching), and where it records commits a non-blocking
	 * backend answered. Default: a new virtual thread per call where the JVM has them, else a
	 * bounded pool of daemon threads, shut down with the controller; a given executor is not shut
	 * down. Unused in memory, where calls run on the calling thread.
	 * @param asyncExecutor the executor
	 * @return this builder
	 */
	public StateControllerBuilder asyncExecutor(Executor asyncExecutor) {
		this.asyncExecutor = Objects.requireNonNull(asyncExecutor, "asyncExecutor");
		return this;
	}

	/**
	 * Sets how long {@code close} waits for the listeners to hear what was committed (default
	 * {@link DefaultStateController#DEFAULT_CLOSE_DELIVERY_TIMEOUT}). Not public API: tests whose
	 * listener blocks on purpose set it short, so that proving close returns costs less than the
	 * default wait.
	 * @param closeDeliveryTimeout the longest wait, zero or positive
	 * @return this builder
	 */
	StateControllerBuilder closeDeliveryTimeout(Duration closeDeliveryTimeout) {
		Objects.requireNonNull(closeDeliveryTimeout, "closeDeliveryTimeout");
		if (closeDeliveryTimeout.isNegative()) {
			throw new IllegalArgumentException("closeDeliveryTimeout must not be negative, got " + closeDeliveryTimeout);
		}
		this.closeDeliveryTimeout = closeDeliveryTimeout;
		return this;
	}

	/**
	 * Sets how long a computed value's or tracked effect's read at its snapshot waits for the
	 * commit lock while no commit completes before it gives up and the run is done again (default
	 * one second). Not public API: tests shorten it to reach that path without waiting seconds.
	 * @param patience the longest wait without a completed commit, positive
	 * @return this builder
	 */
	StateControllerBuilder snapshotReadPatience(Duration patience) {
		Objects.requireNonNull(patience, "patience");
		if (patience.isNegative() || patience.isZero()) {
			throw new IllegalArgumentException("snapshotReadPatience must be positive, got " + patience);
		}
		this.snapshotReadPatience = patience;
		return this;
	}

	/**
	 * Sets the least time a computed value's {@code get} goes on computing again while no commit
	 * completes before it throws {@link StateException} (default two seconds, and never fewer than
	 * ten patiences). Not public API: a test that blocks the commit on purpose shortens it.
	 * @param bound the least time, positive
	 * @return this builder
	 */
	StateControllerBuilder computedStallBound(Duration bound) {
		Objects.requireNonNull(bound, "bound");
		if (bound.isNegative() || bound.isZero()) {
			throw new IllegalArgumentException("computedStallBound must be positive, got " + bound);
		}
		this.computedStallBound = bound;
		return this;
	}

	/**
	 * Builds the controller.
	 * @return the controller
	 */
	public StateController build() {
		DefaultStateController controller = new DefaultStateController(this.backend, this.jsonMapper, this.dispatch,
				this.executor, this.onError, this.instanceId, ControllerObserver.composite(this.observers),
				this.queueCapacity, this.offerTimeout, this.historySize, this.defaultActor, this.groups,
				this.asyncExecutor);
		if (this.closeDeliveryTimeout != null) {
			controller.closeDeliveryTimeout(this.closeDeliveryTimeout);
		}
		if (this.snapshotReadPatience != null) {
			controller.snapshotReadPatience(this.snapshotReadPatience);
		}
		if (this.computedStallBound != null) {
			controller.computedStallBound(this.computedStallBound);
		}
		return controller;
	}

}
