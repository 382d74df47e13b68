package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StatePath;
import io.statetree.core.backend.InMemoryBackend.Snapshot;
import org.jspecify.annotations.Nullable;

/**
 * The lifetime capability of an {@link InMemoryBackend} ({@link ExpiringEntries}, DESIGN §12), read
 * from one snapshot per call.
 */
final class MemoryLifetimes implements ExpiringEntries {

	private final InMemoryBackend backend;

	private final AtomicReference<Snapshot> state;

	private final CommitClock clock;

	MemoryLifetimes(InMemoryBackend backend, AtomicReference<Snapshot> state, CommitClock clock) {
		this.backend = backend;
		this.state = state;
		this.clock = clock;
	}

	@Override
	public @Nullable Duration timeToLive(StatePath path) {
		Snapshot current = this.state.get();
		if (!current.hasLifetimes()) {
			return null;
		}
		long now = this.clock.now();
		long left = current.expiry().remaining(path, now);
		long slot = TreeDues.dueAlong(current.root(), path);
		if (slot != TreeDues.NONE) {
			left = Math.min(left, slot - now);
		}
		if (left == ExpiryIndex.NONE || left <= 0 || StateValues.getIn(current.root(), path) == null) {
			return null;
		}
		return Duration.ofNanos(Math.max(left, 1_000_000));
	}

	@Override
	public long nanosUntilNextDue() {
		Snapshot current = this.state.get();
		return current.hasLifetimes() ? nanosUntil(current, this.clock.now()) : Long.MAX_VALUE;
	}

	/** Lends its clock reading to the commit that follows on this thread (when it reads one). */
	@Override
	public long nanosUntilNextDueBeforeCommit() {
		Snapshot current = this.state.get();
		return current.hasLifetimes() ? nanosUntil(current, this.clock.lend()) : Long.MAX_VALUE;
	}

	/** Exact when something is due, else at most the time left. */
	private long nanosUntil(Snapshot current, long now) {
		long index = current.expiry().isEmpty() ? Long.MAX_VALUE : current.expiry().nanosUntilNextDue(now);
		if (current.hints().isEmpty()) {
			return index;
		}
		long bound = current.hints().bound();
		if (bound <= now) {
			bound = this.backend.exactHints(current, now).bound();
		}
		long slots = (bound == TreeDues.NONE) ? Long.MAX_VALUE : Math.max(0, bound - now);
		return Math.min(index, slots);
	}

	@Override
	public void commitEnded() {
		this.clock.release();
	}

	@Override
	public List<StatePath> due() {
		Snapshot current = this.state.get();
		if (!current.hasLifetimes()) {
			return List.of();
		}
		long now = this.clock.now();
		List<StatePath> index = current.expiry().isEmpty() ? List.of() : current.expiry().due(now);
		if (current.hints().isEmpty() || current.hints().bound() > now) {
			return index;
		}
		List<StatePath> slots = this.backend.exactHints(current, now).dueAt(current.root(), now);
		if (slots.isEmpty()) {
			return index;
		}
		List<StatePath> all = new ArrayList<>(index);
		all.addAll(slots);
		return shallowest(all);
	}

	@Override
	public List<StatePath> ephemeral(String owner) {
		return this.state.get().expiry().ephemeral(owner);
	}

	@Override
	public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
		Snapshot current = this.state.get();
		if (value == null || !current.hasLifetimes()) {
			return value;
		}
		long now = this.clock.now();
		return (current.nextDue() > now) ? value : this.backend.withoutDue(current, path, value, now);
	}

	@Override
	public Map<StatePath, Lifetime> lifetimes() {
		Snapshot current = this.state.get();
		long now = this.clock.now();
		Map<StatePath, Lifetime> index = current.expiry().lifetimes(now);
		if (current.hints().isEmpty()) {
			return index;
		}
		Map<StatePath, Lifetime> all = new HashMap<>(index);
		current.hints().forEachLive(current.root(),
				(path, due) -> all.put(path, Lifetime.ttl(Duration.ofNanos(Math.max(1, due - now)))));
		return Collections.unmodifiableMap(all);
	}

	/** The paths none of which lies below another, shallowest first. */
	private static List<StatePath> shallowest(List<StatePath> paths) {
		paths.sort(Comparator.comparingInt(StatePath::depth));
		Set<StatePath> kept = new HashSet<>();
		List<StatePath> result = new ArrayList<>();
		for (StatePath path : paths) {
			boolean below = false;
			for (int d = 0; d <= path.depth() && !below; d++) {
				below = kept.contains((d == path.depth()) ? path : path.prefix(d));
			}
			if (!below) {
				kept.add(path);
				result.add(path);
			}
		}
		return result;
	}

}
