package io.statetree.core.break16;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a controller while asynchronous writes are queued or running: every future is answered
 * (none left hanging), a future that completed normally has its write stored, and one that
 * failed has none ("no call may report failure for a write it made"). Checked by reopening the
 * same directory.
 */
class Break16CloseWithCallsInFlightTest {

	@ParameterizedTest
	@EnumSource(value = Break16Backends.class, names = { "FILES", "HYBRID", "CACHING" })
	void everyFutureIsAnsweredAndTellsTheTruth(Break16Backends backend) {
		Path directory = backend.newDirectory();
		List<CompletableFuture<Boolean>> futures = new ArrayList<>();
		StateController c = StateController.builder().backend(backend.newBackend(directory)).build();
		for (int i = 0; i < 300; i++) {
			futures.add(c.async().set("/m/k" + i, i));
		}
		c.close();
		List<String> hanging = new ArrayList<>();
		List<Boolean> succeeded = new ArrayList<>();
		for (int i = 0; i < futures.size(); i++) {
			CompletableFuture<Boolean> f = futures.get(i);
			try {
				f.get(20, TimeUnit.SECONDS);
				succeeded.add(true);
			}
			catch (java.util.concurrent.TimeoutException ex) {
				hanging.add("/m/k" + i);
				succeeded.add(false);
			}
			catch (Exception ex) {
				succeeded.add(false);
			}
		}
		assertThat(hanging).as("futures never answered").isEmpty();
		try (StateController reopened = StateController.builder().backend(backend.newBackend(directory)).build()) {
			List<String> lies = new ArrayList<>();
			for (int i = 0; i < futures.size(); i++) {
				Object stored = reopened.get("/m/k" + i);
				if (succeeded.get(i) && stored == null) {
					lies.add("/m/k" + i + " reported written, not stored");
				}
				if (!succeeded.get(i) && stored != null) {
					lies.add("/m/k" + i + " reported failed, stored");
				}
			}
			assertThat(lies).isEmpty();
		}
	}

}
