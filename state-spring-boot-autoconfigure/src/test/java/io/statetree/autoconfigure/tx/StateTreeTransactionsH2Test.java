package io.statetree.autoconfigure.tx;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.StateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * StateTree writes following real database transactions (DESIGN §14): H2 in memory,
 * {@link JdbcTemplate}, {@code @Transactional} and {@link TransactionTemplate}. Each test writes a
 * row and state in one transaction and checks that both are there after a commit and neither after
 * a rollback, that listeners hear the writes only once the row is committed, and that
 * {@code REQUIRES_NEW} gets its own batch.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateTreeTransactionsH2Test {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class))
		.withUserConfiguration(Database.class);

	@Test
	void transactionTemplateCommitAppliesStateAfterTheRowIsCommittedAndListenersHearItThen() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Rows rows = context.getBean(Rows.class);
			List<String> heard = new CopyOnWriteArrayList<>();
			state.subscribe("/orders/*", (event) -> heard.add(event.path() + " row committed: "
					+ rows.committedCount("o-1")));
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				rows.insert("o-1");
				state.set("/orders/o-1", "placed");
				assertThat(state.get("/orders/o-1")).as("read inside sees the write").isEqualTo("placed");
				assertThat(elsewhere(() -> state.get("/orders/o-1"))).as("other threads do not").isNull();
				assertThat(heard).as("nothing heard before the commit").isEmpty();
			});
			assertThat(state.get("/orders/o-1")).isEqualTo("placed");
			assertThat(heard).containsExactly("/orders/o-1 row committed: 1");
		});
	}

	@Test
	void transactionTemplateRollbackDiscardsTheState() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Rows rows = context.getBean(Rows.class);
			List<String> heard = new CopyOnWriteArrayList<>();
			state.subscribe("/**", (event) -> heard.add(event.path().toString()));
			long revision = state.revision();
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				rows.insert("o-2");
				state.set("/orders/o-2", "placed");
				state.increment("/stats/orders", 1);
				status.setRollbackOnly();
			});
			assertThat(rows.committedCount("o-2")).isZero();
			assertThat(state.get("/orders/o-2")).isNull();
			assertThat(state.get("/stats/orders")).isNull();
			assertThat(state.revision()).isEqualTo(revision);
			assertThat(heard).isEmpty();
		});
	}

	@Test
	void transactionalMethodCommitsAndAnExceptionRollsBack() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Orders orders = context.getBean(Orders.class);
			orders.place("o-3", false);
			assertThat(state.get("/orders/o-3")).isEqualTo("placed");
			assertThat(state.get("/stats/orders", Long.class)).isEqualTo(1L);
			assertThatThrownBy(() -> orders.place("o-4", true)).isInstanceOf(IllegalStateException.class);
			assertThat(context.getBean(Rows.class).committedCount("o-4")).isZero();
			assertThat(state.get("/orders/o-4")).isNull();
			assertThat(state.get("/stats/orders", Long.class)).isEqualTo(1L);
		});
	}

	@Test
	void requiresNewInnerCommitsWhileTheOuterRollsBack() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			TransactionTemplate outer = context.getBean(TransactionTemplate.class);
			TransactionTemplate inner = requiresNew(context.getBean(PlatformTransactionManager.class));
			outer.executeWithoutResult((status) -> {
				state.set("/outer", "written");
				inner.executeWithoutResult((innerStatus) -> {
					assertThat(state.get("/outer")).as("the inner batch does not see the outer's").isNull();
					state.set("/inner", "written");
				});
				assertThat(elsewhere(() -> state.get("/inner"))).as("the inner committed already").isEqualTo("written");
				assertThat(state.get("/outer")).as("the outer batch is back").isEqualTo("written");
				status.setRollbackOnly();
			});
			assertThat(state.get("/inner")).isEqualTo("written");
			assertThat(state.get("/outer")).isNull();
		});
	}

	@Test
	void requiresNewInnerRollsBackWhileTheOuterCommits() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Rows rows = context.getBean(Rows.class);
			TransactionTemplate outer = context.getBean(TransactionTemplate.class);
			TransactionTemplate inner = requiresNew(context.getBean(PlatformTransactionManager.class));
			outer.executeWithoutResult((status) -> {
				rows.insert("outer");
				state.set("/outer", "written");
				inner.executeWithoutResult((innerStatus) -> {
					rows.insert("inner");
					state.set("/inner", "written");
					innerStatus.setRollbackOnly();
				});
				state.set("/outer-after", "written");
			});
			assertThat(rows.committedCount("outer")).isOne();
			assertThat(rows.committedCount("inner")).isZero();
			assertThat(state.get("/inner")).isNull();
			assertThat(state.get("/outer")).isEqualTo("written");
			assertThat(state.get("/outer-after")).isEqualTo("written");
		});
	}

	@Test
	void withoutATransactionWritesCommitAtOnce() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.set("/plain", 1);
			assertThat(elsewhere(() -> state.get("/plain"))).isEqualTo(1);
		});
	}

	@Test
	void disabledWritesCommitAtOnceAndSurviveARollback() {
		this.runner.withPropertyValues("statetree.transactions.enabled=false").run((context) -> {
			StateController state = context.getBean(StateController.class);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.set("/immediate", 1);
				assertThat(elsewhere(() -> state.get("/immediate"))).isEqualTo(1);
				status.setRollbackOnly();
			});
			assertThat(state.get("/immediate")).isEqualTo(1);
		});
	}

	@Test
	void aValueReadThatChangedBeforeTheStateCommitIsReadAgainAndNoWriteIsLost() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Rows rows = context.getBean(Rows.class);
			state.set("/stock", 5);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				rows.insert("o-6");
				state.update("/stock", Integer.class, (stock) -> stock - 1);
				state.set("/orders/o-6", "placed");
				// another writer changes what the transaction read before it commits
				elsewhere(() -> state.set("/stock", 100));
			});
			assertThat(rows.committedCount("o-6")).isOne();
			assertThat(state.get("/stock")).isEqualTo(99);
			assertThat(state.get("/orders/o-6")).isEqualTo("placed");
		});
	}

	/** The README "Transactions" example, 200 times on 4 threads: every order and count is in the tree. */
	@Test
	void readmeExampleOnFourThreadsLosesNoWrite() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			StateController state = context.getBean(StateController.class);
			Orders orders = context.getBean(Orders.class);
			List<CompletableFuture<Void>> threads = new java.util.ArrayList<>();
			for (int thread = 0; thread < 4; thread++) {
				int t = thread;
				threads.add(CompletableFuture.runAsync(() -> {
					for (int i = 0; i < 50; i++) {
						orders.place("o" + t + "-" + i, false);
					}
				}));
			}
			CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
			assertThat(context.getBean(Rows.class).committedTotal()).isEqualTo(200);
			assertThat(state.get("/stats/orders", Long.class)).isEqualTo(200L);
			assertThat(state.get("/orders", Map.class)).hasSize(200);
			assertThat(context.getBean(MeterRegistry.class).counter("statetree.transactions.failed").count()).isZero();
		});
	}

	@Test
	void nestedSavepointRolledBackDiscardsItsWritesWhileTheOuterCommits() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Rows rows = context.getBean(Rows.class);
			TransactionTemplate outer = context.getBean(TransactionTemplate.class);
			TransactionTemplate nested = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
			outer.executeWithoutResult((status) -> {
				rows.insert("outer");
				state.set("/outer", "written");
				state.increment("/count", 1);
				nested.executeWithoutResult((inner) -> {
					rows.insert("inner");
					state.set("/inner", "written");
					state.increment("/count", 10);
					inner.setRollbackOnly();
				});
				assertThat(state.get("/inner")).as("gone inside the outer at once").isNull();
				assertThat(state.get("/count", Long.class)).isEqualTo(1L);
				nested.executeWithoutResult((inner) -> state.set("/inner-kept", "written"));
				state.set("/outer-after", "written");
			});
			assertThat(rows.committedCount("outer")).isOne();
			assertThat(rows.committedCount("inner")).isZero();
			assertThat(state.get("/inner")).isNull();
			assertThat(state.get("/count", Long.class)).isEqualTo(1L);
			assertThat(state.get("/outer")).isEqualTo("written");
			assertThat(state.get("/inner-kept")).isEqualTo("written");
			assertThat(state.get("/outer-after")).isEqualTo("written");
		});
	}

	@Test
	void nestedSavepointMadeBeforeTheFirstStateWriteRolledBackDiscardsAllOfThem() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			TransactionTemplate nested = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				context.getBean(Rows.class).insert("outer-only");
				nested.executeWithoutResult((inner) -> {
					state.set("/inner", "written");
					inner.setRollbackOnly();
				});
				state.set("/outer", "written");
			});
			assertThat(state.get("/inner")).isNull();
			assertThat(state.get("/outer")).isEqualTo("written");
		});
	}

	@Test
	void aStateCommitThatFailsAfterTheDatabaseCommitIsLoggedCountedAndThrown(CapturedOutput output) {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			StateController state = context.getBean(StateController.class);
			Rows rows = context.getBean(Rows.class);
			state.set("/stock", 5);
			assertThatThrownBy(() -> context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				rows.insert("o-5");
				state.update("/stock", Integer.class, (stock) -> stock - 1);
				// a call that threw after writing part of it: the batch cannot be replayed
				assertThatThrownBy(() -> state.batch(() -> {
					state.set("/orders/o-5", "secret-value-1234");
					throw new IllegalStateException("half done");
				})).hasMessage("half done");
				// another writer changes what the transaction read before it commits
				elsewhere(() -> state.set("/stock", 100));
			})).isInstanceOf(StateException.class).hasMessageContaining("/stock");
			assertThat(rows.committedCount("o-5")).as("the database committed").isOne();
			assertThat(state.get("/stock")).isEqualTo(100);
			assertThat(state.get("/orders/o-5")).isNull();
			assertThat(context.getBean(MeterRegistry.class).counter("statetree.transactions.failed").count())
				.isEqualTo(1.0);
			assertThat(output).contains("StateTree's batch for it did not")
				.contains("[/stock, /orders/o-5]")
				.doesNotContain("secret-value-1234");
			// the thread is clean again: the next transaction works
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> state.set("/after", 1));
			assertThat(state.get("/after")).isEqualTo(1);
		});
	}

	private static TransactionTemplate requiresNew(PlatformTransactionManager manager) {
		TransactionTemplate template = new TransactionTemplate(manager);
		template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		return template;
	}

	private static <T> T elsewhere(Supplier<T> call) {
		return CompletableFuture.supplyAsync(call).join();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	@Import(H2OrdersDatabase.class)
	static class Database {

		@Bean
		Rows rows(DataSource dataSource) {
			return new Rows(dataSource);
		}

		@Bean
		Orders orders(Rows rows, StateController state) {
			return new Orders(rows, state);
		}

	}

	/** The orders table: inserts join the transaction; counts read committed rows on a connection of their own. */
	static class Rows {

		private final DataSource dataSource;

		private final JdbcTemplate jdbc;

		Rows(DataSource dataSource) {
			this.dataSource = dataSource;
			this.jdbc = new JdbcTemplate(dataSource);
		}

		void insert(String id) {
			this.jdbc.update("insert into orders (id) values (?)", id);
		}

		int committedTotal() {
			return count("select count(*) from orders");
		}

		int committedCount(String id) {
			return count("select count(*) from orders where id = '" + id + "'");
		}

		private int count(String query) {
			// a connection of its own, outside any transaction: it sees committed rows only
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery(query)) {
				result.next();
				return result.getInt(1);
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/** A service with a {@code @Transactional} method that writes a row and state. */
	static class Orders {

		private final Rows rows;

		private final StateController state;

		Orders(Rows rows, StateController state) {
			this.rows = rows;
			this.state = state;
		}

		@Transactional(propagation = Propagation.REQUIRED)
		public void place(String id, boolean fail) {
			this.rows.insert(id);
			this.state.set("/orders/" + id, "placed");
			this.state.increment("/stats/orders", 1);
			if (fail) {
				throw new IllegalStateException("payment declined");
			}
		}

	}

}
