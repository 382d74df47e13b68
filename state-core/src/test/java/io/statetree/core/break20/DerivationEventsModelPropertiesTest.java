package io.statetree.core.break20;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.statetree.core.StateController;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20's new derivation commit path (derived writes applied in one pass, a commit's changes
 * taken from the transaction's record instead of a diff) against a model that is not the
 * product's code ({@link DerivationScenario}): on memory, files, a write-through cache over files
 * and a hybrid whose {@code /d} (some destinations) and {@code /s} (sources and destinations) live
 * on files while the rest stays in memory.
 */
class DerivationEventsModelPropertiesTest {

	@Provide
	Arbitrary<DerivationScenario.Scenario> scenarios() {
		return DerivationScenario.scenarios();
	}

	@Property(tries = 400)
	void onMemory(@ForAll("scenarios") DerivationScenario.Scenario scenario) {
		run(new InMemoryBackend(), scenario);
	}

	@Property(tries = 100)
	void onMemoryWithAsyncDispatch(@ForAll("scenarios") DerivationScenario.Scenario scenario) {
		try (StateController state = StateController.builder()
			.backend(new InMemoryBackend())
			.dispatch(StateController.Dispatch.ASYNC)
			.build()) {
			DerivationScenario.check(state, scenario, true);
		}
	}

	@Property(tries = 60)
	void onFiles(@ForAll("scenarios") DerivationScenario.Scenario scenario) throws IOException {
		Path directory = Files.createTempDirectory("break20-derive");
		try {
			run(FileSystemBackend.builder(directory).fsync(false).build(), scenario);
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	@Property(tries = 60)
	void onACacheOverFiles(@ForAll("scenarios") DerivationScenario.Scenario scenario) throws IOException {
		Path directory = Files.createTempDirectory("break20-derive");
		try {
			run(new CachingBackend(FileSystemBackend.builder(directory).fsync(false).build(), CachePolicy.defaults()),
					scenario);
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	@Property(tries = 60)
	void onAHybrid(@ForAll("scenarios") DerivationScenario.Scenario scenario) throws IOException {
		Path d = Files.createTempDirectory("break20-derive");
		Path s = Files.createTempDirectory("break20-derive");
		try {
			run(new HybridBackend(new InMemoryBackend()).mount("/d", FileSystemBackend.builder(d).fsync(false).build())
				.mount("/s", FileSystemBackend.builder(s).fsync(false).build()), scenario);
		}
		finally {
			Break20Support.deleteTree(d);
			Break20Support.deleteTree(s);
		}
	}

	/**
	 * The exact input the model once got wrong: deleting {@code /d}'s last child leaves {@code /d}
	 * as {@code {}}; a later commit deleting {@code /d} and the derived {@code /agg} together is a
	 * change of {@code /d} ({@code {}} to absent), so {@code /agg} is computed again in that commit.
	 */
	@Example
	void anEmptiedBranchDeletedWithTheDerivedValueRerunsTheDerivationOnEveryBackend() throws IOException {
		Path files = Files.createTempDirectory("break20-derive");
		Path cached = Files.createTempDirectory("break20-derive");
		Path d = Files.createTempDirectory("break20-derive");
		try {
			java.util.Map<String, StateBackend> backends = new java.util.LinkedHashMap<>();
			backends.put("memory", new InMemoryBackend());
			backends.put("files", FileSystemBackend.builder(files).fsync(false).build());
			backends.put("cache over files",
					new CachingBackend(FileSystemBackend.builder(cached).fsync(false).build(), CachePolicy.defaults()));
			backends.put("hybrid, /d on files",
					new HybridBackend(new InMemoryBackend()).mount("/d", FileSystemBackend.builder(d).fsync(false).build()));
			backends.forEach((name, backend) -> {
				try (StateController state = StateController.builder()
					.backend(backend)
					.dispatch(StateController.Dispatch.SYNC)
					.onError(StateController.OnError.RETHROW)
					.build()) {
					emptiedBranchDeletedWithTheDerivedValue(state, name);
				}
			});
		}
		finally {
			Break20Support.deleteTree(files);
			Break20Support.deleteTree(cached);
			Break20Support.deleteTree(d);
		}
	}

	/** The steps of the example above, on one controller ({@code what} names the backend). */
	static void emptiedBranchDeletedWithTheDerivedValue(StateController state, String what) {
		java.util.List<String> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
		state.derive("/agg", "/d", (v) -> {
			String seen = (v == null) ? "absent" : "branch of " + ((java.util.Map<?, ?>) v).size();
			runs.add(seen);
			return seen;
		});
		state.set("/d/n0", 1);
		state.delete("/d/n0");
		assertThat(state.get("/d")).as("%s: /d after its last child was deleted", what).isEqualTo(java.util.Map.of());
		assertThat(state.get("/agg")).as(what).isEqualTo("branch of 0");
		runs.clear();
		state.batch(() -> {
			state.delete("/d");
			state.delete("/agg");
		});
		assertThat(runs).as("%s: runs of the derivation in the commit deleting /d and /agg", what).containsExactly("absent");
		assertThat(state.get("/agg")).as(what).isEqualTo("absent");
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
