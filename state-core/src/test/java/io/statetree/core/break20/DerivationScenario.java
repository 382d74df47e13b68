package io.statetree.core.break20;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.WriteOptions;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A random graph of derivations (chains, diamonds, destinations side by side under one branch,
 * nested, and under a branch the user writes too; some with an equality, some tracked and
 * changing what they read) run on a controller against a plain model of DESIGN §6: a derivation
 * runs at registration and in every commit that changed one of the paths it read (declared
 * sources, or what its last run read), once, in dependency order, inside the commit; its
 * destination otherwise keeps whatever is there (a user may write it). Every commit's events at
 * the watched leaves must be exactly the model's changes (one per changed leaf, first old value,
 * last new value, the commit's revision), and the tree must read as the model.
 */
final class DerivationScenario {

	static final List<String> USER_LEAVES = List.of("/s/a", "/s/b", "/s/c", "/t/p", "/t/q");

	/** A derivation: index = its place in dependency order. */
	record Node(int index, String destination, List<String> sources, int factor, boolean equality, boolean tracked) {
	}

	/** One user write in a commit ({@code null} deletes; a map writes a branch). */
	record Op(String path, @Nullable Object value) {
	}

	record Scenario(List<Node> graph, List<Integer> registrationOrder, List<List<Op>> commits) {
	}

	static Arbitrary<Scenario> scenarios() {
		Arbitrary<List<Node>> graphs = Arbitraries.integers().between(2, 7).flatMap((size) -> {
			List<Arbitrary<Node>> nodes = new ArrayList<>();
			for (int i = 0; i < size; i++) {
				int index = i;
				List<String> candidates = new ArrayList<>(List.of("/s/a", "/s/b", "/s/c", "/t/p", "/t"));
				for (int j = 0; j < i; j++) {
					candidates.add(destination(j));
					candidates.add(destination(j));
				}
				nodes.add(Combinators.combine(Arbitraries.of(candidates).list().ofMinSize(1).ofMaxSize(3).uniqueElements(),
						Arbitraries.integers().between(1, 2), Arbitraries.of(false, false, true),
						Arbitraries.of(false, false, true))
					.as((sources, factor, equality, tracked) -> new Node(index, destination(index), sources, factor,
							equality, tracked)));
			}
			Arbitrary<List<Node>> chosen = Combinators.combine(nodes).as((list) -> list);
			// sometimes a last derivation reads the branches the others write into side by side
			return Combinators.combine(chosen, Arbitraries.of(false, true), Arbitraries.of(false, true))
				.as((list, aggregate, tracked) -> {
					if (!aggregate) {
						return list;
					}
					List<Node> out = new ArrayList<>(list);
					out.add(new Node(list.size(), "/agg", List.of("/d", "/e", "/s"), 1, false, tracked));
					return out;
				});
		});
		return graphs.flatMap((graph) -> {
			List<Integer> indexes = new ArrayList<>();
			for (int i = 0; i < graph.size(); i++) {
				indexes.add(i);
			}
			Arbitrary<List<Integer>> order = Arbitraries.shuffle(indexes);
			List<String> written = new ArrayList<>(List.of("/s/a", "/s/b", "/s/c", "/t/p", "/t/q", "/s", "/t", "/d"));
			for (Node node : graph) {
				written.add(node.destination());
			}
			Arbitrary<@Nullable Object> leafValues = Arbitraries.integers().between(0, 6).map(Object.class::cast)
				.injectNull(0.25);
			Arbitrary<Op> op = Arbitraries.of(written).flatMap((path) -> {
				if (path.equals("/s")) {
					return Arbitraries.of(List.of("a", "b", "c")).list().ofMinSize(1).ofMaxSize(3).uniqueElements()
						.map((keys) -> {
							Map<String, Object> branch = new LinkedHashMap<>();
							keys.forEach((k) -> branch.put(k, k.length() + keys.size()));
							return new Op(path, branch);
						});
				}
				if (path.equals("/t")) {
					return Arbitraries.integers().between(0, 6).map((n) -> new Op(path, Map.of("p", n, "q", n + 1)));
				}
				if (path.equals("/d")) {
					return Arbitraries.just(new Op(path, null));
				}
				return leafValues.map((value) -> new Op(path, value));
			});
			Arbitrary<List<List<Op>>> commits = op.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(10);
			return Combinators.combine(order, commits).as((o, c) -> new Scenario(graph, o, c));
		});
	}

