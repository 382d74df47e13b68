package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The mount table of a {@link HybridBackend} (DESIGN §7): the root backend and the backends
 * mounted at paths, in path order. Mount points never lie above or below each other
 * ({@link #with} refuses it), so at most one mount serves a path. Immutable: mounting makes a
 * new table, so a reader or a commit works on one table throughout; thread-safe.
 */
final class Mounts {

	private final StateBackend root;

	private final Map<StatePath, StateBackend> points;

	private Mounts(StateBackend root, Map<StatePath, StateBackend> points) {
		this.root = root;
		this.points = points;
	}

	/**
	 * A table without mounts.
	 * @param root the backend serving every path
	 * @return the table
	 */
	static Mounts of(StateBackend root) {
		return new Mounts(root, Collections.emptyMap());
	}

	/** The backend serving every path not under a mount point. */
	StateBackend root() {
		return this.root;
	}

	/** The mounts: an unmodifiable map of mount point to backend, in path order. */
	Map<StatePath, StateBackend> points() {
		return this.points;
	}

	/**
	 * The table with one more mount.
	 * @param path the mount point, not the root
	 * @param backend the backend to serve it
	 * @return the new table
	 * @throws IllegalArgumentException if the path is already a mount point or lies above or below
	 * one; the message names both paths
	 */
	Mounts with(StatePath path, StateBackend backend) {
		for (StatePath existing : this.points.keySet()) {
			if (existing.equals(path)) {
				throw new IllegalArgumentException("Cannot mount at " + path + ": " + existing
						+ " is already a mount point");
			}
			if (existing.isAncestorOf(path) || path.isAncestorOf(existing)) {
				throw new IllegalArgumentException("Cannot mount at " + path + ": it overlaps the mount point "
						+ existing + " (mount points may not lie above or below each other)");
			}
		}
		TreeMap<StatePath, StateBackend> next = new TreeMap<>(this.points);
		next.put(path, backend);
		return new Mounts(this.root, Collections.unmodifiableMap(next));
	}

	/**
	 * The table without a mount.
	 * @param path the mount point
	 * @return the new table, or {@code null} when nothing is mounted there
	 */
	@Nullable Mounts without(StatePath path) {
		if (!this.points.containsKey(path)) {
			return null;
		}
		TreeMap<StatePath, StateBackend> next = new TreeMap<>(this.points);
		next.remove(path);
		return new Mounts(this.root, Collections.unmodifiableMap(next));
	}

	/**
	 * The one backend serving a path and everything below it.
	 * @param path the path
	 * @return the mount at or above it, the root backend when no mount point is at, above or
	 * below it, or {@code null} when the path lies above a mount point
	 */
	@Nullable StateBackend owner(StatePath path) {
		for (Map.Entry<StatePath, StateBackend> mount : this.points.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				return mount.getValue();
			}
			if (path.isAncestorOf(mount.getKey())) {
				return null;
			}
		}
		return this.root;
	}

	/** Lets every backend that keeps its revision store the one a commit may get. */
	void reserveRevision(long revision) {
		this.root.reserveRevision(revision);
		for (StateBackend backend : this.points.values()) {
			backend.reserveRevision(revision);
		}
	}

	/** Hands a reservation back to every backend ({@link RevisionReservations}). */
	void releaseRevision(long revision) {
		RevisionReservations.release(this.root, revision);
		for (StateBackend backend : this.points.values()) {
			RevisionReservations.release(backend, revision);
		}
	}

	/** Whether the root or a mounted backend is shared with other instances. */
	boolean isShared() {
		if (this.root.isShared()) {
			return true;
		}
		for (StateBackend backend : this.points.values()) {
			if (backend.isShared()) {
				return true;
			}
		}
		return false;
	}

	/** The root backend, then the mounted ones in path order, in a new list. */
	List<StateBackend> all() {
		List<StateBackend> backends = new ArrayList<>();
		backends.add(this.root);
		backends.addAll(this.points.values());
		return backends;
	}

	/** The mounts as a map prints them: {@code {/users=...}}. */
	@Override
	public String toString() {
		return this.points.toString();
	}

}
