package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.PathPattern;
import io.statetree.core.StateEvent;
import io.statetree.core.StateListener;
import io.statetree.core.Subscription;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.ConsumerGroups;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One durable group listener on this instance (DESIGN §13): its pattern, its local members, the
 * pool its partitions run on ({@code concurrency} threads at most) and the wake-up. Computes a
 * partition's events from the history the way a watch replays it
 * ({@link EventRouter#replay}), keyed by the pattern's captured variables (else the emitting
 * path) and spread over the store's partitions by the key's hash. Woken by each commit this
 * controller hears that gives the pattern an event (an ordinary listener on the pattern: local,
 * remote and expiry commits alike); each member also looks at every partition it holds at each
 * claim renewal. Thread-safe.
 */
final class GroupRunner {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	final DefaultStateController controller;

	final String name;

	final String pattern;

	final PathPattern compiled;

	final GroupSettings settings;

	final GroupObserver observer;

	final ConsumerGroups store;

	private final int partitions;

	private final ScheduledExecutorService timer;

	private final ThreadPoolExecutor pool;

	private final List<GroupMember> members = new CopyOnWriteArrayList<>();

	private volatile @Nullable Subscription wakeUp;

	/** Reports the gaps in the history, each once. */
	private final GroupGaps gaps;

	/**
	 * Listener calls past the claim timeout whose partition was given up, still running (guarded
	 * by this): each frees a thread for the other partitions, up to {@code concurrency} of them.
	 */
	private int abandoned;

	/**
	 * The revision when this runner started: from then on the in-memory history keeps what the
	 * group needs ({@link RecentCommits.Retention}); a gap before it is a loss.
	 */
	private final long retainedFrom;

	/** One index for the retention check, used under the commit lock only. */
	private final PatternIndex<Callback> retentionIndex;

	GroupRunner(DefaultStateController controller, String name, String pattern, GroupSettings settings,
			GroupObserver observer, ConsumerGroups store, ScheduledExecutorService timer) {
		this.controller = controller;
		this.name = name;
		this.pattern = pattern;
		this.compiled = PathPattern.compile(pattern);
		this.settings = settings;
		this.observer = observer;
		this.store = store;
		this.partitions = store.partitions();
		this.timer = timer;
		this.retainedFrom = controller.backend().revision();
		this.gaps = new GroupGaps(name);
		this.retentionIndex = newIndex();
		AtomicInteger threads = new AtomicInteger();
		this.pool = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "statetree-group-" + name + "-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.pool.allowCoreThreadTimeOut(true);
	}

	/** Starts hearing commits: each one that gives the pattern an event wakes its partition. */
	void start() {
		this.wakeUp = this.controller.subscribe(this.pattern, new WakeUp());
	}

	int partitions() {
		return this.partitions;
	}

	/**
	 * Counts a listener call that ran past the claim timeout and whose partition was given up:
	 * it no longer counts against {@code concurrency}, so the pool gets a thread in its place (at
	 * most {@code concurrency} such extra threads) and the member's other partitions go on.
	 */
	synchronized void callAbandoned() {
		this.abandoned++;
		resize();
	}

	/** An abandoned call returned: its extra thread goes again. */
	synchronized void abandonedCallReturned() {
		this.abandoned--;
		resize();
	}

	/**
	 * Whether every thread of the pool is held by an abandoned call: then no member on this
	 * instance can start an event, so none holds a partition (others take them).
	 */
	synchronized boolean saturated() {
		return this.abandoned >= 2 * this.settings.concurrency();
	}

	private void resize() {
		int size = this.settings.concurrency() + Math.max(0, Math.min(this.abandoned, this.settings.concurrency()));
		try {
			if (size > this.pool.getMaximumPoolSize()) {
				this.pool.setMaximumPoolSize(size);
				this.pool.setCorePoolSize(size);
			}
			else if (size < this.pool.getMaximumPoolSize()) {
				this.pool.setCorePoolSize(size);
				this.pool.setMaximumPoolSize(size);
			}
		}
		catch (RuntimeException ex) {
			// the pool is shut down: the group is closing
		}
	}

	void add(GroupMember member) {
		this.members.add(member);
	}

	/**
	 * Removes a member.
	 * @return whether no member is left
	 */
	boolean remove(GroupMember member) {
		this.members.remove(member);
		return this.members.isEmpty();
	}

	Collection<GroupMember> members() {
		return this.members;
	}

	/** Stops the wake-up and the pool (members are closed first). */
	void close() {
		Subscription subscription = this.wakeUp;
		if (subscription != null) {
			try {
				subscription.close();
			}
			catch (RuntimeException ex) {
				// the controller is closing
			}
		}
		this.pool.shutdown();
	}

	void execute(Runnable task) {
		this.pool.execute(task);
	}

	void schedule(Runnable task, long nanos) {
		this.timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
	}

	/** The live wake-up: never throws (it runs after a commit, maybe on the writer's thread). */
	private void wake(StateEvent event) {
		try {
			if (event.isResync()) {
				for (GroupMember member : this.members) {
					member.wakeAll();
				}
				return;
			}
			int partition = partitionOf(keyOf(event));
			for (GroupMember member : this.members) {
				member.wake(partition);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree group '{}' could not be woken by revision {}; its members look again at their next "
					+ "claim renewal", this.name, event.revision(), ex);
		}
	}

	/**
	 * The group's wake-up, an ordinary listener on its pattern; described in
	 * {@code registrations()} by the group it wakes.
	 */
	private final class WakeUp implements StateListener {

		@Override
		public void onChange(StateEvent event) {
			wake(event);
		}

		@Override
		public String toString() {
			int count = GroupRunner.this.members.size();
			return "group '" + GroupRunner.this.name + "' wake-up (" + count + " member" + ((count == 1) ? "" : "s")
					+ " on this instance)";
		}

	}

	/** An event's key: the captured variables in pattern order ({@code a=1,b=2}), else the emitting path. */
	String keyOf(StateEvent event) {
		List<String> names = this.compiled.variableNames();
		if (names.isEmpty()) {
			return event.emittingPath().toString();
		}
		StringBuilder key = new StringBuilder();
		for (String variable : names) {
			if (key.length() > 0) {
				key.append(',');
			}
			key.append(variable).append('=').append(event.pathVariables().get(variable));
		}
		return key.toString();
	}

	int partitionOf(String key) {
		return Math.floorMod(key.hashCode(), this.partitions);
	}

	/** A one-pattern index for replaying commits (one per worker: replays do not share it). */
	PatternIndex<Callback> newIndex() {
		PatternIndex<Callback> index = new PatternIndex<>();
		index.add(this.compiled, new Callback("group-" + this.name, (event) -> {
		}, false, (callback, record) -> null), 0);
		return index;
	}

	/**
	 * Reads the partition's events of the commits after a revision, one page of the history.
	 * A gap (commits the history no longer holds) is reported loudly and skipped.
	 * @param index the worker's replay index
	 * @param partition the partition
	 * @param after the revision read through so far
	 * @param into receives the partition's events, in order
	 * @return the revision read through now
	 */
	long read(PatternIndex<Callback> index, int partition, long after, Collection<GroupItem> into) {
		CommitHistory history = this.controller.commitHistory();
		List<Commit> page = history.after(after, PartitionWorker.PAGE);
		long retained = history.retainedAfter();
		long through = after;
		if (retained > after) {
			boolean lost = !(history instanceof RecentCommits recent) || after < this.retainedFrom
					|| recent.neededLostThrough() > after;
			if (lost) {
				this.gaps.report(partition, after, retained);
			}
			// what is still retained after the horizon is read next time (commits dropped from the
			// in-memory history that gave this group no event are no loss)
			return retained;
		}
		for (Commit commit : page) {
			through = commit.revision();
			for (Event event : events(index, commit)) {
				String key = keyOf(event);
				if (partitionOf(key) == partition) {
					into.add(new GroupItem(event, key, null));
				}
			}
		}
		return through;
	}

	/**
	 * Whether a commit still retained in memory may give this group an event it has not handled:
	 * after the group's lowest cursor, with an event for the pattern. Called with the commit lock
	 * held; runs no user code.
	 */
	boolean needs(long revision, String origin, List<Change> changes) {
		if (!(this.store instanceof io.statetree.core.backend.LocalConsumerGroups local)
				|| revision <= local.lowestCursor(this.name)) {
			return false;
		}
		CommitRecord record = new CommitRecord(revision, origin, changes, CommitRecord.Kind.LOCAL, 0,
				Thread.currentThread(), null, 0, false);
		return !this.controller.router().replay(this.retentionIndex, record).isEmpty();
	}

	/** The events a commit from the history gives the group's pattern, in order. */
	private List<Event> events(PatternIndex<Callback> index, Commit commit) {
		List<Change> changes = new ArrayList<>(commit.changes().size());
		for (ChangedPath changed : commit.changes()) {
			changes.add(new Change(changed.path(), changed.oldValue(), changed.newValue(), null));
		}
		CommitRecord.Kind kind = commit.origin().equals(this.controller.instanceId()) ? CommitRecord.Kind.LOCAL
				: CommitRecord.Kind.REMOTE;
		CommitRecord record = new CommitRecord(commit.revision(), commit.origin(), changes, kind, 0,
				Thread.currentThread(), commit.actor(), commit.causedBy(), commit.expiry());
		return this.controller.router().replay(index, record);
	}

}
