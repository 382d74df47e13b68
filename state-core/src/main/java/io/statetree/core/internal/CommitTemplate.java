package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.ExpiringEntries;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a write reaches the backend (DESIGN §4, "the path of one write"), in five steps,
 * written once in {@link #run}: (1) check the cascade depth (refusing a runaway cascade of
 * listener writes) and take the commit lock; (2) run the {@link Work} of this kind of write,
 * which {@link #commit commits}: runs the derivations the writes trigger and has the backend
 * apply everything atomically ({@link DerivingCommit}), and (3) records the changes: the revision, the
 * {@link EffectJournal} for running effects, and the {@link Dispatcher}'s queues (routed by the
 * {@link EventRouter}), in revision order because the lock is held; (4) let go of the lock; (5)
 * deliver what this thread queued, outside every lock. {@code set}, {@code getOrWrite},
 * {@code ping}, a new derivation, {@code update} and batches are each one {@link Work};
 * other instances' commits come through {@link #hear}, the same sequence for the feed's thread.
 * After the backend committed only recording ({@link CommitRecorder}) and queueing follow;
 * listeners and effects run in step 5, outside the lock. Commits sent to a non-blocking backend
 * without waiting go through {@link AsyncCommits}; the actor a write names by default comes from
 * the {@link DefaultActor}.
 */
final class CommitTemplate {

	/** The controller's log category, where these lines have always been. */
	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** How many times a compare-and-set, or a commit whose derivations' sources changed, is tried. */
	static final int MAX_ATTEMPTS = 10_000;

	/** How often {@link #readLocked} sweeps again at most (each sweep deletes what fell due meanwhile). */
	private static final int MAX_SWEEPS_PER_READ = 64;

	private final StateBackend backend;

	private final String instanceId;

	private final ReentrantLock lock;

	private final DerivationGraph graph;

	/** Step 2: the writes with the derivations they trigger, sent to the backend. */
	private final DerivingCommit deriving;

	private final EffectJournal journal;

	private final Dispatcher dispatcher;

	private final GuardedObserver guard;

	/** Step 3: the latest revision, the history, the effect journal and the listeners' queues. */
	private final CommitRecorder recorder;

	/** Who writes when the options name no one (the builder's default actor). */
	private final DefaultActor defaultActor;

	/** The actor of the commit being made; written and read under the lock. */
	private @Nullable String actor;

	/** The revision whose delivery makes the commit being made, or 0; written and read under the lock. */
	private long causedBy;

	/** Whether the commit being made is an expiry commit; written and read under the lock. */
	private boolean expiry;

	/** Whether a read inside the work being run swept due entries (written and read under the lock). */
	private boolean sweptInWork;

	/** While a follow-up of a backend's own expiry commits: the paths it deleted (held under the lock). */
	private List<StatePath> followedExpiry = List.of();

	/** Deletes due entries (DESIGN §12), or null when the backend keeps no lifetimes. */
	private final @Nullable ExpirySweeper sweeper;

	/** Sends commits to a non-blocking backend; while one is in flight local writers wait for it. */
	private final AsyncCommits async;

	CommitTemplate(StateBackend backend, String instanceId, ReentrantLock lock, long revision, DerivationGraph graph,
			EffectJournal journal, EventRouter router, Dispatcher dispatcher, GuardedObserver guard,
			@Nullable RecentCommits recent, @Nullable Supplier<@Nullable String> defaultActor) {
		this.recorder = new CommitRecorder(instanceId, backend, revision, journal, router, dispatcher, recent);
		this.defaultActor = new DefaultActor(defaultActor);
		this.backend = backend;
		this.instanceId = instanceId;
		this.lock = lock;
		this.graph = graph;
		this.journal = journal;
		this.dispatcher = dispatcher;
		this.guard = guard;
		this.async = new AsyncCommits(this, backend, instanceId, lock, this.defaultActor, dispatcher, guard);
		ExpiringEntries entries = backend.expiringEntries();
		this.sweeper = (entries != null) ? new ExpirySweeper(entries, this, instanceId) : null;
		this.deriving = new DerivingCommit(backend, graph, instanceId, this.sweeper);
	}

