package io.statetree.core.break20;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * Issue 20's held derived writes (branch {@code derive24}) against the sequential model of
 * {@link DerivationScenario}: wide graphs of 10 to 24 derivations whose destinations sit side by
 * side under {@code /d} (more than the 16 a commit holds at once, and than the 16 changes it
 * records), chains and diamonds among them, some under the user's own {@code /s}; commits write
 * the sources, delete and rewrite the held children themselves (so a child's position in its
 * branch moves and a remembered position goes stale), and delete {@code /d}. What the held writes
 * could get wrong shows here: a child's value read from a stale position, a group of held writes
 * trusted unrelated to an earlier write of the same commit that is at or below their branch, the
 * lent buffer keeping a write of an earlier commit, or a change record made lazily that disagrees
 * with the commit. Events at every watched leaf and the tree must be the model's, on memory (the
 * held path, synchronous and asynchronous dispatch), and on files and a hybrid with {@code /d} on
 * files (no held path: unchanged).
 */
class HeldDerivedWritesPropertiesTest {

	@Provide
	Arbitrary<DerivationScenario.Scenario> wide() {
		Arbitrary<List<DerivationScenario.Node>> graphs = Arbitraries.integers().between(10, 24).flatMap((size) -> {
			List<Arbitrary<DerivationScenario.Node>> nodes = new ArrayList<>();
			for (int i = 0; i < size; i++) {
				int index = i;
				List<String> candidates = new ArrayList<>(List.of("/s/a", "/s/b", "/t/p"));
				for (int j = Math.max(0, i - 4); j < i; j++) {
					// mostly the derivations just before: chains and diamonds
					candidates.add(destination(j));
					candidates.add(destination(j));
				}
				nodes.add(Combinators.combine(Arbitraries.of(candidates).list().ofMinSize(1).ofMaxSize(2).uniqueElements(),
						Arbitraries.integers().between(1, 2), Arbitraries.of(false, false, false, true))
					.as((sources, factor, equality) -> new DerivationScenario.Node(index, destination(index), sources,
							factor, equality, false)));
			}
			return Combinators.combine(nodes).as((list) -> list);
		});
		return graphs.flatMap((graph) -> {
			List<Integer> indexes = new ArrayList<>();
			for (int i = 0; i < graph.size(); i++) {
				indexes.add(i);
			}
			List<String> written = new ArrayList<>(List.of("/s/a", "/s/a", "/s/b", "/s/b", "/t/p", "/t/p", "/s", "/d"));
			for (int i = 0; i < graph.size(); i += 3) {
				written.add(graph.get(i).destination());
			}
			Arbitrary<@Nullable Object> leafValues = Arbitraries.integers().between(0, 6).map(Object.class::cast)
				.injectNull(0.25);
			Arbitrary<DerivationScenario.Op> op = Arbitraries.of(written).flatMap((path) -> {
				if (path.equals("/s")) {
					return Arbitraries.of(List.of("a", "b", "c")).list().ofMinSize(1).ofMaxSize(3).uniqueElements()
						.map((keys) -> {
							Map<String, Object> branch = new LinkedHashMap<>();
							keys.forEach((k) -> branch.put(k, k.length() + keys.size()));
							return new DerivationScenario.Op(path, branch);
						});
				}
				if (path.equals("/d")) {
					return Arbitraries.just(new DerivationScenario.Op(path, null));
				}
				return leafValues.map((value) -> new DerivationScenario.Op(path, value));
			});
			Arbitrary<List<List<DerivationScenario.Op>>> commits = op.list().ofMinSize(1).ofMaxSize(3).list()
				.ofMinSize(1).ofMaxSize(8);
			return Combinators.combine(Arbitraries.shuffle(indexes), commits)
				.as((o, c) -> new DerivationScenario.Scenario(graph, o, c));
		});
	}

	/** Side by side under /d, one in five under the user's /s. */
	private static String destination(int index) {
		return (index % 5 == 4) ? "/s/x" + index : "/d/n" + index;
	}

	@Property(tries = 200)
	void onMemory(@ForAll("wide") DerivationScenario.Scenario scenario) {
		run(new InMemoryBackend(), scenario);
	}

	@Property(tries = 50)
	void onMemoryWithAsyncDispatch(@ForAll("wide") DerivationScenario.Scenario scenario) {
		try (StateController state = StateController.builder()
			.backend(new InMemoryBackend())
			.dispatch(StateController.Dispatch.ASYNC)
			.build()) {
			DerivationScenario.check(state, scenario, true);
		}
	}

	@Property(tries = 25)
	void onFiles(@ForAll("wide") DerivationScenario.Scenario scenario) throws IOException {
		Path directory = Files.createTempDirectory("derive24-held");
		try {
			run(FileSystemBackend.builder(directory).fsync(false).build(), scenario);
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	@Property(tries = 25)
	void onAHybrid(@ForAll("wide") DerivationScenario.Scenario scenario) throws IOException {
		Path d = Files.createTempDirectory("derive24-held");
		try {
			run(new HybridBackend(new InMemoryBackend()).mount("/d", FileSystemBackend.builder(d).fsync(false).build()),
					scenario);
		}
		finally {
			Break20Support.deleteTree(d);
		}
	}

	private static void run(StateBackend backend, DerivationScenario.Scenario scenario) {
		try (StateController state = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.onError(StateController.OnError.RETHROW)
			.build()) {
			DerivationScenario.check(state, scenario);
		}
	}

}
