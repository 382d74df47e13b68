package io.statetree.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The health contributor answers within its timeout whatever a backend's check does: a check that
 * hangs makes its mount DOWN after the timeout (and is not started again while it hangs), a
 * failing check makes it DOWN with the reason, and each mount is a child of its own.
 */
class StateTreeHealthContributorTest {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	@Test
	void aHangingCheckIsDownWithinTheTimeoutAndUpOnceItAnswers() {
		CheckedBackend hanging = new CheckedBackend();
		hanging.hang();
		try (StateController controller = StateController.create(new HybridBackend(new InMemoryBackend()).mount("/slow",
				hanging));
				StateTreeHealthContributor health = new StateTreeHealthContributor(controller, TIMEOUT)) {
			for (int i = 0; i < 3; i++) {
				long start = System.nanoTime();
				Health slow = health(health, "slow");
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				assertThat(slow.getStatus()).isEqualTo(Status.DOWN);
				assertThat(slow.getDetails().get("error").toString()).contains("300 ms", "statetree.health.timeout");
				assertThat(millis).as("answered after").isLessThan(TIMEOUT.toMillis() + 1000);
				assertThat(health(health, "root").getStatus()).isEqualTo(Status.UP);
			}
			assertThat(hanging.checks.get()).as("checks started while the first hangs").isEqualTo(1);
			hanging.answer();
			await().atMost(Duration.ofSeconds(30)).until(() -> health(health, "slow").getStatus().equals(Status.UP));
		}
	}

	@Test
	void aFailingCheckIsDownWithItsReason() {
		CheckedBackend failing = new CheckedBackend();
		failing.fail("Redis at redis://db:6379/0 is not reachable");
		try (StateController controller = StateController.create(failing);
				StateTreeHealthContributor health = new StateTreeHealthContributor(controller, TIMEOUT)) {
			assertThat(health.stream().map(HealthContributors.Entry::name)).containsExactly("root");
			Health root = health(health, "root");
			assertThat(root.getStatus()).isEqualTo(Status.DOWN);
			assertThat(root.getDetails()).containsEntry("error", "Redis at redis://db:6379/0 is not reachable")
				.containsEntry("mountPoint", "/");
			failing.fail(null);
			assertThat(health(health, "root").getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void childrenAreNamedByMountPoint() {
		HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/a/b", new InMemoryBackend())
			.mount("/root", new InMemoryBackend());
		try (StateController controller = StateController.create(hybrid);
				StateTreeHealthContributor health = new StateTreeHealthContributor(controller, TIMEOUT)) {
			List<String> names = health.stream().map(HealthContributors.Entry::name).toList();
			assertThat(names).containsExactlyInAnyOrder("root", "a.b", "root-2");
			assertThat(health.getContributor("nothing")).isNull();
			assertThat(StateTreeHealthContributor.childName(StatePath.of("/x/y/z"))).isEqualTo("x.y.z");
		}
	}

	@Test
	void refusesATimeoutThatIsNotPositive() {
		try (StateController controller = StateController.create(new InMemoryBackend())) {
			assertThatIllegalArgumentException().isThrownBy(() -> new StateTreeHealthContributor(controller, Duration.ZERO))
				.withMessageContaining("statetree.health.timeout");
		}
	}

	private static Health health(StateTreeHealthContributor contributor, String child) {
		return ((HealthIndicator) contributor.getContributor(child)).health(true);
	}

	/** A backend whose check hangs, fails or passes, as the test says. */
	static final class CheckedBackend implements StateBackend {

		final AtomicInteger checks = new AtomicInteger();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		private volatile @Nullable String failure;

		void hang() {
			this.gate = new CountDownLatch(1);
		}

		void answer() {
			this.gate.countDown();
		}

		void fail(@Nullable String message) {
			this.failure = message;
		}

		@Override
		public void check() {
			this.checks.incrementAndGet();
			try {
				this.gate.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			String message = this.failure;
			if (message != null) {
				throw new StateStorageException(message);
			}
		}

		@Override
		public @Nullable Object read(StatePath path) {
			return null;
		}

		@Override
		public CommitResult commit(CommitRequest request) {
			throw new StateStorageException("read-only test backend");
		}

		@Override
		public long revision() {
			return 0;
		}

	}

}