	/** The non-blocking half: sends commits to a non-blocking backend (DESIGN §15). */
	AsyncCommits async() {
		return this.async;
	}

	/** Deletes due entries, or null when the backend keeps no lifetimes. */
	@Nullable ExpirySweeper sweeper() {
		return this.sweeper;
	}

	/**
	 * Deletes one due entry with its own expiry commit (DESIGN §12): one delete, no actor, no
	 * cause. Called with the lock held, by the {@link ExpirySweeper}.
	 * @return whether anything changed
	 */
	boolean expireLocked(StatePath path) {
		return commitAs(null, 0, true, List.of(), List.of(Write.of(path, null)));
	}

	/**
	 * Commits writes as a commit of its own kind, whatever the commit being made names: with this
	 * actor, cause and expiry flag, and the paths an expiry of the backend deleted (see
	 * {@link ExpiryFollowUp}). Called with the lock held; the outer values are restored after.
	 * @return whether anything changed
	 */
	boolean commitAs(@Nullable String commitActor, long cause, boolean isExpiry, List<StatePath> followed,
			List<Write> writes) {
		String outerActor = this.actor;
		long outerCause = this.causedBy;
		boolean outerExpiry = this.expiry;
		List<StatePath> outerFollowed = this.followedExpiry;
		this.actor = commitActor;
		this.causedBy = cause;
		this.expiry = isExpiry;
		this.followedExpiry = followed;
		try {
			return commit(writes, List.of(), null);
		}
		finally {
			this.actor = outerActor;
			this.causedBy = outerCause;
			this.expiry = outerExpiry;
			this.followedExpiry = outerFollowed;
		}
	}

	/** Whether the backend is shared between instances. */
	boolean isShared() {
		return this.backend.isShared();
	}

	/** Whether a derivation is registered. */
	boolean hasDerivations() {
		return !this.graph.ordered().isEmpty();
	}

	/**
	 * Whether an asynchronous write must take the synchronous path: a derivation is registered
	 * (computed in the commit), or a computed value is open (its computation must not read half of
	 * a commit of this controller, which the synchronous path's commit lock prevents).
	 */
	boolean needsSyncPath() {
		return hasDerivations() || this.journal.computeds.hasOpen();
	}

	long lastRevision() {
		return this.recorder.lastRevision();
	}

	String instanceId() {
		return this.instanceId;
	}

	/** Step 3's recorder: the latest revision (also against the backend's) and the in-memory history. */
	CommitRecorder recorder() {
		return this.recorder;
	}

	/**
	 * Names the actor of the commit being made when a batch named one (the first explicit actor
	 * among its writes wins over the default). Called with the lock held.
	 */
	void actor(@Nullable String explicit) {
		if (explicit != null) {
			this.actor = explicit;
		}
	}

	/**
	 * The origin, actor and cause of the commit being made, with no writes: what a backend's own
	 * {@code increment} records. Called with the lock held.
	 */
	CommitRequest context() {
		return new CommitRequest(List.of(), List.of(), this.instanceId, this.actor, this.causedBy, false, nextDepth());
	}

