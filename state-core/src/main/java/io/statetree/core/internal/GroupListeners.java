package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.DeadLetter;
import io.statetree.core.PathPattern;
import io.statetree.core.StateController.GroupStatus;
import io.statetree.core.StateListener;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.Subscription;
import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.DeadLetterRecord;
import io.statetree.core.backend.GroupInfo;
import io.statetree.core.backend.GroupMembership;
import io.statetree.core.backend.LocalConsumerGroups;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * The controller's durable group listeners (DESIGN §13): group subscriptions, dead letters and
 * the groups' status. Group progress lives in the backend's {@link ConsumerGroups}; a backend
 * without one that is not shared gets a {@link LocalConsumerGroups} (lost with the process); a
 * shared one without it is refused at subscribe time. Threads (a timer for claims and back-offs,
 * a pool per group) start with the first group subscription. Thread-safe.
 */
final class GroupListeners {

	private final DefaultStateController controller;

	private final StateBackend backend;

	private final GroupSettings settings;

	private final GroupObserver observer;

	private final AtomicLong memberIds = new AtomicLong();

	// guarded by this
	private final Map<String, GroupRunner> runners = new HashMap<>();

	/** The runners, for the in-memory history's retention check (read under the commit lock). */
	private volatile List<GroupRunner> active = List.of();

	private @Nullable ConsumerGroups local;

	private @Nullable ScheduledThreadPoolExecutor timer;

	private boolean closed;

	GroupListeners(DefaultStateController controller, StateBackend backend, GroupSettings settings,
			GroupObserver observer) {
		this.controller = controller;
		this.backend = backend;
		this.settings = Objects.requireNonNull(settings, "groups");
		this.observer = observer;
	}

	/** The store of group progress, or null when the backend cannot give the guarantee. */
	private synchronized @Nullable ConsumerGroups store() {
		ConsumerGroups own = this.backend.consumerGroups();
		if (own != null) {
			return own;
		}
		if (this.backend.isShared()) {
			return null;
		}
		if (this.local == null) {
			this.local = new LocalConsumerGroups();
		}
		return this.local;
	}

	Subscription subscribe(String pattern, StateListener listener, String group) {
		PathPattern.compile(pattern);
		Objects.requireNonNull(listener, "listener");
		ConsumerGroups store = store();
		if (store == null) {
			throw new UnsupportedOperationException("Group '" + group + "' cannot be subscribed on the backend "
					+ this.backend.describe() + ": it is shared between instances but keeps no group progress (no "
					+ "ConsumerGroups), so it cannot hand each event to exactly one member");
		}
		GroupRunner runner;
		GroupMember member;
		synchronized (this) {
			if (this.closed) {
				throw new IllegalStateException("StateController is closed");
			}
			runner = this.runners.get(group);
			if (runner != null && !runner.pattern.equals(pattern)) {
				throw new IllegalArgumentException("Group '" + group + "' listens to '" + runner.pattern
						+ "'; a member cannot join it with pattern '" + pattern + "' (one pattern per group)");
			}
			String id = this.controller.instanceId() + "/group-listener-" + this.memberIds.incrementAndGet();
			GroupMembership membership = store.join(group, pattern, id, this.backend.revision());
			boolean created = runner == null;
			if (created) {
				runner = new GroupRunner(this.controller, group, pattern, this.settings, this.observer, store,
						timer());
			}
			member = new GroupMember(runner, listener, id, membership);
			runner.add(member);
			if (created) {
				this.runners.put(group, runner);
				this.active = List.copyOf(this.runners.values());
				if (this.controller.commitHistory() instanceof RecentCommits recent) {
					recent.retention(this::needed);
				}
				runner.start();
			}
			member.start(timer());
		}
		GroupRunner joined = runner;
		java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
		return () -> {
			if (left.compareAndSet(false, true)) {
				leave(joined, member);
			}
		};
	}

	private void leave(GroupRunner runner, GroupMember member) {
		member.close();
		synchronized (this) {
			if (runner.remove(member) && this.runners.get(runner.name) == runner) {
				this.runners.remove(runner.name);
				this.active = List.copyOf(this.runners.values());
				runner.close();
			}
		}
	}

	/** The in-memory history's retention: whether a group on this controller still needs a commit. */
	private boolean needed(long revision, String origin, List<io.statetree.core.backend.Change> changes) {
		for (GroupRunner runner : this.active) {
			if (runner.needs(revision, origin, changes)) {
				return true;
			}
		}
		return false;
	}

	private synchronized ScheduledThreadPoolExecutor timer() {
		if (this.timer == null) {
			ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "statetree-groups");
				thread.setDaemon(true);
				return thread;
			});
			created.setRemoveOnCancelPolicy(true);
			this.timer = created;
		}
		return this.timer;
	}

	/** Refuses a call after the controller's {@code close()}, as the rest of its API does. */
	private synchronized void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("StateController is closed");
		}
	}

	List<DeadLetter> deadLetters(String group) {
		SubscribeOptions.group(group);
		checkOpen();
		ConsumerGroups store = store();
		if (store == null) {
			return List.of();
		}
		List<DeadLetter> letters = new ArrayList<>();
		for (DeadLetterRecord record : store.deadLetters(group)) {
			letters.add(new GroupDeadLetter(this, record));
		}
		return List.copyOf(letters);
	}

	boolean redeliver(DeadLetterRecord record) {
		checkOpen();
		ConsumerGroups store = Objects.requireNonNull(store());
		if (!store.redeliver(record.group(), record.id())) {
			return false;
		}
		GroupRunner runner;
		synchronized (this) {
			runner = this.runners.get(record.group());
		}
		if (runner != null) {
			for (GroupMember member : runner.members()) {
				member.redeliveries(record.partition());
			}
		}
		return true;
	}

	boolean discard(DeadLetterRecord record) {
		checkOpen();
		return Objects.requireNonNull(store()).discard(record.group(), record.id());
	}

	List<GroupStatus> groups() {
		ConsumerGroups store = store();
		if (store == null) {
			return List.of();
		}
		long latest = this.controller.revision();
		List<GroupStatus> statuses = new ArrayList<>();
		for (GroupInfo info : store.groups()) {
			long slowest = info.cursors().stream().mapToLong(Long::longValue).min().orElse(latest);
			statuses.add(new GroupStatus(info.group(), List.copyOf(info.members()), Math.max(0, latest - slowest),
					info.deadLetters(), info.pattern()));
		}
		return List.copyOf(statuses);
	}

	/** Leaves every group (listener calls under way may finish) and stops the threads. */
	void close() {
		List<GroupRunner> open;
		synchronized (this) {
			this.closed = true;
			open = List.copyOf(this.runners.values());
			this.runners.clear();
			this.active = List.of();
		}
		for (GroupRunner runner : open) {
			for (GroupMember member : List.copyOf(runner.members())) {
				member.close();
			}
			runner.close();
		}
		ScheduledThreadPoolExecutor stop;
		synchronized (this) {
			stop = this.timer;
		}
		if (stop != null) {
			stop.shutdownNow();
		}
	}

}
