package io.statetree.core.backend;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory copy a {@link CachingBackend} keeps (DESIGN §7): a tree of complete subtrees
 * ({@code Known}: a value, or known to be absent) below branches of which only some children are
 * known ({@code Partial}). A lookup answers only from a complete subtree at or above the path.
 * The tree is immutable behind one atomic root, so lookups are lock-free; every change is a
 * compare-and-set. A generation counter, raised by every invalidation, lets a value read from the
 * delegate be installed only when nothing was invalidated since the read began. Thread-safe.
 */
final class CacheTree {

	/** What {@link #lookup} returns for a path the copy does not know. */
	static final Object MISS = new Object();

	private final AtomicReference<Node> root = new AtomicReference<>(Partial.EMPTY);

	private final AtomicLong generation = new AtomicLong();

	private sealed interface Node permits Known, Partial {

	}

	/** A complete subtree: its value, {@code null} when the path is known to be absent. */
	private record Known(@Nullable Object value) implements Node {

	}

	/** Some children are known; the branch itself is not. */
	private record Partial(PersistentOrderedMap<String, Node> children) implements Node {

		static final Partial EMPTY = new Partial(PersistentOrderedMap.empty());

	}

	/**
	 * Looks a path up.
	 * @param path the path
	 * @return its value ({@code null} when known to be absent), or {@link #MISS} when not known
	 */
	@Nullable Object lookup(StatePath path) {
		return lookup(this.root.get(), path);
	}

	/**
	 * The current generation, to pass to {@link #install} after reading from the delegate.
	 * @return the number of invalidations so far
	 */
	long generation() {
		return this.generation.get();
	}

	/**
	 * Installs a value read from the delegate unless an invalidation happened since {@code seen}.
	 * @param path the path read
	 * @param value its whole subtree, or {@code null} for absent
	 * @param seen the generation before the read
	 */
	void install(StatePath path, @Nullable Object value, long seen) {
		while (true) {
			Node current = this.root.get();
			if (this.generation.get() != seen) {
				return;
			}
			if (this.root.compareAndSet(current, put(current, path, 0, value))) {
				return;
			}
		}
	}

	/**
	 * Applies a commit's writes to the copy (each write's value becomes a complete subtree), first
	 * computing the result, so a write the copy refuses throws before anything changes.
	 * @param writes the writes, in order
	 * @param install whether to install the result; {@code false} only checks
	 * @return whether it was installed
	 */
	boolean apply(List<Write> writes, boolean install) {
		while (true) {
			Node current = this.root.get();
			Node updated = current;
			for (Write write : writes) {
				updated = put(updated, write.path(), 0, write.value());
			}
			if (!install) {
				return false;
			}
			if (this.root.compareAndSet(current, updated)) {
				return true;
			}
		}
	}

	/**
	 * Forgets the subtree at a path, and the completeness of its ancestors.
	 * @param path the path
	 */
	void invalidate(StatePath path) {
		this.generation.incrementAndGet();
		while (true) {
			Node current = this.root.get();
			Node updated = drop(current, path, 0);
			if (this.root.compareAndSet(current, (updated != null) ? updated : Partial.EMPTY)) {
				return;
			}
		}
	}

	/** Forgets everything. */
	void invalidateAll() {
		this.generation.incrementAndGet();
		this.root.set(Partial.EMPTY);
	}

	/**
	 * A delete below a leaf changes nothing (its path keeps the value read into the leaf), but
	 * the copy may know that path apart from the leaf and have dropped it: forget it there, so
	 * the next read asks the delegate with the pending commits applied.
	 */
	void forgetDeletesBelowLeaves(List<Write> writes, List<Change> changes) {
		for (Change change : changes) {
			if (change.newValue() == null) {
				continue;
			}
			for (Write write : writes) {
				if (write.value() == null && write.path().equals(change.path())) {
					invalidate(change.path());
					break;
				}
			}
		}
	}

	private static @Nullable Object lookup(Node root, StatePath path) {
		Node node = root;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			if (node instanceof Known known) {
				Object value = known.value();
				for (int j = i; j < depth && value != null; j++) {
					value = StateValues.child(value, path.segment(j));
				}
				return value;
			}
			node = ((Partial) node).children().get(path.segment(i));
			if (node == null) {
				return MISS;
			}
		}
		return (node instanceof Known known) ? known.value() : MISS;
	}

	/** Puts a complete subtree at a path, below any known ancestor or as a new known node. */
	private static Node put(Node node, StatePath path, int index, @Nullable Object value) {
		if (node instanceof Known known) {
			StatePath prefix = path.prefix(index);
			Object updated = StateValues.setIn(known.value(), prefix, prefix.relativize(path), value);
			return new Known((updated == null && prefix.isRoot()) ? StateValues.emptyBranch() : updated);
		}
		if (index == path.depth()) {
			return new Known((value == null && path.isRoot()) ? StateValues.emptyBranch() : value);
		}
		Partial partial = (Partial) node;
		String key = path.segment(index);
		Node child = partial.children().get(key);
		return new Partial(partial.children().put(key, put((child != null) ? child : Partial.EMPTY, path, index + 1, value)));
	}

	/** Forgets a path's subtree, and the completeness of its ancestors. */
	private static @Nullable Node drop(@Nullable Node node, StatePath path, int index) {
		if (node == null || index == path.depth()) {
			return null;
		}
		Partial partial;
		if (node instanceof Known known) {
			if (!(known.value() instanceof Map<?, ?> map)) {
				return null;
			}
			PersistentOrderedMap<String, Node> children = PersistentOrderedMap.empty();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				children = children.put((String) entry.getKey(), new Known(entry.getValue()));
			}
			partial = new Partial(children);
		}
		else {
			partial = (Partial) node;
		}
		String key = path.segment(index);
		Node child = partial.children().get(key);
		if (child == null) {
			return partial;
		}
		Node updated = drop(child, path, index + 1);
		return new Partial((updated == null) ? partial.children().remove(key) : partial.children().put(key, updated));
	}

}