	/**
	 * Runs a read with the lock held, so no commit of this controller is half made meanwhile
	 * ({@code getVersioned} on a backend that cannot read a value with its revision).
	 */
	<T> T locked(Supplier<T> read) {
		this.lock.lock();
		try {
			return read.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * What one kind of write does with the commit lock held (steps 2 and 3). The kinds this class
	 * knows are constants, so the template allocates nothing for a plain {@code set}; the kinds
	 * that run user code ({@code update}, batches) are one small object per call. May throw (a
	 * failed precondition, a refused write): nothing was committed then, the lock is let go and
	 * nothing delivered.
	 * @param <A> the first argument
	 * @param <B> the second argument
	 * @param <C> the third argument
	 */
	@FunctionalInterface
	interface Work<A, B, C> {

		/**
		 * Runs under the commit lock.
		 * @return whether anything was queued for delivery (step 5 runs only then)
		 */
		boolean underLock(CommitTemplate commits, A a, B b, C c);

	}

	/** A write ({@code set}, {@code delete}), skipped if the equality holds. */
	private static final Work<Write, @Nullable Object, @Nullable BiPredicate<@Nullable Object, @Nullable Object>> WRITE = (
			commits, write, value, equality) -> commits.writeLocked(write, value, equality);

	/** A ping: heard like a change of the path to the value there, writing nothing. */
	private static final Work<StatePath, @Nullable Object, @Nullable Void> PING = (commits, path, payload,
			unused) -> {
		commits.queuePing(path, commits.backend.read(path), payload);
		return true;
	};

	/** A new derivation and its first value. */
	private static final Work<DerivationImpl, @Nullable Void, @Nullable Void> INSTALL = (commits, derivation, unused,
			unused2) -> commits.installLocked(derivation);

	/**
	 * THE template, steps 1 to 5: lock, run the work (commit and record), unlock, and deliver when
	 * the work queued something. Every local write goes through here.
	 * @return what the work returned: whether anything was queued and delivered
	 */
	<A, B, C> boolean run(Work<A, B, C> work, A a, B b, C c) {
		return run(true, null, work, a, b, c);
	}

	/**
	 * The template for what the feed brings ({@link RemoteFeedIntake}): recorded under the lock
	 * like a local commit, but with no cascade depth to check and delivered on the feed's thread
	 * without applying the on-error setting (no writer is there to hear a throw). The
	 * {@link ExpirySweeper}'s expiry commits go the same way, for the same reason.
	 */
	<A, B, C> void hear(Work<A, B, C> work, A a, B b, C c) {
		run(false, null, work, a, b, c);
	}

	/**
	 * Steps 1 to 5. A local commit's actor (the given one, else the default actor, asked on this
	 * thread) and cause (the commit whose delivery runs on this thread) are resolved before the
	 * lock and held in fields while it is held.
	 */
	@SuppressWarnings("unchecked")
	private <A, B, C> boolean run(boolean local, @Nullable String explicitActor, Work<A, B, C> work, A a, B b, C c) {
		String resolvedActor = null;
		long cause = 0;
		if (local) {
			checkDepth();
			resolvedActor = this.defaultActor.resolve(explicitActor);
			cause = this.dispatcher.causingRevision();
		}
		this.lock.lock();
		if (this.async.inFlight()) {
			if (local) {
				this.async.awaitLocked();
			}
			else {
				// what the feed heard may come after the commit in flight: that one is recorded first
				this.async.awaitSentLocked();
			}
		}
		boolean queued = false;
		boolean swept = false;
		// a commit made while this thread already holds the lock (an effect started inside a
		// batch that runs under it) must not change the outer commit's actor and cause
		String outerActor = this.actor;
		long outerCause = this.causedBy;
		try {
			// what is due is deleted first, so no commit sees an overdue entry (one cheap check); a
			// plain write's commit counts its time to live from the clock reading of this check
			ExpirySweeper expiring = this.sweeper;
			if (expiring != null && expiring.isDue(work == WRITE && c == null) && this.lock.getHoldCount() == 1) {
				swept = expiring.sweepLocked();
			}
			this.actor = resolvedActor;
			this.causedBy = cause;
			// the plain write is called directly: the call through Work has many receivers (one per
			// kind of write), which the JIT cannot inline, and a plain set is the hottest path
			queued = (work == WRITE) ? writeLocked((Write) a, b, (BiPredicate<@Nullable Object, @Nullable Object>) c)
					: work.underLock(this, a, b, c);
		}
		finally {
			this.actor = outerActor;
			this.causedBy = outerCause;
			if (this.sweeper != null) {
				this.sweeper.commitEnded(); // the clock reading the due check lent this commit goes
			}
			if (this.lock.getHoldCount() == 1) {
				swept |= this.sweptInWork;
				this.sweptInWork = false;
			}
			this.lock.unlock();
			if (!queued && (swept || this.dispatcher.hasUndrained() || this.dispatcher.holdsDirect())) {
				// the expiry commits are delivered even when this write changed nothing or threw, and
				// so are the commits left on the feed's thread that this one released
				drainOutsideOrUnder();
			}
		}
		if (queued) {
			Throwable failure = drainOutsideOrUnder();
			if (failure != null && local) {
				this.guard.rethrowIfConfigured(failure);
			}
		}
		return queued;
	}

	/**
	 * Step 5. A thread that still holds the commit lock (a commit inside one that holds it) must
	 * not wait for the shared backend's feed, whose thread takes that lock: its commits that wait
	 * for an earlier revision are left for whoever releases them.
	 */
	private @Nullable Throwable drainOutsideOrUnder() {
		if (!this.lock.isHeldByCurrentThread()) {
			return this.dispatcher.drain();
		}
		this.dispatcher.cannotWait(true);
		try {
			return this.dispatcher.drain();
		}
		finally {
			this.dispatcher.cannotWait(false);
		}
	}

	/**
	 * Records what a commit sent by {@link AsyncCommits} committed, as made by that actor with no
	 * cause. Called with the lock held; throws nothing the backend did not.
	 * @return whether anything changed
	 */
	boolean recordSent(@Nullable String sentActor, CommitResult result, List<Write> writes) {
		this.actor = sentActor;
		this.causedBy = 0;
		try {
			boolean changed = record(result);
			if (this.backend.expiringEntries() != null) {
				this.journal.lifetimesBefore(List.of(), (p) -> null); // sent without a capture
				this.journal.lifetimesWritten(changed ? result.revision() : -1, writes);
			}
			if (this.sweeper != null) {
				this.sweeper.committed(writes);
			}
			return changed;
		}
		finally {
			this.actor = null;
		}
	}

	/**
	 * One write ({@code set}, {@code delete}).
	 * @param value the value as given, for the equality
	 * @param equality when not null, the write is skipped if it holds between the value there and
	 * the given one (compared under the lock, so no write of this controller comes between)
	 * @return whether anything changed
	 */
	boolean write(Write write, @Nullable Object value, @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality,
			@Nullable String actor) {
		return run(true, actor, WRITE, write, value, equality);
	}

	/**
	 * A read a write makes under the commit lock before it commits ({@code update},
	 * {@code getOrWrite}, an equality): an entry that fell due since the sweep before the work is
	 * deleted first with its own expiry commit, so the write never replaces a due value that had
	 * no expiry commit (its listeners would hear that value as the old one).
	 * @param path the path
	 * @return the value there
	 */
	@Nullable Object readLocked(StatePath path) {
		sweepFallenDueLocked();
		Object value = this.backend.read(path);
		// the read takes a clock reading of its own: an entry that fell due after the check above
		// reads as absent without an expiry commit, so it is swept now (this check reads the clock
		// later than the read did) and the path read again, until nothing fell due during a read;
		// a sweep that fails ends it (the timer tries again), and so does a backstop
		for (int again = 0; again < MAX_SWEEPS_PER_READ && sweepFallenDueLocked(); again++) {
			value = this.backend.read(path);
			ExpirySweeper expiring = this.sweeper;
			if (expiring != null && expiring.failing()) {
				break;
			}
		}
		return value;
	}

	/**
	 * After user code ran under the commit lock ({@code update}'s function): deletes, each with its
	 * own expiry commit, what fell due while it ran, so the write that follows never replaces a
	 * value that was due (DESIGN §12).
	 * @return whether anything was due (the caller reads again)
	 */
	boolean sweepFallenDueLocked() {
		ExpirySweeper expiring = this.sweeper;
		if (expiring == null || this.lock.getHoldCount() != 1 || !expiring.isDue(false)) {
			return false;
		}
		this.sweptInWork |= expiring.sweepLocked();
		return true;
	}

	private boolean writeLocked(Write write, @Nullable Object value,
			@Nullable BiPredicate<@Nullable Object, @Nullable Object> equality) {
		if (equality != null) {
			Object there = readLocked(write.path());
			if (equality.test(there, value)) {
				if (there == null) {
					return false;
				}
				// the value stays as it is, but its lifetime applies, none making it permanent (DESIGN §12)
				write = new Write(write.path(), there, write.payload(), write.lifetime());
			}
		}
		EffectJournal.Run run = EffectJournal.current();
		if (run != null && run.journal == this.journal && this.journal.changedByOthers(run)) {
			// an effect's write computed from values another writer changed since it read them
			// would overwrite that writer: the write is dropped, and the effect runs again on the
			// new values (its reads changed)
			return false;
		}
		return commit(List.of(write), List.of(), null);
	}

	/** A ping: heard like a change of the path to the value there, writing nothing. */
	void ping(StatePath path, @Nullable Object payload) {
		run(PING, path, payload, null);
	}

	/**
	 * A new derivation: adds it to the graph and commits its first value. A first value that
	 * cannot be committed is logged; the derivation stays.
	 */
	void install(DerivationImpl derivation) {
		run(INSTALL, derivation, null, null);
	}

	private boolean installLocked(DerivationImpl derivation) {
		this.graph.install(derivation);
		try {
			return commit(List.of(), List.of(), derivation);
		}
		catch (RuntimeException ex) {
			this.graph.firstValueFailed(derivation, ex);
			return false;
		}
	}

	/** Step 1, before the lock: refuses a write that would make a cascade too deep. */
	private void checkDepth() {
		if (nextDepth() > Dispatcher.MAX_CASCADE_DEPTH) {
			refuseCascade();
		}
	}

	private static void refuseCascade() {
		logger.error("StateTree stopped a cascade of listener writes after {} rounds", Dispatcher.MAX_CASCADE_DEPTH);
		throw new StateWriteException("Listener cascade deeper than " + Dispatcher.MAX_CASCADE_DEPTH
				+ " rounds: the write was refused");
	}

	/** The cascade depth a commit made on this thread has. */
	private int nextDepth() {
		return this.dispatcher.currentDepth() + 1;
	}

	/** Steps 2 and 3 for a ping: queues its delivery, writing nothing. Called with the lock held. */
	void queuePing(StatePath p, @Nullable Object value, @Nullable Object payload) {
		this.dispatcher.submit(new CommitRecord(this.recorder.lastRevision(), this.instanceId,
				List.of(new Change(p, value, value, payload)), CommitRecord.Kind.PING, nextDepth(),
				Thread.currentThread(), this.actor, this.causedBy));
	}

	/**
	 * Steps 2 and 3: commits writes with the derivations they trigger, and queues the changes for
	 * delivery. Called with the lock held.
	 * @return whether anything changed
	 */
	boolean commit(List<Write> writes, List<Precondition> preconditions) {
		return commit(writes, preconditions, null);
	}

	/**
	 * Steps 2 and 3, computing one derivation even if no source changed (its first value).
	 * @throws PreconditionFailedException when one of the caller's preconditions failed
	 */
	boolean commit(List<Write> writes, List<Precondition> preconditions, @Nullable DerivationImpl forced) {
		ExpiringEntries entries = this.backend.expiringEntries();
		if (entries != null) {
			// a computed value or effect in progress reads lifetimes at its pin (PinnedLifetimes)
			this.journal.lifetimesBefore(writes, entries::timeToLive);
		}
		CommitResult result = this.deriving.commit(writes, preconditions, forced, this.actor, this.causedBy,
				this.expiry, nextDepth(), this.followedExpiry);
		if (result == null) {
			return false;
		}
		List<Write> committed = this.deriving.committed();
		boolean changed = record(result);
		if (entries != null) {
			this.journal.lifetimesWritten(changed ? result.revision() : -1, committed);
		}
		if (this.sweeper != null) {
			// after recording: throws nothing, and nothing it does can lose the commit's events
			this.sweeper.committed(committed);
		}
		return changed;
	}

	/**
	 * Step 3 for what the backend committed: the revision, the history, the effect journal and
	 * the listeners' queues. Called with the lock held; throws nothing the backend did not.
	 * @return whether anything changed
	 */
	boolean record(CommitResult result) {
		if (result.revision() > 0 && result.revision() <= this.recorder.lastRevision() && this.backend.isShared()
				&& this.backend.hasOneRevisionSpace() && !RealChanges.of(result.changes()).isEmpty()) {
			// revisions of one namespace only increase: the backend moved back before the feed saw it
			// (a hybrid numbers its own commits apart from its shared backends' namespaces: their
			// feeds report their moves back themselves). A commit that changed nothing took no
			// revision, whatever number its backend gives it (a delete of an absent path must not
			// read as a move back: no resync, no revision)
			this.recorder.movedBackBefore(result.revision());
		}
		return this.recorder.record(result, this.actor, this.causedBy, this.expiry);
	}

}
