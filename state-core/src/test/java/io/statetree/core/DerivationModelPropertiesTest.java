package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random derivation graphs under random commits against a naive model that recomputes
 * everything from scratch after each commit (issue 20: the derivations indexed by source must
 * keep DESIGN §6 exactly). The graphs mix fixed and tracked derivations (whose sources change
 * with the values they read), leaf and subtree sources, and destinations that other derivations
 * read as a leaf or through their parent; the transforms map to a few values, so many
 * recomputations equal the stored value. After every commit:
 * <ul>
 * <li>every destination equals the from-scratch value;</li>
 * <li>a derivation ran exactly when the value of one of its sources changed in that commit (for a
 * tracked one: one of the paths its last run read), never for a write that changed nothing it
 * reads, and once, unless a tracked derivation came to read a derivation the order computed after
 * it (the commit then computes again in the new order);</li>
 * <li>a listener on a destination heard it exactly when its value changed (an equal
 * recomputation writes nothing), with a value agreeing with the sources in the same event
 * (glitch-free).</li>
 * </ul>
 * Run on memory (the snapshot commit), on a backend with no snapshot store (the plain SPI) and on
 * the file system.
 */
class DerivationModelPropertiesTest {

	private static final int SOURCES = 4;

	enum Backend {

		MEMORY, WITHOUT_SNAPSHOT_STORE, FILESYSTEM;

		StateBackend create(Path directory) {
			return switch (this) {
				case MEMORY -> new InMemoryBackend();
				case WITHOUT_SNAPSHOT_STORE -> new PlainBackend();
				case FILESYSTEM -> FileSystemBackend.builder(directory).fsync(false).build();
			};
		}

	}

	/**
	 * A derivation writing {@code /d/<index>/v}: fixed (reads every path in {@code reads}) or
	 * tracked (reads the first; when its number is even the second, else the third).
	 */
	record Node(boolean tracked, List<String> reads) {
	}

	/** One commit: a set (value null deletes), a batch of sets, or a whole {@code /s} write. */
	record Op(int kind, int source, @Nullable Integer value, List<Op> inner) {
	}

