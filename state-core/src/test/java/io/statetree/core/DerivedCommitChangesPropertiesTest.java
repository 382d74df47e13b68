package io.statetree.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A commit that runs derivations on memory publishes the tree its transaction built and reports
 * the changes that transaction recorded while building it, instead of comparing the roots before
 * and after (issue 20). What a user sees must not move: for random derivations (leaf and branch
 * sources, destinations side by side and nested) under random commits (single writes, deletes,
 * writes of a branch and of a leaf below it, the same path twice, a derivation's destination
 * written by hand), the history of every commit (each changed path with its old and new value,
 * in order) and the tree equal those of the same commits on a backend without a snapshot store,
 * where the backend compares the roots itself.
 */
class DerivedCommitChangesPropertiesTest {

	/** The paths commits write: leaves, their branches, and places derivations write. */
	private static final List<String> WRITTEN = List.of("/s/a", "/s/b", "/s", "/s/a/x", "/t/c", "/t", "/d/0",
			"/d", "/e/1/v");

	/** The paths derivations read. */
	private static final List<String> READ = List.of("/s/a", "/s/b", "/s", "/t/c", "/t", "/d/0", "/d/1",
			"/e/0/v");

	/**
	 * A derivation writing {@code destination}, reading {@code reads}: its value is the number of
	 * present reads times {@code factor}, or the whole branch it read first when {@code copy} (so
	 * a destination can hold a branch).
	 */
	record Node(String destination, List<String> reads, int factor, boolean copy) {
	}

	/** One write (value null deletes; a negative value writes a branch {@code {"k": -value}}). */
	record Write(String path, @Nullable Integer value) {
	}

	@Provide
	Arbitrary<List<Node>> graphs() {
		Arbitrary<Node> node = Combinators.combine(Arbitraries.of(READ).list().ofMinSize(1).ofMaxSize(3).uniqueElements(),
				Arbitraries.integers().between(1, 3), Arbitraries.of(true, false))
			.as((reads, factor, copy) -> new Node("", reads, factor, copy));
		return node.list().ofMinSize(1).ofMaxSize(6).map((nodes) -> {
			// destinations side by side (/d/0, /d/1, ...) and nested under another branch (/e/i/v)
			List<Node> named = new ArrayList<>();
			for (int i = 0; i < nodes.size(); i++) {
				Node n = nodes.get(i);
				int index = i;
				String destination = (i % 2 == 0) ? "/d/" + (i / 2) : "/e/" + (i / 2) + "/v";
				List<String> reads = new ArrayList<>(n.reads());
				// a derivation reads only what comes before it in the chain: no cycle
				reads.removeIf((r) -> r.equals(destination) || reads(destination, r, index));
				if (reads.isEmpty()) {
					reads.add("/s/a");
				}
				named.add(new Node(destination, reads, n.factor(), n.copy()));
			}
			return named;
		});
	}

	/** Whether {@code read} is (or is above or below) a destination of this node or a later one. */
	private static boolean reads(String destination, String read, int index) {
		for (int j = index; j < 12; j++) {
			String later = (j % 2 == 0) ? "/d/" + (j / 2) : "/e/" + (j / 2) + "/v";
			if (related(later, read)) {
				return true;
			}
		}
		return related(destination, read);
	}

	private static boolean related(String a, String b) {
		return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
	}

	@Provide
	Arbitrary<List<List<Write>>> commits() {
		Arbitrary<Write> write = Combinators
			.combine(Arbitraries.of(WRITTEN), Arbitraries.integers().between(-2, 4).injectNull(0.2))
			.as(Write::new);
		return write.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(12);
	}

	@Property(tries = 300)
	void theChangesOfACommitWithDerivationsAreThoseTheRootsShow(@ForAll("graphs") List<Node> graph,
			@ForAll("commits") List<List<Write>> commits) {
		List<Commit> recorded = run(new InMemoryBackend(), graph, commits);
		List<Commit> compared = run(new PlainBackend(), graph, commits);
		assertThat(recorded).hasSameSizeAs(compared);
		for (int i = 0; i < recorded.size(); i++) {
			assertThat(recorded.get(i).changes()).as("changes of commit %d", i)
				.usingElementComparator((a, b) -> same(a, b) ? 0 : 1)
				.containsExactlyElementsOf(compared.get(i).changes());
		}
	}

