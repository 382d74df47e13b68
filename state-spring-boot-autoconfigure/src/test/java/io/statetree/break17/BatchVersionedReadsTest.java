package io.statetree.break17;

import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Pins the cause of the transaction finding in {@link TransactionAsyncWritesAndReadsTest}: the README says
 * "Reads inside a batch see its own writes", and a transaction's writes are a held batch. Expected:
 * {@code getVersioned}, {@code snapshot} and {@code timeToLive} inside a plain {@code batch(...)}
 * see the batch's writes as {@code get} does. They read the backend directly
 * ({@code HistoryAccess.getVersioned} / {@code snapshot}, {@code lifetimes.timeToLive}).
 */
class BatchVersionedReadsTest {

	@Test
	void everyReadInsideAPlainBatchSeesItsWrites() throws Exception {
		try (StateController state = StateController.create()) {
			SoftAssertions softly = new SoftAssertions();
			state.batch(() -> {
				state.set("/orders/y", "placed");
				state.set("/orders/z", "placed", WriteOptions.ttl(Duration.ofMinutes(5)));
				softly.assertThat(state.get("/orders/y")).as("get").isEqualTo("placed");
				softly.assertThat(state.getVersioned("/orders/y").value()).as("getVersioned").isEqualTo("placed");
				softly.assertThat(String.valueOf(state.snapshot("/orders").value())).as("snapshot").contains("placed");
				softly.assertThat(state.timeToLive("/orders/z")).as("timeToLive").isNotNull();
			});
			softly.assertAll();
		}
	}

}
