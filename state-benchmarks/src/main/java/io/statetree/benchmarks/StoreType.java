package io.statetree.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;

/**
 * The implementations compared by {@link CoreBenchmark}: StateTree, two everyday baselines and
 * the floor of a persistent tree.
 */
public enum StoreType {

	/** StateTree's controller over the in-memory backend. */
	STATETREE {
		@Override
		Store create() {
			StateController controller = StateController.create();
			return new Store() {
				@Override
				public void set(String path, Object value) {
					controller.set(StatePath.of(path), value);
				}

				@Override
				public void set(StatePath path, Object value) {
					controller.set(path, value);
				}

				@Override
				public Object get(StatePath path) {
					return controller.get(path);
				}

				@Override
				public Object get(String path) {
					return controller.get(path);
				}

				@Override
				public StateController controller() {
					return controller;
				}
			};
		}
	},

	/**
	 * A flat {@code ConcurrentHashMap} keyed by the path string: no tree, no events. A flat map
	 * has no subtrees: a branch read finds what {@link Store#putBranch} stored under the branch's
	 * own key (one immutable map, as an application keeping whole branches in a flat map would).
	 */
	CONCURRENT_HASH_MAP {
		@Override
		Store create() {
			ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();
			return new Store() {
				@Override
				public void putBranch(StatePath path, Map<String, Object> children) {
					map.put(path.toString(), Map.copyOf(children));
				}

				@Override
				public void set(String path, Object value) {
					map.put(path, value);
				}

				@Override
				public void set(StatePath path, Object value) {
					map.put(path.toString(), value);
				}

				@Override
				public Object get(StatePath path) {
					return map.get(path.toString());
				}

				@Override
				public Object get(String path) {
					return map.get(path);
				}
			};
		}
	},

	/**
	 * The floor of a persistent tree (issue 20): 32-way hash-array-mapped nodes, a path copy, one
	 * compare-and-set of root and revision and one change record per write; a read walks the
	 * nodes. No order, no events dispatched, no snapshot conversion (see {@link FloorTree}).
	 */
	PERSISTENT_TREE_FLOOR {
		@Override
		Store create() {
			FloorTree tree = new FloorTree();
			return new Store() {
				@Override
				public void set(String path, Object value) {
					tree.set(StatePath.of(path), value);
				}

				@Override
				public void set(StatePath path, Object value) {
					tree.set(path, value);
				}

				@Override
				public Object get(StatePath path) {
					return tree.get(path);
				}

				@Override
				public Object get(String path) {
					return tree.get(StatePath.of(path));
				}
			};
		}
	},

	/** Nested {@code HashMap}s under one {@code ReentrantReadWriteLock}; a subtree read copies. */
	RW_LOCK_NESTED_HASH_MAP {
		@Override
		Store create() {
			Map<String, Object> root = new HashMap<>();
			ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
			return new Store() {
				@Override
				public void set(String path, Object value) {
					set(StatePath.of(path), value);
				}

				@Override
				@SuppressWarnings("unchecked")
				public void set(StatePath path, Object value) {
					lock.writeLock().lock();
					try {
						Map<String, Object> current = root;
						for (int i = 0; i < path.depth() - 1; i++) {
							current = (Map<String, Object>) current.computeIfAbsent(path.segment(i), (k) -> new HashMap<>());
						}
						current.put(path.name(), value);
					}
					finally {
						lock.writeLock().unlock();
					}
				}

				@Override
				public Object get(String path) {
					return get(StatePath.of(path));
				}

				@Override
				public Object get(StatePath path) {
					lock.readLock().lock();
					try {
						Object current = root;
						for (int i = 0; i < path.depth() && current != null; i++) {
							current = ((Map<?, ?>) current).get(path.segment(i));
						}
						return (current instanceof Map<?, ?> map) ? deepCopy(map) : current;
					}
					finally {
						lock.readLock().unlock();
					}
				}
			};
		}
	};

	abstract Store create();

	static Map<String, Object> deepCopy(Map<?, ?> map) {
		Map<String, Object> copy = new HashMap<>(map.size() * 2);
		map.forEach((k, v) -> copy.put((String) k, (v instanceof Map<?, ?> m) ? deepCopy(m) : v));
		return copy;
	}

	/** The operations the benchmarks need. */
	public interface Store {

		void set(String path, Object value);

		void set(StatePath path, Object value);

		Object get(StatePath path);

		Object get(String path);

		/**
		 * Called after the children of a branch were written one by one; only a store without
		 * subtrees keeps anything.
		 * @param path the branch
		 * @param children its children, in order
		 */
		default void putBranch(StatePath path, Map<String, Object> children) {
		}

		default StateController controller() {
			throw new UnsupportedOperationException();
		}

	}

}
