package io.statetree.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The builder's package-private {@code closeDeliveryTimeout} (for tests whose listener blocks on
 * purpose): close gives up waiting for a blocked listener after it rather than after the default
 * 5 s, and a negative one is refused naming it.
 */
class CloseDeliveryTimeoutTest {

	@Test
	void closeGivesUpOnABlockedListenerAfterTheTimeoutGiven() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		StateController c = StateController.builder()
			.dispatch(StateController.Dispatch.ASYNC)
			.closeDeliveryTimeout(Duration.ofMillis(100))
			.build();
		try {
			c.subscribe("/n", (e) -> {
				entered.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			c.set("/n", 1);
			c.set("/n", 2);
			assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			c.close();
			// the default would wait 5 s for the second event to be heard
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aNegativeTimeoutIsRefusedNamingIt() {
		assertThatThrownBy(() -> StateController.builder().closeDeliveryTimeout(Duration.ofMillis(-1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("closeDeliveryTimeout")
			.hasMessageContaining("PT-0.001S");
	}

}
