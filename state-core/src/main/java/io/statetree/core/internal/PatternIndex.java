package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;

/**
 * An index of values registered under path patterns (DESIGN §3; the listener lookup of §5): a
 * trie over segments with literal, {@code *}, {@code **} and variable nodes. Matching a path
 * costs in proportion to the path's depth and the matches, never to the number of registered
 * patterns.
 * <p>
 * Thread-safe: writers replace an immutable trie (copy-on-write); readers work on a snapshot
 * obtained through {@link #root()} and never block.
 *
 * @param <V> the registered values
 */
final class PatternIndex<V> {

	private static final Comparator<Entry<?>> BY_ORDER = Comparator.comparingLong(Entry::order);

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final States<?> DEAD = new States(new Node[0]);

	/** The current trie; replaced as a whole by writers, read without locking. */
	private volatile Node<V> root = Node.empty();

	/**
	 * The {@link #prefixCursors} walk of the path asked last, with the trie it was made on: a path
	 * routed again (the common hot leaf) costs no walk. Volatile, and emptied after every change
	 * of the trie, so no old trie (and no unsubscribed listener in it) stays reachable from here
	 * once its change returned: a walk that stored its memo while the trie changed finds the new
	 * root when it reads it again and empties the memo itself.
	 */
	private volatile @Nullable PrefixWalk<V> lastWalk;

	/** One path's cursors on one trie (identified by its root cursor); the array is never written. */
	private record PrefixWalk<V>(Cursor<V> root, StatePath path, Cursor<V>[] cursors) {
	}

	/**
	 * A registered value with its pattern and registration order.
	 * @param pattern the pattern it was registered under
	 * @param value the value
	 * @param order the registration order; matches are returned sorted by it
	 * @param <V> the value type
	 */
	record Entry<V>(PathPattern pattern, V value, long order) {
	}

	/**
	 * A position in the trie after consuming some segments of a concrete path. Immutable.
	 * @param <V> the value type
	 */
	interface Cursor<V> {

		/**
		 * Consumes one more segment.
		 * @param segment the next segment of the concrete path
		 * @return the cursor after it (possibly dead)
		 */
		Cursor<V> advance(String segment);

		/**
		 * Tells whether no pattern can match the consumed path or any path below it.
		 * @return {@code true} when advancing further is pointless
		 */
		boolean isDead();

		/**
		 * Returns the entries whose pattern matches exactly the consumed path.
		 * @return the entries sorted by {@link Entry#order()}, each at most once
		 */
		List<Entry<V>> matches();

	}

	/**
	 * Registers a value under a pattern. Registering the same value under the same pattern again
	 * keeps the first registration (and its order) and returns {@code false}.
	 * @param pattern the pattern
	 * @param value the value
	 * @param order its registration order
	 * @return {@code true} if it was added
	 */
	public boolean add(PathPattern pattern, V value, long order) {
		Objects.requireNonNull(pattern, "pattern");
		Objects.requireNonNull(value, "value");
		synchronized (this) {
			Node<V> current = this.root;
			Node<V> end = find(current, pattern.segments());
			if (end != null && indexOf(end.entries, pattern, value) >= 0) {
				return false;
			}
			this.root = insert(current, pattern.segments(), 0, false, new Entry<>(pattern, value, order));
			this.lastWalk = null;
			return true;
		}
	}

	/**
	 * Removes a value from a pattern.
	 * @param pattern the pattern
	 * @param value the value (compared with {@code equals})
	 * @return {@code true} if it was registered
	 */
	public boolean remove(PathPattern pattern, V value) {
		Objects.requireNonNull(pattern, "pattern");
		synchronized (this) {
			Node<V> current = this.root;
			Node<V> end = find(current, pattern.segments());
			int index = (end != null) ? indexOf(end.entries, pattern, value) : -1;
			if (index < 0) {
				return false;
			}
			Node<V> updated = delete(current, pattern.segments(), 0, end.entries[index]);
			this.root = (updated != null) ? updated : Node.empty();
			this.lastWalk = null;
			return true;
		}
	}

	/**
	 * Tells whether nothing is registered.
	 * @return {@code true} when empty
	 */
	public boolean isEmpty() {
		return this.root.isEmpty();
	}

	/**
	 * Returns a cursor at the root of a snapshot of the index.
	 * @return the cursor having consumed no segment
	 */
	public Cursor<V> root() {
		Node<V> node = this.root;
		return node.isEmpty() ? dead() : node.cursor;
	}

