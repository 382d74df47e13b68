package io.statetree.core.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link PatientCommitLock}: a reader waits for the commit lock for as long as commits complete,
 * past any number of patience periods, and gives up after one in which none completed.
 */
class PatientCommitLockTest {

	private static final long PATIENCE = TimeUnit.MILLISECONDS.toNanos(20);

	@Test
	void waitsPastManyPatiencesWhileCommitsComplete() throws Exception {
		ReentrantLock lock = new ReentrantLock();
		AtomicLong asked = new AtomicLong();
		// every time the reader looks, another commit completed
		PatientCommitLock patient = new PatientCommitLock(lock, asked::incrementAndGet);
		patient.patienceNanos(PATIENCE);
		CompletableFuture<Void> holder = holdUntil(lock, () -> asked.get() >= 5);
		assertThat(patient.acquire()).isTrue();
		try {
			assertThat(lock.isHeldByCurrentThread()).isTrue();
			assertThat(asked.get()).as("patience periods waited through").isGreaterThanOrEqualTo(5);
		}
		finally {
			patient.release();
		}
		holder.get(10, TimeUnit.SECONDS);
	}

	@Test
	void givesUpAfterAPatienceWithoutACompletedCommit() throws Exception {
		ReentrantLock lock = new ReentrantLock();
		PatientCommitLock patient = new PatientCommitLock(lock, () -> 7);
		patient.patienceNanos(PATIENCE);
		CountDownLatch gaveUp = new CountDownLatch(1);
		CompletableFuture<Void> holder = holdUntil(lock, () -> gaveUp.getCount() == 0);
		await().atMost(Duration.ofSeconds(10)).until(lock::isLocked);
		assertThat(patient.acquire()).isFalse();
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		gaveUp.countDown();
		holder.get(10, TimeUnit.SECONDS);
	}

	@Test
	void anInterruptChangesNothingAndIsKept() throws Exception {
		ReentrantLock lock = new ReentrantLock();
		AtomicLong asked = new AtomicLong();
		PatientCommitLock patient = new PatientCommitLock(lock, asked::incrementAndGet);
		patient.patienceNanos(PATIENCE);
		CompletableFuture<Void> holder = holdUntil(lock, () -> asked.get() >= 3);
		await().atMost(Duration.ofSeconds(10)).until(lock::isLocked);
		Thread.currentThread().interrupt();
		try {
			assertThat(patient.acquire()).isTrue();
			patient.release();
		}
		finally {
			assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
		}
		holder.get(10, TimeUnit.SECONDS);
	}

	@Test
	void aPatienceMustBePositive() {
		PatientCommitLock patient = new PatientCommitLock(new ReentrantLock(), () -> 0);
		assertThatIllegalArgumentException().isThrownBy(() -> patient.patienceNanos(0))
			.withMessageContaining("positive");
		assertThat(patient.patienceNanos()).isEqualTo(PatientCommitLock.DEFAULT_PATIENCE_NANOS);
	}

	/** Another thread takes the lock and holds it until the condition holds. */
	private static CompletableFuture<Void> holdUntil(ReentrantLock lock, java.util.function.BooleanSupplier until)
			throws InterruptedException {
		CountDownLatch taken = new CountDownLatch(1);
		CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
			lock.lock();
			try {
				taken.countDown();
				await().atMost(Duration.ofSeconds(10)).until(until::getAsBoolean);
			}
			finally {
				lock.unlock();
			}
		});
		assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
		return holder;
	}

}
