package io.statetree.core.backend;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * One node of the {@link ExpiryIndex} trie, the path it stands for implied by where it hangs: its
 * own entry ({@code due == ExpiryIndex.NONE} and {@code owner == null} when it has none), its
 * children, and the number of ephemeral entries at and below it; with the walks the index makes
 * over nodes. Immutable and thread-safe.
 *
 * @param due the due time on the monotonic nanosecond clock, or {@link ExpiryIndex#NONE}
 * @param owner the ephemeral owner, or {@code null}
 * @param children the children by path segment
 * @param ephemeralCount the number of ephemeral entries at and below this node
 */
record ExpiryNode(long due, @Nullable String owner, ExpiryChildren<ExpiryNode> children, int ephemeralCount) {

	/** A node without children (no scan of them). */
	static ExpiryNode leaf(long due, @Nullable String owner) {
		return new ExpiryNode(due, owner, ExpiryChildren.empty(), (owner != null) ? 1 : 0);
	}

	static @Nullable ExpiryNode of(long due, @Nullable String owner, ExpiryChildren<ExpiryNode> children) {
		if (children.isEmpty()) {
			return (due == ExpiryIndex.NONE && owner == null) ? null : leaf(due, owner);
		}
		int[] count = { (owner != null) ? 1 : 0 };
		children.forEach((key, child) -> count[0] += child.ephemeralCount());
		return new ExpiryNode(due, owner, children, count[0]);
	}

	boolean hasEntry() {
		return this.due != ExpiryIndex.NONE || this.owner != null;
	}

	/** This node with one child replaced (the ephemeral count adjusted, nothing scanned). */
	@Nullable ExpiryNode withChild(String key, @Nullable ExpiryNode oldChild, @Nullable ExpiryNode newChild) {
		if (oldChild == newChild) {
			return this;
		}
		ExpiryChildren<ExpiryNode> next = (newChild != null) ? this.children.put(key, newChild)
				: this.children.remove(key);
		if (!hasEntry() && next.isEmpty()) {
			return null;
		}
		int count = this.ephemeralCount - ((oldChild != null) ? oldChild.ephemeralCount() : 0)
				+ ((newChild != null) ? newChild.ephemeralCount() : 0);
		return new ExpiryNode(this.due, this.owner, next, count);
	}

	/** Collects every due time of a trie with its path. */
	static final class DueCollector {

		long[] dues = new long[16];

		StatePath[] paths = new StatePath[16];

		int count;

		void visit(ExpiryNode node, StatePath at) {
			if (node.due() != ExpiryIndex.NONE) {
				if (this.count == this.dues.length) {
					this.dues = Arrays.copyOf(this.dues, this.count * 2);
					this.paths = Arrays.copyOf(this.paths, this.count * 2);
				}
				this.dues[this.count] = node.due();
				this.paths[this.count] = at;
				this.count++;
			}
			node.children().forEach((key, child) -> visit(child, at.child(key)));
		}

	}

	/** The subtree at {@code node} with the entry put at the path, in one walk down. */
	static @Nullable ExpiryNode put(@Nullable ExpiryNode node, StatePath path, int index, long due,
			@Nullable String owner, boolean keepChildren, boolean keepOwn) {
		if (index == path.depth()) {
			if (keepOwn) {
				if (node == null || !node.hasEntry()) {
					return null;
				}
				return node.children().isEmpty() ? node : ExpiryNode.leaf(node.due(), node.owner());
			}
			if (keepChildren && node != null && !node.children().isEmpty()) {
				return ExpiryNode.of(due, owner, node.children());
			}
			return (due == ExpiryIndex.NONE && owner == null) ? null : ExpiryNode.leaf(due, owner);
		}
		String key = path.segment(index);
		ExpiryNode child = (node != null) ? node.children().get(key) : null;
		if (child == null && due == ExpiryIndex.NONE && owner == null) {
			return node; // nothing to clear below here
		}
		ExpiryNode updated = put(child, path, index + 1, due, owner, keepChildren, keepOwn);
		if (node == null) {
			return (updated == null) ? null
					: new ExpiryNode(ExpiryIndex.NONE, null, ExpiryChildren.<ExpiryNode>empty().put(key, updated),
							updated.ephemeralCount());
		}
		return node.withChild(key, child, updated);
	}

	/** Adds the shallowest due paths strictly below a node that is not due itself. */
	static void collectDue(ExpiryNode node, StatePath at, long now, List<StatePath> into) {
		node.children().forEach((key, child) -> {
			if (child.due() <= now) {
				into.add(at.child(key));
			}
			else if (!child.children().isEmpty()) {
				collectDue(child, at.child(key), now, into);
			}
		});
	}

	/** Adds the shallowest ephemeral entries of an owner (any owner for {@code null}) at and below a node. */
	static void collectEphemeral(ExpiryNode node, StatePath at, @Nullable String owner, List<StatePath> into) {
		if (node.owner() != null && (owner == null || owner.equals(node.owner()))) {
			into.add(at);
			return;
		}
		node.children().forEach((key, child) -> {
			if (child.ephemeralCount() > 0) {
				collectEphemeral(child, at.child(key), owner, into);
			}
		});
	}

	/** Adds every entry at and below a node. */
	static void collectEntries(ExpiryNode node, StatePath at, Map<StatePath, ExpiryIndex.Entry> into) {
		if (node.hasEntry()) {
			into.put(at, new ExpiryIndex.Entry(node.due(), node.owner()));
		}
		node.children().forEach((key, child) -> collectEntries(child, at.child(key), into));
	}
}