	/**
	 * Returns the cursors after each prefix of a path, in one snapshot of the index: element
	 * {@code i} has consumed the first {@code i} segments (element 0 is {@link #root()}); past a
	 * dead cursor the elements are null. The array is shared with later calls for the same path
	 * on the same trie: callers must not write it.
	 * @param path the concrete path
	 * @return an array of {@code path.depth() + 1} cursors
	 */
	@SuppressWarnings("unchecked")
	Cursor<V>[] prefixCursors(StatePath path) {
		Cursor<V> start = root();
		PrefixWalk<V> memo = this.lastWalk;
		if (memo != null && memo.root() == start && memo.path().equals(path)) {
			return memo.cursors();
		}
		int depth = path.depth();
		Cursor<V>[] cursors = new Cursor[depth + 1];
		Cursor<V> cursor = start;
		cursors[0] = cursor;
		for (int i = 0; i < depth && !cursor.isDead(); i++) {
			cursor = cursor.advance(path.segment(i));
			cursors[i + 1] = cursor;
		}
		this.lastWalk = new PrefixWalk<>(start, path, cursors);
		if (root() != start) {
			this.lastWalk = null; // the trie changed meanwhile: keep nothing of the old one
		}
		return cursors;
	}

	/**
	 * Returns the entries whose pattern matches a path.
	 * @param path the concrete path
	 * @return the entries sorted by registration order
	 */
	public List<Entry<V>> matches(StatePath path) {
		Cursor<V> cursor = root();
		int depth = path.depth();
		for (int i = 0; i < depth && !cursor.isDead(); i++) {
			cursor = cursor.advance(path.segment(i));
		}
		return cursor.matches();
	}

	/**
	 * Returns every entry.
	 * @return all entries sorted by registration order
	 */
	public List<Entry<V>> entries() {
		List<Entry<V>> all = new ArrayList<>();
		collect(this.root, all);
		all.sort(BY_ORDER);
		return Collections.unmodifiableList(all);
	}

	private static <V> void collect(Node<V> node, List<Entry<V>> into) {
		Collections.addAll(into, node.entries);
		for (Node<V> child : node.literals.values()) {
			collect(child, into);
		}
		if (node.star != null) {
			collect(node.star, into);
		}
		if (node.doubleStar != null) {
			collect(node.doubleStar, into);
		}
	}

	@SuppressWarnings("unchecked")
	static <V> States<V> dead() {
		return (States<V>) DEAD;
	}

	// --- trie construction (writers only) ---

	private static boolean isDoubleStar(String token) {
		return token.equals("**");
	}

	/** {@code *} and variables are both single-segment wildcards in the trie. */
	private static boolean isSingleWildcard(String token) {
		return token.equals("*") || token.startsWith("{");
	}

	private static <V> @Nullable Node<V> child(Node<V> node, String token) {
		if (isDoubleStar(token)) {
			return node.doubleStar;
		}
		if (isSingleWildcard(token)) {
			return node.star;
		}
		return node.literals.get(token);
	}

	private static <V> @Nullable Node<V> find(Node<V> root, List<String> tokens) {
		Node<V> node = root;
		for (int i = 0; i < tokens.size() && node != null; i++) {
			node = child(node, tokens.get(i));
		}
		return node;
	}

	private static int indexOf(Entry<?>[] entries, PathPattern pattern, @Nullable Object value) {
		for (int i = 0; i < entries.length; i++) {
			if (entries[i].pattern().equals(pattern) && entries[i].value().equals(value)) {
				return i;
			}
		}
		return -1;
	}

	private static <V> Node<V> insert(@Nullable Node<V> node, List<String> tokens, int i, boolean selfLoop,
			Entry<V> entry) {
		Map<String, Node<V>> literals = (node != null) ? node.literals : Map.of();
		Node<V> star = (node != null) ? node.star : null;
		Node<V> doubleStar = (node != null) ? node.doubleStar : null;
		Entry<V>[] entries = (node != null) ? node.entries : Node.noEntries();
		if (i == tokens.size()) {
			entries = insertSorted(entries, entry);
		}
		else {
			String token = tokens.get(i);
			if (isDoubleStar(token)) {
				doubleStar = insert(doubleStar, tokens, i + 1, true, entry);
			}
			else if (isSingleWildcard(token)) {
				star = insert(star, tokens, i + 1, false, entry);
			}
			else {
				Map<String, Node<V>> copy = new HashMap<>(literals);
				copy.put(token, insert(literals.get(token), tokens, i + 1, false, entry));
				literals = copy;
			}
		}
		return new Node<>(literals, star, doubleStar, entries, selfLoop);
	}