	/** Destinations: side by side under /d, nested under /e, and under the user's own /s. */
	static String destination(int index) {
		return switch (index % 3) {
			case 0 -> "/d/n" + index;
			case 1 -> "/e/n" + index + "/v";
			default -> "/s/x" + index;
		};
	}

	static long sumOf(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof Map<?, ?> map) {
			long sum = 0;
			for (Object child : map.values()) {
				sum += sumOf(child);
			}
			return sum;
		}
		return 0;
	}

	static @Nullable Object result(Node node, long total) {
		return (Math.floorMod(total, 5) == 4) ? null : (Object) (total * node.factor() + node.index());
	}

	/** The paths a node reads given a reader; a tracked node reads its second or third source by parity. */
	static List<String> reads(Node node, java.util.function.Function<String, @Nullable Object> reader) {
		List<String> sources = node.sources();
		if (!node.tracked()) {
			return sources;
		}
		List<String> read = new ArrayList<>();
		read.add(sources.get(0));
		long first = sumOf(reader.apply(sources.get(0)));
		int next = (first % 2 == 0) ? 1 : 2;
		if (next < sources.size()) {
			read.add(sources.get(next));
		}
		return read;
	}

	static final BiPredicate<@Nullable Object, @Nullable Object> WITHIN_ONE = (a, b) -> a instanceof Number x
			&& b instanceof Number y && Math.abs(x.longValue() - y.longValue()) <= 1;

	/** The model: state, and the paths each registered node read last. */
	private static final class Model {

		/** Keeps empty branches: {@code {}} left by deleting a branch's last child differs from absent. */
		final OrderModel tree = new OrderModel(true);

		final Map<Integer, List<String>> lastReads = new java.util.HashMap<>();

		final List<Node> graph;

		Model(List<Node> graph) {
			this.graph = graph;
		}

		@Nullable Object get(String path) {
			return this.tree.get(StatePath.of(path));
		}

		/**
		 * Drops each empty branch of the model that the controller reads as absent. Whether deleting
		 * a branch's last child leaves {@code {}} or nothing is the backend's (memory, files and the
		 * caches keep {@code {}}; a hybrid's mount point reads as absent): the model follows it, so
		 * that what it decides from (a source's value before and after a commit) is what the
		 * controller shows.
		 */
		void adoptEmptyBranches(StateController state) {
			adopt(this.tree.root(), "", state);
		}

		@SuppressWarnings("unchecked")
		private static void adopt(Map<String, Object> node, String path, StateController state) {
			for (String key : new ArrayList<>(node.keySet())) {
				if (node.get(key) instanceof Map<?, ?> child) {
					String childPath = path + "/" + key;
					adopt((Map<String, Object>) child, childPath, state);
					if (child.isEmpty() && state.get(childPath) == null) {
						node.remove(key);
					}
				}
			}
		}

		/** Applies one commit; returns false when the model refuses it (nothing applied). */
		boolean commit(List<Op> writes, Set<Integer> forced) {
			Map<String, Object> before = OrderModel.copyOf(this.tree.root());
			OrderModel probe = new OrderModel(true);
			probe.set(StatePath.ROOT, before);
			try {
				for (Op op : writes) {
					this.tree.set(StatePath.of(op.path()), op.value());
				}
			}
			catch (OrderModel.Refused ex) {
				this.tree.set(StatePath.ROOT, before);
				return false;
			}
			for (Node node : this.graph) {
				List<String> last = this.lastReads.get(node.index());
				if (last == null && !forced.contains(node.index())) {
					continue; // not registered yet
				}
				boolean run = forced.contains(node.index());
				if (!run) {
					for (String path : last) {
						if (!Break20Support.sameJson(probe.get(StatePath.of(path)), get(path))) {
							run = true;
						}
					}
				}
				if (!run) {
					continue;
				}
				List<String> read = reads(node, this::get);
				long total = 0;
				for (String path : read) {
					total += sumOf(get(path));
				}
				this.lastReads.put(node.index(), read);
				Object value = result(node, total);
				Object stored = get(node.destination());
				if (stored == null && value == null) {
					continue;
				}
				if (node.equality() && WITHIN_ONE.test(stored, value)) {
					continue;
				}
				this.tree.set(StatePath.of(node.destination()), value);
			}
			return true;
		}

	}

	/** Runs the scenario on the controller and checks it against the model after every commit. */
	static Map<Long, Map<String, String>> check(StateController state, Scenario scenario) {
		return check(state, scenario, false);
	}

	/**
	 * As {@link #check(StateController, Scenario)}; with {@code async} the events are gathered and
	 * compared at the end (the controller dispatches on an executor), still per revision and in
	 * revision order.
	 */
	static Map<Long, Map<String, String>> check(StateController state, Scenario scenario, boolean async) {
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		Set<String> watched = new HashSet<>(USER_LEAVES);
		scenario.graph().forEach((node) -> watched.add(node.destination()));
		state.subscribe("/**", (event) -> {
			if (event.path().equals(event.emittingPath()) && watched.contains(event.path().toString())) {
				events.add(event);
			}
		});
		Model model = new Model(scenario.graph());
		List<String> log = new ArrayList<>();
		Runnable initial = () -> {
			state.set("/s", Map.of("a", 1, "b", 2, "c", 3));
			state.set("/t", Map.of("p", 1, "q", 2));
		};
		EXPECTED.remove();
		initial.run();
		long initialRevision = state.revision();
		model.commit(List.of(new Op("/s", Map.of("a", 1, "b", 2, "c", 3))), Set.of());
		model.commit(List.of(new Op("/t", Map.of("p", 1, "q", 2))), Set.of());
		events.clear();
		for (int index : scenario.registrationOrder()) {
			Node node = scenario.graph().get(index);
			log.add("register " + node);
			Map<String, Object> before = snapshot(model, watched);
			long revisionBefore = state.revision();
			register(state, node);
			model.commit(List.of(), Set.of(index));
			compare(state, model, watched, before, events, revisionBefore, log, async);
			model.adoptEmptyBranches(state);
		}
		for (List<Op> commit : scenario.commits()) {
			log.add("commit " + commit);
			Map<String, Object> before = snapshot(model, watched);
			long revisionBefore = state.revision();
			boolean accepted = model.commit(commit, Set.of());
			boolean refused = false;
			try {
				state.batch(() -> {
					for (Op op : commit) {
						state.set(op.path(), op.value());
					}
				});
			}
			catch (StateWriteException ex) {
				refused = true;
			}
			assertThat(refused).as("refused as the model refuses: " + log).isEqualTo(!accepted);
			compare(state, model, watched, before, events, revisionBefore, log, async);
			model.adoptEmptyBranches(state);
		}
		if (async) {
			Map<Long, Map<String, String>> expected = EXPECTED.get();
			int total = expected.values().stream().mapToInt(Map::size).sum();
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
				.until(() -> events.stream().filter((e) -> e.revision() > initialRevision).count() >= total);
			Map<Long, Map<String, String>> heard = new java.util.TreeMap<>();
			long last = 0;
			for (StateEvent event : events) {
				if (event.revision() <= initialRevision) {
					continue;
				}
				assertThat(event.revision()).as("events in revision order " + events).isGreaterThanOrEqualTo(last);
				last = event.revision();
				String change = Break20Support.ordered(event.prevValue()) + " -> " + Break20Support.ordered(event.newValue());
				if (heard.computeIfAbsent(event.revision(), (r) -> new java.util.TreeMap<>())
					.put(event.path().toString(), change) != null) {
					fail("heard " + event.path() + " twice in revision " + event.revision() + " after " + log);
				}
			}
			assertThat(heard).as("events per revision after " + log).isEqualTo(expected);
		}
		Map<Long, Map<String, String>> all = new java.util.TreeMap<>(EXPECTED.get());
		EXPECTED.remove();
		return all;
	}

	/** Every watched leaf path of the scenario (user leaves and destinations). */
	static Set<String> watched(Scenario scenario) {
		Set<String> watched = new HashSet<>(USER_LEAVES);
		scenario.graph().forEach((node) -> watched.add(node.destination()));
		return watched;
	}

	private static final ThreadLocal<Map<Long, Map<String, String>>> EXPECTED = ThreadLocal
		.withInitial(java.util.TreeMap::new);

	private static Map<String, Object> snapshot(Model model, Set<String> watched) {
		Map<String, Object> out = new java.util.HashMap<>();
		for (String path : watched) {
			out.put(path, Break20Support.ordered(model.get(path)));
		}
		return out;
	}

	private static void compare(StateController state, Model model, Set<String> watched, Map<String, Object> before,
			List<StateEvent> events, long revisionBefore, List<String> log, boolean async) {
		assertThat(Break20Support.sameJson(Break20Support.pruned(state.get("/")), Break20Support.pruned(model.tree.root())))
			.as("tree " + Break20Support.ordered(state.get("/")) + " model "
					+ Break20Support.ordered(Break20Support.pruned(model.tree.root())) + " after " + log)
			.isTrue();
		Map<String, String> expected = new java.util.TreeMap<>();
		for (String path : watched) {
			String after = Break20Support.ordered(model.get(path));
			if (!after.equals(before.get(path))) {
				expected.put(path, before.get(path) + " -> " + after);
			}
		}
		long revision = state.revision();
		if (!expected.isEmpty()) {
			EXPECTED.get().put(revision, expected);
		}
		if (async) {
			return;
		}
		Map<String, String> heard = new java.util.TreeMap<>();
		for (StateEvent event : events) {
			String path = event.path().toString();
			String change = Break20Support.ordered(event.prevValue()) + " -> " + Break20Support.ordered(event.newValue());
			if (heard.put(path, change) != null) {
				fail("heard " + path + " twice in one commit: " + events + " after " + log);
			}
			assertThat(event.revision()).as("revision of the event at " + path + " after " + log)
				.isEqualTo(revision)
				.isGreaterThan(revisionBefore);
		}
		events.clear();
		assertThat(heard).as("events of the commit after " + log).isEqualTo(expected);
	}

	private static void register(StateController state, Node node) {
		WriteOptions options = node.equality() ? WriteOptions.equality(WITHIN_ONE) : null;
		if (node.tracked()) {
			java.util.function.Function<io.statetree.core.StateView, @Nullable Object> transform = (view) -> {
				long total = 0;
				for (String path : reads(node, view::get)) {
					total += sumOf(view.get(path));
				}
				return result(node, total);
			};
			if (options == null) {
				state.deriveTracked(node.destination(), transform);
			}
			else {
				state.deriveTracked(node.destination(), transform, options);
			}
		}
		else {
			java.util.function.Function<io.statetree.core.DeriveData, @Nullable Object> transform = (data) -> {
				long total = 0;
				for (String path : node.sources()) {
					total += sumOf(data.get(path));
				}
				return result(node, total);
			};
			if (options == null) {
				state.deriveMany(node.destination(), node.sources(), transform);
			}
			else {
				state.deriveMany(node.destination(), node.sources(), transform, options);
			}
		}
	}

}
