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
 * another member takes it), and this member claims no partition while a call of its own on it
 * still runs; when every thread of the group on this instance is held by such stuck calls
 * ({@link GroupRunner#saturated}) it holds no partition at all. Partitions with work in hand are
 * kept when the fair share shrinks;
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

	/**
	 * Workers lost while their listener call still runs (the claim lapsed, was given up or
	 * taken): their partitions are neither claimed nor renewed by this member until the call
	 * returns, so one member never runs two calls on one key. Guarded by this.
	 */
	private final Set<PartitionWorker> lingering = new HashSet<>();

	/** The worker whose listener call closed this member, acknowledged before leaving; guarded by this. */
	private @Nullable PartitionWorker closedFrom;

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
		this.lingering.removeIf((worker) -> !worker.calling());
		for (PartitionWorker worker : this.lingering) {
			skip.add(worker.partition);
			if (worker.stuckLongerThan(timeout, now)) {
				worker.abandon();
			}
		}
		boolean saturated = this.runner.saturated();
		if (saturated) {
			// every thread is held by a stuck call: this member can handle nothing, so it holds nothing
			for (int partition = 0; partition < this.runner.partitions(); partition++) {
				skip.add(partition);
			}
		}
		for (PartitionWorker worker : this.workers.values()) {
			if (worker.isLost()) {
				continue;
			}
			if (saturated || worker.stuckLongerThan(timeout, now)) {
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
		catch (RuntimeException ex) {
			for (PartitionWorker worker : frozen) {
				worker.unfreeze();
			}
			throw ex;
		}
		Map<Integer, PartitionClaim> held = new HashMap<>();
		for (PartitionClaim claim : claims) {
			held.put(claim.partition(), claim);
		}
		for (PartitionWorker worker : List.copyOf(this.workers.values())) {
			PartitionClaim claim = held.get(worker.partition);
			if (claim == null || claim.token() != worker.token || worker.isLost()) {
				if (worker.loseWhileCalling()) {
					this.lingering.add(worker);
					if (worker.stuckLongerThan(timeout, now)) {
						worker.abandon();
					}
				}
				this.workers.remove(worker.partition, worker);
			}
		}
		// given-up partitions are lost before the frozen workers may start again
		for (PartitionWorker worker : frozen) {
			worker.unfreeze();
		}
		for (PartitionClaim claim : claims) {
			if (skip.contains(claim.partition())) {
				// a store that ignored the skip: the claim lapses, no worker runs beside the call
				continue;
			}
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
		PartitionWorker own = null;
		for (PartitionWorker worker : this.workers.values()) {
			if (worker.callingHere()) {
				own = worker;
			}
		}
		long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
		for (PartitionWorker worker : this.workers.values()) {
			// until the worker's run ends: the call under way and its acknowledgement (else a clean
			// close hands the next start an event it already handled)
			while (worker != own && worker.busy() && System.nanoTime() - deadline < 0) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
		}
		synchronized (this) {
			for (PartitionWorker worker : this.workers.values()) {
				if (worker != own) {
					worker.lose();
				}
			}
			this.workers.clear();
			if (own != null) {
				// closed from inside its own listener call: that call is acknowledged when it
				// returns, then the claims are given up (ownCallEnded)
				this.closedFrom = own;
				return;
			}
		}
		leave();
	}

	/**
	 * Ends a close made from inside a listener call of this member, once that call's run is over
	 * (its event acknowledged when it returned normally).
	 * @param worker the worker whose run ends
	 */
	void ownCallEnded(PartitionWorker worker) {
		synchronized (this) {
			if (this.closedFrom != worker) {
				return;
			}
			this.closedFrom = null;
			worker.lose();
		}
		leave();
	}

	private void leave() {
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
