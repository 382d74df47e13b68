package io.statetree.autoconfigure.tx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14 inside Spring transactions (README "Transactions": "timeToLive answers as the
 * commit will leave it: a time to live the batch wrote reads whole (it counts from the commit)";
 * a value the transaction read that changed before the commit replays the recorded calls). In
 * memory and on files.
 */
class TransactionLifetimesTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class))
		.withUserConfiguration(H2OrdersDatabase.class);

	@TempDir
	Path directory;

	private ApplicationContextRunner on(String backend) {
		if (backend.equals("filesystem")) {
			return this.runner.withPropertyValues("statetree.backend=filesystem",
					"statetree.filesystem.directory=" + this.directory, "statetree.filesystem.fsync=false");
		}
		return this.runner;
	}

	private static void pause(long millis) {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < until) {
			LockSupport.parkNanos(until - System.nanoTime());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "filesystem" })
	void aTimeToLiveWrittenInATransactionCountsFromItsCommit(String backend) {
		on(backend).run((context) -> {
			StateController state = context.getBean(StateController.class);
			List<Boolean> expiries = new CopyOnWriteArrayList<>();
			state.subscribe("/orders/*", (event) -> expiries.add(event.isExpiry()));
			Duration[] inside = new Duration[1];
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.set("/orders/a", "placed", WriteOptions.ttl(Duration.ofMillis(600)));
				pause(400);
				inside[0] = state.timeToLive("/orders/a");
			});
			long committed = System.nanoTime();
			Object after = state.get("/orders/a");
			Duration left = state.timeToLive("/orders/a");
			long read = System.nanoTime();
			assertThat(inside[0]).as("timeToLive inside the transaction, 400 ms after the write").isEqualTo(Duration.ofMillis(600));
			assertThat(after).as("read right after the commit").isEqualTo("placed");
			assertThat(left).as("timeToLive right after the commit (read %s ms after it)", (read - committed) / 1_000_000)
				.isNotNull()
				.isLessThanOrEqualTo(Duration.ofMillis(600))
				.isGreaterThan(Duration.ofMillis(600 - 100 - (read - committed) / 1_000_000));
			await().atMost(Duration.ofSeconds(30)).until(() -> expiries.size() == 2);
			assertThat(expiries).containsExactly(false, true);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "filesystem" })
	void anUpdateInATransactionOverAValueThatFellDueBeforeTheCommitSeesNull(String backend) {
		on(backend).run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.set("/stock/a", 5, WriteOptions.ttl(Duration.ofMillis(100)));
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.update("/stock/a", Integer.class, (v) -> (v == null) ? 100 : v + 1);
				pause(300);
			});
			assertThat(state.get("/stock/a")).as("the update's function applied to the value at the commit")
				.isEqualTo(100);
			assertThat(state.timeToLive("/stock/a")).isNull();
			List<Commit> history = state.history(0, 100);
			assertThat(history).extracting(Commit::expiry).containsExactly(false, true, false);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "filesystem" })
	void aRolledBackTimeToLiveLeavesNothingToExpire(String backend) {
		on(backend).run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.set("/orders/b", "kept");
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.set("/orders/b", "kept", WriteOptions.ttl(Duration.ofMillis(100)));
				state.set("/orders/c", "gone", WriteOptions.ttl(Duration.ofMillis(100)));
				status.setRollbackOnly();
			});
			await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(3)).until(() -> true);
			assertThat(state.get("/orders/b")).isEqualTo("kept");
			assertThat(state.get("/orders/c")).isNull();
			assertThat(state.history(0, 100)).hasSize(1);
		});
	}

	/**
	 * README "Transactions": after the database commits, the state commit "can still fail, writing
	 * nothing, only when a replay is needed and" (a), (b) or (c). A time to live on a hybrid's
	 * mount point is bad input that a plain {@code set} refuses at once; inside a transaction it
	 * must be refused at the call too (the transaction can still roll back), not after the database
	 * committed.
	 */
	@org.junit.jupiter.api.Test
	void aTimeToLiveOnAMountPointInsideATransactionIsRefusedAtTheCallNotAfterTheDatabaseCommitted() {
		this.runner.withPropertyValues("statetree.mounts.sessions.path=/sessions",
				"statetree.mounts.sessions.backend=memory")
			.run((context) -> {
				StateController state = context.getBean(StateController.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				Throwable fromTheTransaction = null;
				try {
					context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
						jdbc.update("insert into orders (id) values ('a')");
						state.set("/orders/a", "placed");
						state.set("/sessions", java.util.Map.of("s1", "x"), WriteOptions.ttl(Duration.ofMinutes(5)));
					});
				}
				catch (RuntimeException ex) {
					fromTheTransaction = ex;
				}
				Integer rows = jdbc.queryForObject("select count(*) from orders", Integer.class);
				assertThat(fromTheTransaction).as("the refusal").isNotNull();
				assertThat(rows).as("the database row of a transaction whose state write was refused (%s)",
						fromTheTransaction)
					.isZero();
				assertThat(state.get("/orders/a")).isNull();
			});
	}

}