	/**
	 * More derived writes side by side than the view keeps pending at once, and more changes than
	 * it records: a chain of 40 under one branch, and a derivation reading that whole branch (the
	 * pending writes then go to the tree first), give the same history and tree as on a backend
	 * that diffs the roots.
	 */
	@Example
	void aWideChainCommitsTheSameChangesAsDiffingTheRoots() {
		List<List<Write>> commits = List.of(List.of(new Write("/s/a", 3)), List.of(new Write("/s/a", 4)),
				List.of(new Write("/s/b", 1), new Write("/s/a", 5)));
		List<Commit> recorded = runWide(new InMemoryBackend(), commits);
		List<Commit> compared = runWide(new PlainBackend(), commits);
		assertThat(recorded).hasSameSizeAs(compared);
		for (int i = 0; i < recorded.size(); i++) {
			assertThat(recorded.get(i).changes()).as("changes of commit %d", i)
				.usingElementComparator((a, b) -> same(a, b) ? 0 : 1)
				.containsExactlyElementsOf(compared.get(i).changes());
		}
		// the last commit: its two writes, the 40 derived values and their sum
		assertThat(recorded.get(recorded.size() - 2).changes()).hasSize(43);
	}

	private static List<Commit> runWide(StateBackend backend, List<List<Write>> commits) {
		try (StateController controller = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			controller.set("/s", Map.of("a", 1, "b", 2));
			String previous = "/s/a";
			for (int i = 0; i < 40; i++) {
				controller.derive("/w/n" + i, previous, Integer.class, (n) -> (n == null) ? 0 : n + 1);
				previous = "/w/n" + i;
			}
			controller.derive("/x", "/w", (branch) -> {
				int sum = 0;
				for (Object value : ((Map<?, ?>) branch).values()) {
					sum += ((Number) value).intValue();
				}
				return sum;
			});
			for (List<Write> commit : commits) {
				controller.batch(() -> {
					for (Write write : commit) {
						controller.set(write.path(), write.value());
					}
				});
			}
			List<Commit> history = new ArrayList<>(controller.history(0, 10_000));
			history.add(new Commit(Long.MAX_VALUE, java.time.Instant.EPOCH, "tree", null,
					List.of(new ChangedPath(StatePath.ROOT, null, controller.get("/"))), 0));
			return history;
		}
	}

	/** Runs the commits and returns the history, with the final tree as the last commit's extra check. */
	private static List<Commit> run(StateBackend backend, List<Node> graph, List<List<Write>> commits) {
		try (StateController controller = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			controller.set("/s", Map.of("a", 1, "b", 2));
			for (Node node : graph) {
				List<String> reads = node.reads();
				controller.deriveMany(node.destination(), reads, (data) -> {
					if (node.copy()) {
						return data.get(reads.get(0));
					}
					int present = 0;
					for (String read : reads) {
						present += (data.get(read) != null) ? 1 : 0;
					}
					return present * node.factor();
				});
			}
			for (List<Write> commit : commits) {
				try {
					controller.batch(() -> {
						for (Write write : commit) {
							Integer value = write.value();
							controller.set(write.path(), (value == null) ? null
									: (value < 0) ? (Object) Map.of("k", -value) : (Object) value);
						}
					});
				}
				catch (StateWriteException ex) {
					// a write below a leaf: refused on both backends alike, nothing written
				}
			}
			List<Commit> history = new ArrayList<>(controller.history(0, 10_000));
			history.add(new Commit(Long.MAX_VALUE, java.time.Instant.EPOCH, "tree", null,
					List.of(new ChangedPath(StatePath.ROOT, null, controller.get("/"))), 0));
			return history;
		}
	}

	private static boolean same(ChangedPath a, ChangedPath b) {
		return a.path().equals(b.path()) && io.statetree.core.backend.StateValues.equal(a.oldValue(), b.oldValue())
				&& io.statetree.core.backend.StateValues.equal(a.newValue(), b.newValue());
	}

}