	@Provide
	Arbitrary<List<Node>> graphs() {
		return Arbitraries.integers().between(1, 14).flatMap((n) -> {
			List<Arbitrary<Node>> nodes = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				List<String> candidates = new ArrayList<>();
				candidates.add("/s");
				for (int s = 0; s < SOURCES; s++) {
					candidates.add("/s/" + s);
				}
				for (int j = 0; j < i; j++) {
					candidates.add("/d/" + j + "/v");
					candidates.add("/d/" + j);
				}
				Arbitrary<Node> fixed = Arbitraries.of(candidates).list().ofMinSize(1).ofMaxSize(3).uniqueElements()
					.map((reads) -> new Node(false, reads));
				Arbitrary<Node> tracked = Arbitraries.of(candidates).list().ofSize(3)
					.map((reads) -> new Node(true, reads));
				nodes.add(Arbitraries.frequencyOf(Tuple.of(2, fixed), Tuple.of(1, tracked)));
			}
			return Combinators.combine(nodes).as((list) -> list);
		});
	}

	@Provide
	Arbitrary<List<Op>> commits() {
		Arbitrary<Integer> source = Arbitraries.integers().between(0, SOURCES - 1);
		Arbitrary<Integer> value = Arbitraries.integers().between(0, 5).injectNull(0.15);
		Arbitrary<Op> single = Combinators.combine(source, value).as((s, v) -> new Op(0, s, v, List.of()));
		Arbitrary<Op> batch = single.list().ofMinSize(2).ofMaxSize(4).map((inner) -> new Op(1, 0, null, inner));
		Arbitrary<Op> whole = Arbitraries.integers().between(0, 3).map((v) -> new Op(2, 0, v, List.of()));
		return Arbitraries.frequencyOf(Tuple.of(6, single), Tuple.of(2, batch), Tuple.of(1, whole)).list()
			.ofMinSize(1).ofMaxSize(15);
	}

	@Property(tries = 150)
	void inMemory(@ForAll("graphs") List<Node> graph, @ForAll("commits") List<Op> commits) throws IOException {
		check(Backend.MEMORY, graph, commits);
	}

	@Property(tries = 80)
	void withoutSnapshotStore(@ForAll("graphs") List<Node> graph, @ForAll("commits") List<Op> commits)
			throws IOException {
		check(Backend.WITHOUT_SNAPSHOT_STORE, graph, commits);
	}

	@Property(tries = 25)
	void onTheFileSystem(@ForAll("graphs") List<Node> graph, @ForAll("commits") List<Op> commits) throws IOException {
		check(Backend.FILESYSTEM, graph, commits);
	}

	private static void check(Backend backend, List<Node> graph, List<Op> commits) throws IOException {
		Path directory = Files.createTempDirectory("statetree-derivation-model");
		try (StateController controller = StateController.builder()
			.backend(backend.create(directory))
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			new Run(controller, graph).check(commits);
		}
		finally {
			delete(directory);
		}
	}

	/** One graph registered on one controller, with its model. */
	private static final class Run {

		private final StateController controller;

		private final List<Node> graph;

		private final AtomicIntegerArray runs;

		private final AtomicIntegerArray heard;

		private final List<String> glitches = new ArrayList<>();

		/** The model's derived values, {@code /d/<i>/v}. */
		private final Map<String, Object> derived = new HashMap<>();

		/** What each tracked derivation read last, in the model. */
		private final Map<Integer, Set<String>> lastReads = new HashMap<>();

		Run(StateController controller, List<Node> graph) {
			this.controller = controller;
			this.graph = graph;
			this.runs = new AtomicIntegerArray(graph.size());
			this.heard = new AtomicIntegerArray(graph.size());
		}

		void check(List<Op> commits) {
			this.controller.set("/s", Map.of("0", 1, "1", 2));
			for (int i = 0; i < this.graph.size(); i++) {
				register(i);
			}
			Map<String, Object> sources = sourcesNow();
			recompute(sources);
			assertDestinations();
			for (Op op : commits) {
				Map<String, Object> before = new HashMap<>(this.derived);
				Map<String, Object> sourcesBefore = sources;
				Map<Integer, Set<String>> readsBefore = new HashMap<>(this.lastReads);
				for (int i = 0; i < this.graph.size(); i++) {
					this.runs.set(i, 0);
					this.heard.set(i, 0);
				}
				apply(op);
				sources = sourcesNow();
				recompute(sources);
				assertDestinations();
				// a tracked derivation that came to read one computed after it in the order makes the
				// commit compute again in the new order: then a derivation may run once more
				int retracked = 0;
				for (Map.Entry<Integer, Set<String>> entry : readsBefore.entrySet()) {
					retracked += entry.getValue().equals(this.lastReads.get(entry.getKey())) ? 0 : 1;
				}
				for (int i = 0; i < this.graph.size(); i++) {
					Node node = this.graph.get(i);
					Set<String> read = node.tracked() ? readsBefore.get(i) : new LinkedHashSet<>(node.reads());
					boolean changed = false;
					for (String path : read) {
						changed |= !Objects.equals(value(path, sourcesBefore, before), value(path, sources, this.derived));
					}
					if (changed) {
						assertThat(this.runs.get(i)).as("runs of /d/%s (%s) in commit %s", i, node, op)
							.isBetween(1, 1 + retracked);
					}
					else {
						assertThat(this.runs.get(i)).as("runs of /d/%s (%s) in commit %s", i, node, op).isZero();
					}
					String destination = "/d/" + i + "/v";
					boolean valueChanged = !Objects.equals(before.get(destination), this.derived.get(destination));
					assertThat(this.heard.get(i)).as("events of %s in commit %s", destination, op)
						.isEqualTo(valueChanged ? 1 : 0);
				}
			}
			assertThat(this.glitches).isEmpty();
		}

		private void register(int index) {
			Node node = this.graph.get(index);
			String destination = "/d/" + index + "/v";
			if (node.tracked()) {
				this.controller.deriveTracked(destination, (view) -> {
					this.runs.incrementAndGet(index);
					return trackedValue(index, node, view::get);
				});
			}
			else {
				this.controller.deriveMany(destination, node.reads(), (data) -> {
					this.runs.incrementAndGet(index);
					List<Object> values = new ArrayList<>();
					for (String path : node.reads()) {
						values.add(data.get(path));
					}
					return compute(index, values);
				});
			}
			this.controller.subscribe(destination, (event) -> {
				this.heard.incrementAndGet(index);
				Object expected;
				if (node.tracked()) {
					expected = trackedValue(index, node, event::get);
				}
				else {
					List<Object> values = new ArrayList<>();
					for (String path : node.reads()) {
						values.add(event.get(path));
					}
					expected = compute(index, values);
				}
				if (!expected.equals(event.newValue())) {
					this.glitches.add(destination + " = " + event.newValue() + ", its sources give " + expected);
				}
			});
		}

		/** A tracked derivation's value: reads the first path, then the second or the third. */
		private static int trackedValue(int index, Node node, java.util.function.Function<String, @Nullable Object> read) {
			Object first = read.apply(node.reads().get(0));
			String next = (number(first) % 2 == 0) ? node.reads().get(1) : node.reads().get(2);
			List<@Nullable Object> values = new ArrayList<>();
			values.add(first);
			values.add(read.apply(next));
			return compute(index, values);
		}

		private static int compute(int index, List<@Nullable Object> values) {
			int sum = index;
			for (Object value : values) {
				sum = sum * 31 + number(value);
			}
			return Math.floorMod(sum, 3);
		}

		/** A number standing for a value: absent -1, a number itself, a branch from its children. */
		private static int number(@Nullable Object value) {
			if (value == null) {
				return -1;
			}
			if (value instanceof Number n) {
				return n.intValue();
			}
			if (value instanceof Map<?, ?> map) {
				int sum = 17 + map.size();
				for (Map.Entry<?, ?> entry : new java.util.TreeMap<>(map).entrySet()) {
					sum = sum * 7 + entry.getKey().hashCode() + number(entry.getValue());
				}
				return Math.abs(sum % 1000);
			}
			return 5;
		}

		private void apply(Op op) {
			switch (op.kind()) {
				case 0 -> this.controller.set("/s/" + op.source(), op.value());
				case 1 -> this.controller.batch(() -> op.inner().forEach((inner) -> this.controller.set("/s/" + inner.source(),
						inner.value())));
				default -> {
					Map<String, Object> all = new LinkedHashMap<>();
					for (int s = 0; s < SOURCES; s += 2) {
						all.put(String.valueOf(s), Objects.requireNonNull(op.value()) + s);
					}
					this.controller.set("/s", all);
				}
			}
		}

		/** The user-written part of the state, as the controller holds it (not what is tested). */
		private Map<String, Object> sourcesNow() {
			Map<String, Object> sources = new HashMap<>();
			Object whole = this.controller.get("/s");
			sources.put("/s", whole);
			for (int s = 0; s < SOURCES; s++) {
				sources.put("/s/" + s, (whole instanceof Map<?, ?> map) ? map.get(String.valueOf(s)) : null);
			}
			return sources;
		}

		/** The value at a path a derivation may read, in the model. */
		private static @Nullable Object value(String path, Map<String, Object> sources, Map<String, Object> derived) {
			if (path.startsWith("/s")) {
				return sources.get(path);
			}
			if (path.endsWith("/v")) {
				return derived.get(path);
			}
			Object v = derived.get(path + "/v");
			return (v != null) ? Map.of("v", v) : null;
		}

		/** Recomputes every derivation from scratch, in registration order (a topological order here). */
		private void recompute(Map<String, Object> sources) {
			for (int i = 0; i < this.graph.size(); i++) {
				Node node = this.graph.get(i);
				int value;
				if (node.tracked()) {
					Set<String> read = new LinkedHashSet<>();
					value = trackedValue(i, node, (path) -> {
						read.add(path);
						return value(path, sources, this.derived);
					});
					this.lastReads.put(i, read);
				}
				else {
					List<Object> values = new ArrayList<>();
					for (String path : node.reads()) {
						values.add(value(path, sources, this.derived));
					}
					value = compute(i, values);
				}
				this.derived.put("/d/" + i + "/v", value);
			}
		}

		private void assertDestinations() {
			for (int i = 0; i < this.graph.size(); i++) {
				String destination = "/d/" + i + "/v";
				assertThat(this.controller.get(destination)).as(destination).isEqualTo(this.derived.get(destination));
			}
		}

	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
