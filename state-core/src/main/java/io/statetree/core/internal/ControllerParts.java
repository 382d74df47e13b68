package io.statetree.core.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController.Dispatch;
import io.statetree.core.StateController.OnError;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts one {@link DefaultStateController} is made of, wired together in the order they
 * depend on each other: the backend and the value converter, the commit lock shared by the
 * {@link EffectJournal}, the {@link DerivationGraph} and the {@link CommitTemplate}, the
 * listeners' {@link EventRouter} and {@link Dispatcher}, and the helpers each group of calls
 * goes through. A shared backend gets its {@link RemoteFeedIntake} as its listener. The durable
 * group listeners and the asynchronous API are made on first use. Thread-safe, as are the parts.
 */
final class ControllerParts {

	final StateBackend backend;

	final ValueConverter converter;

	final String instanceId;

	final GuardedObserver guard;

	final Dispatcher dispatcher;

	/** The dispatch executor this controller made and shuts down on close, or null. */
	final @Nullable ExecutorService ownedExecutor;

	/** The commits made while effects run, so that they read snapshots and notice later changes. */
	final EffectJournal journal;

	final EffectRunner effects;

	final EventRouter router;

	final ListenerRegistry listeners;

	final DerivationGraph graph;

	final CommitTemplate commits;

	final BatchRunner batches;

	final HistoryAccess history;

	final Increments increments;

	final Lifetimes lifetimes;

	final ScopedReads reads;

	final WriteCalls writes;

	/*
	 * Durable group listeners and the asynchronous API are made on first use ({@link #groups()},
	 * {@link #async()}), so that an application that never uses them does not load them: no lambda
	 * names their types either, since spinning one loads the types of its signature.
	 */

	private final DefaultStateController controller;

	private final GroupSettings groupSettings;

	private final @Nullable ControllerObserver observer;

	private final @Nullable Executor asyncExecutor;

	private volatile @Nullable GroupListeners groups;

	private volatile @Nullable AsyncCalls async;

	/**
	 * Builds the parts of a controller; the arguments are the controller's constructor's, checked
	 * there.
	 */
	ControllerParts(DefaultStateController controller, @Nullable StateBackend backend,
			@Nullable JsonMapper jsonMapper, Dispatch dispatch, @Nullable Executor executor, OnError onError,
			@Nullable String instanceId, @Nullable ControllerObserver observer, int queueCapacity,
			Duration offerTimeout, int historySize, @Nullable Supplier<@Nullable String> defaultActor,
			GroupSettings groups, @Nullable Executor asyncExecutor) {
		this.backend = (backend != null) ? backend : new InMemoryBackend();
		this.converter = new ValueConverter(jsonMapper);
		this.instanceId = (instanceId != null && !instanceId.isBlank()) ? instanceId : InstanceIds.next();
		this.guard = new GuardedObserver(observer, Objects.requireNonNull(onError, "onError"));
		Executor dispatchExecutor = executor;
		ExecutorService owned = null;
		if (dispatch == Dispatch.ASYNC && dispatchExecutor == null) {
			owned = DispatchExecutors.newDefault();
			dispatchExecutor = owned;
		}
		this.ownedExecutor = owned;
		long startRevision = this.backend.isShared() ? this.backend.revision() : -1;
		long revision = this.backend.revision();
		// one lock serialises commits: the template takes it, the graph and the journal read under it
		ReentrantLock commitLock = new ReentrantLock();
		this.journal = new EffectJournal(commitLock, this.backend::read, revision, LifetimeStamps.of(this.backend));
		this.effects = new EffectRunner(controller, this.journal, this.guard);
		this.router = new EventRouter(controller, this.guard, this.effects);
		this.listeners = new ListenerRegistry(this.router);
		this.graph = new DerivationGraph(this.backend, this.converter, this.guard, commitLock);
		this.dispatcher = new Dispatcher(dispatch, dispatchExecutor, queueCapacity,
				Objects.requireNonNull(offerTimeout, "offerTimeout"), this.router::route, this.guard::overflow,
				startRevision, RevisionOrder.CatchUp.of(this.backend), this.backend.hasOneRevisionSpace());
		RecentCommits recent = (this.backend.history() == null) ? new RecentCommits(historySize, revision) : null;
		this.commits = new CommitTemplate(this.backend, this.instanceId, commitLock, revision, this.graph, this.journal,
				this.router, this.dispatcher, this.guard, recent, defaultActor);
		this.batches = new BatchRunner(this.backend, this.instanceId, this.commits);
		this.history = new HistoryAccess(controller, this.backend, this.commits, recent);
		this.increments = new Increments(this.backend, this.commits, this.graph);
		if (this.backend.isShared()) {
			this.backend.setBackendListener(new RemoteFeedIntake(this.commits, this.journal, this.dispatcher));
		}
		this.lifetimes = new Lifetimes(this.backend, this.instanceId);
		this.reads = new ScopedReads(this.backend, this.batches, this.journal, this.graph, this.guard);
		this.writes = new WriteCalls(this.backend, this.converter, this.commits, this.batches, this.graph,
				this.lifetimes, this.reads, this.increments);
		this.controller = controller;
		this.groupSettings = groups;
		this.observer = observer;
		this.asyncExecutor = asyncExecutor;
	}

	/** The durable group listeners, made now when they were not yet. */
	GroupListeners groups() {
		GroupListeners made = this.groups;
		if (made != null) {
			return made;
		}
		synchronized (this) {
			made = this.groups;
			if (made == null) {
				made = new GroupListeners(this.controller, this.backend, this.groupSettings,
						new GroupObserver(this.observer));
				this.groups = made;
			}
			return made;
		}
	}

	/** The durable group listeners when they were made, else null. */
	@Nullable GroupListeners groupsIfMade() {
		return this.groups;
	}

	/** The asynchronous API, made now when it was not yet. */
	AsyncCalls async() {
		AsyncCalls made = this.async;
		if (made != null) {
			return made;
		}
		synchronized (this) {
			made = this.async;
			if (made == null) {
				made = new AsyncCalls(this.controller, this.backend, this.converter, this.commits, this.batches,
						this.dispatcher, this.writes, this.asyncExecutor);
				this.async = made;
			}
			return made;
		}
	}

	/** The asynchronous API when it was made, else null. */
	@Nullable AsyncCalls asyncIfMade() {
		return this.async;
	}

}