	/** Rebuilds the path to a removed entry, pruning nodes left empty; {@code null} if this one is. */
	private static <V> @Nullable Node<V> delete(Node<V> node, List<String> tokens, int i, Entry<V> entry) {
		Map<String, Node<V>> literals = node.literals;
		Node<V> star = node.star;
		Node<V> doubleStar = node.doubleStar;
		Entry<V>[] entries = node.entries;
		if (i == tokens.size()) {
			entries = removeEntry(entries, entry);
		}
		else {
			String token = tokens.get(i);
			Node<V> next = Objects.requireNonNull(child(node, token));
			Node<V> updated = delete(next, tokens, i + 1, entry);
			if (isDoubleStar(token)) {
				doubleStar = updated;
			}
			else if (isSingleWildcard(token)) {
				star = updated;
			}
			else {
				Map<String, Node<V>> copy = new HashMap<>(literals);
				if (updated != null) {
					copy.put(token, updated);
				}
				else {
					copy.remove(token);
				}
				literals = copy.isEmpty() ? Map.of() : copy;
			}
		}
		if (literals.isEmpty() && star == null && doubleStar == null && entries.length == 0) {
			return null;
		}
		return new Node<>(literals, star, doubleStar, entries, node.selfLoop);
	}

	private static <V> Entry<V>[] insertSorted(Entry<V>[] entries, Entry<V> entry) {
		int at = entries.length;
		while (at > 0 && entries[at - 1].order() > entry.order()) {
			at--;
		}
		Entry<V>[] copy = Arrays.copyOf(entries, entries.length + 1);
		System.arraycopy(entries, at, copy, at + 1, entries.length - at);
		copy[at] = entry;
		return copy;
	}

	private static <V> Entry<V>[] removeEntry(Entry<V>[] entries, Entry<V> entry) {
		if (entries.length == 1) {
			return Node.noEntries();
		}
		Entry<V>[] copy = Arrays.copyOf(entries, entries.length - 1);
		int at = Arrays.asList(entries).indexOf(entry);
		System.arraycopy(entries, at + 1, copy, at, entries.length - at - 1);
		return copy;
	}

	/**
	 * An immutable trie node. Nodes reached through a {@code **} edge loop on themselves: they may
	 * consume any number of further segments.
	 */
	static final class Node<V> {

		@SuppressWarnings({ "rawtypes", "unchecked" })
		private static final Node<?> EMPTY = new Node(Map.of(), null, null, new Entry[0], false);

		final Map<String, Node<V>> literals;

		final @Nullable Node<V> star;

		final @Nullable Node<V> doubleStar;

		/** The entries whose pattern ends here, sorted by order. */
		final Entry<V>[] entries;

		final List<Entry<V>> entryList;

		final boolean selfLoop;

		/** This node and the nodes reachable from it through {@code **} edges alone. */
		final Node<V>[] closure;

		/** The cursor whose state set is {@link #closure}. */
		final States<V> cursor;

		/** Whether nothing is registered here or below (read on every commit, so computed once). */
		private final boolean empty;

		@SuppressWarnings("unchecked")
		Node(Map<String, Node<V>> literals, @Nullable Node<V> star, @Nullable Node<V> doubleStar, Entry<V>[] entries,
				boolean selfLoop) {
			this.literals = literals;
			this.star = star;
			this.doubleStar = doubleStar;
			this.entries = entries;
			this.entryList = (entries.length == 0) ? List.of() : List.of(entries);
			this.selfLoop = selfLoop;
			if (doubleStar == null) {
				this.closure = (Node<V>[]) new Node<?>[] { this };
			}
			else {
				Node<V>[] below = doubleStar.closure;
				Node<V>[] all = (Node<V>[]) new Node<?>[below.length + 1];
				all[0] = this;
				System.arraycopy(below, 0, all, 1, below.length);
				this.closure = all;
			}
			this.cursor = new States<>(this.closure);
			this.empty = entries.length == 0 && literals.isEmpty() && star == null && doubleStar == null;
		}

