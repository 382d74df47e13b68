package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.StateListener;
import io.statetree.core.backend.GroupMembership;
import io.statetree.core.backend.PartitionClaim;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local member of a group (one group subscription, DESIGN §13): renews its claims every
 * third of the claim timeout and runs a {@link PartitionWorker} per partition it holds. A
 * partition whose listener has run longer than the claim timeout is not renewed (it lapses and
 * another member takes it); partitions with work in hand are kept when the fair share shrinks;
 * idle ones are frozen while the claims are renewed, so none starts an event on a partition
 * being given up. Thread-safe: claims are renewed on the timer thread, one renewal at a time.
 */
final class GroupMember {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** How long closing waits for listener calls under way. */
	private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

	final GroupRunner runner;

	final StateListener listener;

	final String id;

	private final GroupMembership membership;

	private final Map<Integer, PartitionWorker> workers = new ConcurrentHashMap<>();

	private volatile boolean closing;

	private @Nullable ScheduledFuture<?> renewal;

	GroupMember(GroupRunner runner, StateListener listener, String id, GroupMembership membership) {
		this.runner = runner;
		this.listener = listener;
		this.id = id;
		this.membership = membership;
	}

	GroupMembership membership() {
		return this.membership;
	}

	boolean closing() {
		return this.closing;
	}

	/** Claims now, then every third of the claim timeout. */
	synchronized void start(ScheduledExecutorService timer) {
		long period = Math.max(1, this.runner.settings.claimTimeout().toNanos() / 3);
		this.renewal = timer.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.NANOSECONDS);
	}

	/** Wakes the worker of a partition, when this member holds it. */
	void wake(int partition) {
		PartitionWorker worker = this.workers.get(partition);
		if (worker != null) {
			worker.wake();
		}
	}

	void wakeAll() {
		for (PartitionWorker worker : this.workers.values()) {
			worker.wake();
		}
	}

	/** Tells the holder of a partition to take its redeliveries, when this member holds it. */
	void redeliveries(int partition) {
		PartitionWorker worker = this.workers.get(partition);
		if (worker != null) {
			worker.redeliveries();
		}
	}

	/** Renews the claims and reconciles the workers; never throws (runs on the timer). */
	void renew() {
		try {
			renewClaims();
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree group '{}': member {} could not renew its claims: {}; its claims lapse after {} "
					+ "unless the next renewal succeeds", this.runner.name, this.id, Redacted.describe(ex),
					this.runner.settings.claimTimeout());
		}
	}

	private synchronized void renewClaims() {
		if (this.closing) {
			return;
		}
		long now = System.nanoTime();
		long timeout = this.runner.settings.claimTimeout().toNanos();
		Set<Integer> keep = new HashSet<>();
		Set<Integer> skip = new HashSet<>();
		List<PartitionWorker> frozen = new ArrayList<>();
		for (PartitionWorker worker : this.workers.values()) {
			if (worker.isLost()) {
				continue;
			}
			if (worker.stuckLongerThan(timeout, now)) {
				skip.add(worker.partition);
			}
			else if (worker.freezeIfIdle()) {
				frozen.add(worker);
			}
			else {
				keep.add(worker.partition);
			}
		}
		List<PartitionClaim> claims;
		try {
			claims = this.membership.claim(this.runner.settings.claimTimeout(), keep, skip);
		}
		finally {
			for (PartitionWorker worker : frozen) {
				worker.unfreeze();
			}
		}
		Map<Integer, PartitionClaim> held = new HashMap<>();
		for (PartitionClaim claim : claims) {
			held.put(claim.partition(), claim);
		}
		for (PartitionWorker worker : List.copyOf(this.workers.values())) {
			PartitionClaim claim = held.get(worker.partition);
			if (claim == null || claim.token() != worker.token || worker.isLost()) {
				worker.lose();
				this.workers.remove(worker.partition, worker);
			}
		}
		for (PartitionClaim claim : claims) {
			if (!this.workers.containsKey(claim.partition())) {
				this.workers.put(claim.partition(), new PartitionWorker(this, claim));
				this.runner.observer.claimed(this.runner.name, claim.partition());
			}
		}
		for (PartitionWorker worker : this.workers.values()) {
			// each renewal looks for redeliveries and for commits no wake-up announced
			worker.redeliveries();
		}
	}

	/**
	 * Leaves the group: no new event starts, listener calls under way may finish (up to 5 s),
	 * then the claims are given up at once so other members take the partitions.
	 */
	void close() {
		ScheduledFuture<?> scheduled;
		synchronized (this) {
			this.closing = true;
			scheduled = this.renewal;
		}
		if (scheduled != null) {
			scheduled.cancel(false);
		}
		long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
		for (PartitionWorker worker : this.workers.values()) {
			while (!worker.callingHere() && worker.stuckLongerThan(-1, System.nanoTime())
					&& System.nanoTime() - deadline < 0) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
		}
		synchronized (this) {
			for (PartitionWorker worker : this.workers.values()) {
				worker.lose();
			}
			this.workers.clear();
		}
		try {
			this.membership.close();
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree group '{}': member {} could not give up its claims: {}; they lapse after {}",
					this.runner.name, this.id, Redacted.describe(ex), this.runner.settings.claimTimeout());
		}
	}

	/** The partitions held now, for inspection. */
	Set<Integer> partitions() {
		return Set.copyOf(this.workers.keySet());
	}

}
