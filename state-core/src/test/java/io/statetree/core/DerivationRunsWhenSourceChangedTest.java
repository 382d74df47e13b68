package io.statetree.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A derivation runs when the value of a source changed in the commit, compared with the state
 * before the commit, however the commit's writes got there (DESIGN §6; issue 20's commit knows
 * many changes without comparing, and must not trust that knowledge once a later write of the
 * same commit moved the value again). On every backend.
 */
class DerivationRunsWhenSourceChangedTest {

	@TempDir
	Path directory;

	/**
	 * A destination written by hand in the same commit as a change of its derivation's source:
	 * the derivation writes its value back, so the destination ends where it started, and a
	 * derivation reading it does not run.
	 */
	@ParameterizedTest
	@EnumSource(DerivationModelPropertiesTest.Backend.class)
	void aDestinationWrittenByHandAndDerivedBackToItsOldValueRunsNothingThatReadsIt(
			DerivationModelPropertiesTest.Backend backend) {
		try (StateController controller = StateController.builder()
			.backend(backend.create(this.directory))
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			controller.set("/s", 1);
			controller.derive("/d/parity", "/s", Integer.class, (n) -> (n == null) ? null : n % 2);
			AtomicInteger runs = new AtomicInteger();
			controller.derive("/e/copy", "/d/parity", Integer.class, (n) -> {
				runs.incrementAndGet();
				return n;
			});
			List<String> heard = new ArrayList<>();
			controller.subscribe("/**", (event) -> heard.add(event.emittingPath().toString()));
			assertThat(runs).hasValue(1);

			// /s changes with the same parity; /d/parity is written by hand, then derived back to 1
			controller.setAll(Map.of("/s", 3, "/d/parity", 5));

			assertThat(controller.get("/d/parity")).isEqualTo(1);
			assertThat(controller.get("/e/copy")).isEqualTo(1);
			assertThat(runs).as("runs of the derivation reading /d/parity").hasValue(1);
			assertThat(heard).as("paths heard").containsOnly("/s");
		}
	}

	/**
	 * The same source written twice in one commit, ending at its old value: nothing reading it
	 * runs; ending elsewhere: it runs once.
	 */
	@ParameterizedTest
	@EnumSource(DerivationModelPropertiesTest.Backend.class)
	void aSourceWrittenTwiceInOneCommitRunsItsDerivationOnlyWhenItEndsChanged(
			DerivationModelPropertiesTest.Backend backend) {
		try (StateController controller = StateController.builder()
			.backend(backend.create(this.directory))
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			controller.set("/s/a", 1);
			AtomicInteger runs = new AtomicInteger();
			controller.derive("/d", "/s", (value) -> {
				runs.incrementAndGet();
				return value;
			});
			assertThat(runs).hasValue(1);

			controller.batch(() -> {
				controller.set("/s/a", 2);
				controller.set("/s/a", 1);
			});
			assertThat(runs).as("runs after a commit that ends where it started").hasValue(1);

			controller.batch(() -> {
				controller.set("/s/a", 2);
				controller.set("/s/a", 3);
			});
			assertThat(runs).as("runs after a commit that ends elsewhere").hasValue(2);
			assertThat(controller.get("/d/a")).isEqualTo(3);
		}
	}

}
