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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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