		@SuppressWarnings("unchecked")
		static <V> Node<V> empty() {
			return (Node<V>) EMPTY;
		}

		@SuppressWarnings("unchecked")
		static <V> Entry<V>[] noEntries() {
			return (Entry<V>[]) EMPTY.entries;
		}

		boolean isEmpty() {
			return this.empty;
		}

	}

	/**
	 * A cursor: the set of trie nodes (closed under {@code **} edges) reachable by the consumed
	 * segments. Every node in a published trie has an entry at or below it, so the cursor is dead
	 * exactly when the set is empty.
	 */
	static final class States<V> implements Cursor<V> {

		private final Node<V>[] nodes;

		private @Nullable List<Entry<V>> matches;

		States(Node<V>[] nodes) {
			this.nodes = nodes;
		}

		@Override
		public Cursor<V> advance(String segment) {
			Node<V>[] nodes = this.nodes;
			if (nodes.length == 1) {
				Node<V> node = nodes[0];
				if (!node.selfLoop) {
					Node<V> literal = node.literals.isEmpty() ? null : node.literals.get(segment);
					Node<V> star = node.star;
					if (star == null) {
						return (literal != null) ? literal.cursor : dead();
					}
					if (literal == null) {
						return star.cursor;
					}
				}
			}
			else if (nodes.length == 0) {
				return this;
			}
			Collector<V> next = new Collector<>();
			for (Node<V> node : nodes) {
				if (node.selfLoop) {
					next.add(node);
				}
				if (!node.literals.isEmpty()) {
					Node<V> literal = node.literals.get(segment);
					if (literal != null) {
						next.add(literal);
					}
				}
				if (node.star != null) {
					next.add(node.star);
				}
			}
			return next.cursor();
		}

		@Override
		public boolean isDead() {
			return this.nodes.length == 0;
		}

		@Override
		public List<Entry<V>> matches() {
			List<Entry<V>> result = this.matches;
			if (result == null) {
				result = collectMatches();
				this.matches = result;
			}
			return result;
		}

		private List<Entry<V>> collectMatches() {
			Node<V> only = null;
			int withEntries = 0;
			for (Node<V> node : this.nodes) {
				if (node.entries.length > 0) {
					only = node;
					withEntries++;
				}
			}
			if (withEntries == 0) {
				return List.of();
			}
			if (withEntries == 1) {
				return only.entryList;
			}
			List<Entry<V>> all = new ArrayList<>();
			for (Node<V> node : this.nodes) {
				Collections.addAll(all, node.entries);
			}
			all.sort(BY_ORDER);
			return List.copyOf(all);
		}

	}

	/** Gathers the state set after one segment: the union of the closures of the target nodes. */
	private static final class Collector<V> {

		private static final int LINEAR_LIMIT = 16;

		private @Nullable Node<V> first;

		private Node<V> @Nullable [] nodes;

		private int count;

		private @Nullable Set<Node<V>> seen;

		void add(Node<V> target) {
			if (this.first == null) {
				this.first = target;
				return;
			}
			if (target == this.first) {
				return;
			}
			if (this.nodes == null) {
				@SuppressWarnings("unchecked")
				Node<V>[] created = (Node<V>[]) new Node<?>[8];
				this.nodes = created;
				addClosure(this.first);
			}
			addClosure(target);
		}

		private void addClosure(Node<V> target) {
			for (Node<V> node : target.closure) {
				if (!contains(node)) {
					if (this.count == this.nodes.length) {
						this.nodes = Arrays.copyOf(this.nodes, this.count * 2);
					}
					this.nodes[this.count++] = node;
					if (this.seen != null) {
						this.seen.add(node);
					}
				}
			}
		}

		private boolean contains(Node<V> node) {
			if (this.seen != null) {
				return this.seen.contains(node);
			}
			for (int i = 0; i < this.count; i++) {
				if (this.nodes[i] == node) {
					return true;
				}
			}
			if (this.count >= LINEAR_LIMIT) {
				Set<Node<V>> set = Collections.newSetFromMap(new IdentityHashMap<>());
				for (int i = 0; i < this.count; i++) {
					set.add(this.nodes[i]);
				}
				this.seen = set;
			}
			return false;
		}

		Cursor<V> cursor() {
			if (this.first == null) {
				return dead();
			}
			if (this.nodes == null) {
				return this.first.cursor;
			}
			return new States<>(Arrays.copyOf(this.nodes, this.count));
		}

	}

}
