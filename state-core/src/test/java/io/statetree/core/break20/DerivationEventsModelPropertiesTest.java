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
import org.jspecify.annotations.Nullable;

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
	 * as {@code {}} (memory, files, a cache, and a hybrid whose mount point is {@code /d}: see the
	 * next example); a later commit deleting {@code /d} and the derived {@code /agg} together is then a
	 * change of {@code /d} ({@code {}} to absent), so {@code /agg} is computed again in that
	 * commit, and where {@code /d} read as absent already it is not.
	 */
	@Example
	void anEmptiedBranchDeletedWithTheDerivedValueRerunsTheDerivation() throws IOException {
		Path files = Files.createTempDirectory("break20-derive");
		Path cached = Files.createTempDirectory("break20-derive");
		try {
			check(new InMemoryBackend(), "memory", true);
			check(FileSystemBackend.builder(files).fsync(false).build(), "files", true);
			check(new CachingBackend(FileSystemBackend.builder(cached).fsync(false).build(), CachePolicy.defaults()),
					"cache over files", true);
		}
		finally {
			Break20Support.deleteTree(files);
			Break20Support.deleteTree(cached);
		}
	}

	/**
	 * The same input on a hybrid whose files mount is {@code /d}: after {@code delete /d/n0} the
	 * mount point reads {@code {}}, as on every other backend and as the derivation of {@code /agg}
	 * saw it ("branch of 0"). Before the mount point kept its marker (a finding of tidy23) it read
	 * {@code null}: a derived value that disagreed with its source as every reader saw it.
	 */
	@Example
	void anEmptiedMountPointReadsAsItsDerivationSawIt() throws IOException {
		Path d = Files.createTempDirectory("break20-derive");
		try {
			check(new HybridBackend(new InMemoryBackend()).mount("/d", FileSystemBackend.builder(d).fsync(false).build()),
					"hybrid, /d a files mount", true);
		}
		finally {
			Break20Support.deleteTree(d);
		}
	}

	private static void check(StateBackend backend, String what, @Nullable Boolean keepsEmptyBranch) {
		try (StateController state = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.onError(StateController.OnError.RETHROW)
			.build()) {
			emptiedBranchDeletedWithTheDerivedValue(state, what, keepsEmptyBranch);
		}
	}

	/**
	 * The steps of the example above, on one controller ({@code what} names the backend;
	 * {@code keepsEmptyBranch} says whether {@code /d} must read {@code {}} after its last child
	 * went, {@code null} for either).
	 */
	static void emptiedBranchDeletedWithTheDerivedValue(StateController state, String what,
			@Nullable Boolean keepsEmptyBranch) {
		java.util.List<String> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
		state.derive("/agg", "/d", (v) -> {
			String seen = (v == null) ? "absent" : "branch of " + ((java.util.Map<?, ?>) v).size();
			runs.add(seen);
			return seen;
		});
		state.set("/d/n0", 1);
		state.delete("/d/n0");
		Object emptied = state.get("/d");
		if (keepsEmptyBranch != null) {
			assertThat(emptied != null).as("%s: /d reads {} after its last child was deleted", what)
				.isEqualTo(keepsEmptyBranch);
		}
		if (emptied != null) {
			assertThat(emptied).as(what).isEqualTo(java.util.Map.of());
		}
		assertThat(state.get("/agg")).as(what).isEqualTo((emptied == null) ? "absent" : "branch of 0");
		runs.clear();
		state.batch(() -> {
			state.delete("/d");
			state.delete("/agg");
		});
		if (emptied != null) {
			assertThat(runs).as("%s: runs of the derivation in the commit deleting /d ({}) and /agg", what)
				.containsExactly("absent");
			assertThat(state.get("/agg")).as(what).isEqualTo("absent");
		}
		else {
			assertThat(runs).as("%s: runs of the derivation in the commit deleting /d (absent) and /agg", what).isEmpty();
			assertThat(state.get("/agg")).as(what).isNull();
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
