package io.statetree.break17;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.tx.StateTreeTransactionAutoConfiguration;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 17 part 1 tried as a user: H2 + {@code TransactionTemplate}, with the README's promise
 * "every write on a thread with an active transaction synchronisation joins one batch per
 * transaction ... on rollback the batch is discarded; nothing is written".
 */
class Break17TransactionsTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class))
		.withUserConfiguration(Database.class);

	@TempDir
	Path directory;

	/**
	 * Expected: an asynchronous write made inside a transaction that rolls back is discarded, like
	 * the synchronous one (or the README says it is not). On the filesystem backend the async call
	 * runs on the controller's executor, where no transaction synchronisation is active, so it
	 * commits at once and survives the rollback.
	 */
	@Test
	void anAsyncWriteOnFilesInsideARolledBackTransactionIsDiscarded() {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.directory,
					"statetree.filesystem.fsync=false")
			.run((context) -> {
				StateController state = context.getBean(StateController.class);
				List<String> heard = new CopyOnWriteArrayList<>();
				state.subscribe("/orders/*", (event) -> heard.add(event.path().toString()));
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					context.getBean(JdbcTemplate.class).update("insert into orders (id) values ('a')");
					state.async().set("/orders/a", "placed").join();
					status.setRollbackOnly();
				});
				assertThat(rowCount(context.getBean(DataSource.class))).as("the row rolled back").isZero();
				assertThat(state.get("/orders/a")).as("the state written asynchronously in the rolled-back transaction")
					.isNull();
				assertThat(heard).as("listeners heard a rolled-back write").isEmpty();
			});
	}

	/** The same in memory, where the async call is the synchronous one: holds today. */
	@Test
	void anAsyncWriteInMemoryInsideARolledBackTransactionIsDiscarded() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.async().set("/orders/a", "placed").join();
				assertThat(state.get("/orders/a")).isEqualTo("placed");
				status.setRollbackOnly();
			});
			assertThat(state.get("/orders/a")).isNull();
		});
	}

	/**
	 * Expected: a derivation that throws for the written value fails the write inside the
	 * transaction (so the database rolls back with it), not after the database committed.
	 */
	@Test
	void aDerivationThatThrowsInsideTheTransactionRollsTheDatabaseBack() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.derive("/orders/count", "/orders/last", (value) -> {
				if ("bad".equals(value)) {
					throw new IllegalArgumentException("no bad orders");
				}
				return 1;
			});
			Throwable thrown = catchThrowable(() -> context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> {
					context.getBean(JdbcTemplate.class).update("insert into orders (id) values ('b')");
					state.set("/orders/last", "bad");
				}));
			assertThat(thrown).as("the transaction fails").isNotNull();
			assertThat(rowCount(context.getBean(DataSource.class)))
				.as("the row must not be committed when the state write failed (%s)", thrown)
				.isZero();
			assertThat(state.get("/orders/last")).isNull();
		});
	}

	/** Reads of every kind inside the transaction see its own writes: holds. */
	@Test
	void everyKindOfReadInsideTheTransactionSeesItsWrites() {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.directory,
					"statetree.filesystem.fsync=false")
			.run((context) -> {
				StateController state = context.getBean(StateController.class);
				state.set("/orders/x", "old");
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					state.set("/orders/y", "placed");
					assertThat(state.childNames("/orders")).containsExactlyInAnyOrder("x", "y");
					assertThat(state.getVersioned("/orders/y").value()).isEqualTo("placed");
					assertThat(state.snapshot("/orders").value()).isNotNull();
					assertThat(state.async().get("/orders/y", String.class).join()).isEqualTo("placed");
					status.setRollbackOnly();
				});
				assertThat(state.childNames("/orders")).containsExactly("x");
			});
	}

	/**
	 * A synchronous listener that writes when it hears the transaction's commit (it runs inside
	 * the transaction's after-commit phase): its write is kept, as the README says for writes made
	 * once the batch committed.
	 */
	@Test
	void aListenerThatWritesWhenItHearsTheCommitKeepsItsWrite() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.subscribe("/orders/*", (event) -> {
				if (event.newValue() != null) {
					state.set("/audit" + event.emittingPath(), "seen");
				}
			});
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				context.getBean(JdbcTemplate.class).update("insert into orders (id) values ('c')");
				state.set("/orders/c", "placed");
			});
			assertThat(state.get("/orders/c")).isEqualTo("placed");
			assertThat(state.get("/audit/orders/c")).as("the listener's write").isEqualTo("seen");
			// and the thread is clean: the next transaction's writes still follow it
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.set("/orders/d", "placed");
				status.setRollbackOnly();
			});
			assertThat(state.get("/orders/d")).isNull();
		});
	}

	private static int rowCount(DataSource dataSource) {
		Integer count = new JdbcTemplate(dataSource).queryForObject("select count(*) from orders", Integer.class);
		return (count != null) ? count : -1;
	}

	@Configuration(proxyBeanMethods = false)
	static class Database {

		@Bean
		DataSource dataSource() {
			DriverManagerDataSource dataSource = new DriverManagerDataSource(
					"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
			new JdbcTemplate(dataSource).execute("create table orders (id varchar(20) primary key)");
			return dataSource;
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		TransactionTemplate transactionTemplate(PlatformTransactionManager manager) {
			return new TransactionTemplate(manager);
		}

	}

}
