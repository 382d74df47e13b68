package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14: four writers at once on every backend kind (hybrids on each of their mounts),
 * mixing writes with and without a time to live, ephemeral writes, deletes, {@code update},
 * {@code getOrWrite}, {@code setAll}, {@code async()} and batches, with a listener that writes
 * (with a lifetime of its own) and derivations; see {@link Break14Workload} for what is checked:
 * reads and {@code timeToLive} against the model, the history of every leaf against the writes
 * (one expiry commit per lifetime that ran out, before the next write, within one second), and
 * every change heard exactly once, in revision order. Then the controller closes: the ephemeral
 * entries go by expiry commits the listener hears, and on files the reopened tree has neither
 * them nor anything that expired, and its history holds their expiry commits.
 */
class ConcurrentLifetimesWorkloadTest {

	@TempDir
	Path dir;

	static Stream<Arguments> runs() {
		List<Arguments> runs = new ArrayList<>();
		long seed = 1;
		for (Break14Backends kind : Break14Backends.values()) {
			for (StateController.Dispatch dispatch : StateController.Dispatch.values()) {
				runs.add(Arguments.of(kind, dispatch, seed++));
			}
		}
		return runs.stream();
	}

	private static List<String> notHeardOnce(List<Break14Workload.Heard> heard, Map<String, Object> ephemeral) {
		List<String> missing = new ArrayList<>();
		for (Map.Entry<String, Object> e : ephemeral.entrySet()) {
			if (heard.stream()
				.filter(h -> h.expiry() && h.path().equals(e.getKey()) && e.getValue().equals(h.oldValue()))
				.count() != 1) {
				missing.add(e.getKey() + "=" + e.getValue());
			}
		}
		return missing;
	}

	@ParameterizedTest(name = "{0} {1} seed {2}")
	@MethodSource("runs")
	void fourWritersMixingLifetimesAgreeWithTheModelTheHistoryAndTheListeners(Break14Backends kind,
			StateController.Dispatch dispatch, long seed) throws Exception {
		Path d = this.dir.resolve("state");
		StateController c = StateController.builder()
			.backend(kind.create(d))
			.dispatch(dispatch)
			.historySize(50_000)
			.build();
		Break14Workload workload;
		List<String> failures;
		try {
			workload = new Break14Workload(List.of(c),
					new Break14Workload.Settings(4, 40, seed, true, true, Duration.ofSeconds(1)), kind::prefix);
			failures = workload.run();
		}
		catch (Throwable ex) {
			c.close();
			throw ex;
		}
		Map<String, Object> ephemeral = workload.ephemeralLeft();
		Map<String, Object> permanent = workload.permanentLeft();
		c.close();
		// the ephemeral entries go by expiry commits at close, heard like any other
		List<Break14Workload.Heard> heard = workload.heard().get(0);
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> notHeardOnce(heard, ephemeral).isEmpty());
		}
		catch (ConditionTimeoutException ex) {
			failures.add("the listener did not hear the close's expiry of these ephemeral entries exactly once: "
					+ notHeardOnce(heard, ephemeral));
		}
		assertThat(failures).as("broken promises (%s, %s)", kind, dispatch).isEmpty();
		if (kind == Break14Backends.FILES) {
			StateController reopened = StateController.builder().backend(kind.create(d)).build();
			try {
				for (String leaf : ephemeral.keySet()) {
					assertThat(reopened.get(leaf)).as("ephemeral %s after reopening", leaf).isNull();
				}
				for (Map.Entry<String, Object> e : permanent.entrySet()) {
					assertThat(reopened.get(e.getKey())).as("permanent %s after reopening", e.getKey())
						.isEqualTo(e.getValue());
					assertThat(reopened.timeToLive(e.getKey())).isNull();
				}
				List<Break14Workload.Change> history = Break14Workload.history(reopened);
				for (Map.Entry<String, Object> e : ephemeral.entrySet()) {
					assertThat(history.stream()
						.filter(h -> h.expiry() && h.path().equals(e.getKey()) && e.getValue().equals(h.oldValue()))
						.count()).as("expiry commits of ephemeral %s in the reopened history", e.getKey()).isEqualTo(1);
				}
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reopened.childNames("/echo")).isEmpty());
			}
			finally {
				reopened.close();
			}
		}
	}

}
