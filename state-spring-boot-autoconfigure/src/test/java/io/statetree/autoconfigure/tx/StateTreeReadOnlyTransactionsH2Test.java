package io.statetree.autoconfigure.tx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.StateWriteException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes inside a read-only Spring transaction (H2, {@code @Transactional(readOnly = true)} and
 * {@link TransactionTemplate#setReadOnly(boolean)}): every kind of write fails with a
 * {@link StateWriteException} naming the path and the reason, nothing is written or heard, reads
 * work, and a read-write {@code REQUIRES_NEW} transaction inside still writes.
 */
class StateTreeReadOnlyTransactionsH2Test {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class))
		.withUserConfiguration(ReadOnlyServices.class);

	@Test
	void everyWriteInAReadOnlyTransactionTemplateFailsNamingThePathAndNothingIsWritten() {
		// each write with the path it names in its refusal
		Map<String, Consumer<StateController>> writes = new LinkedHashMap<>();
		writes.put("/orders/o-1", (state) -> state.set("/orders/o-1", "placed"));
		writes.put("/orders/o-1 ", (state) -> state.delete("/orders/o-1"));
		writes.put("/stats/orders", (state) -> state.increment("/stats/orders", 1));
		writes.put("/orders/o-1  ", (state) -> state.update("/orders/o-1", String.class, (old) -> "changed"));
		writes.put("/orders/o-2", (state) -> state.getOrWrite("/orders/o-2", String.class, "placed"));
		writes.put("/orders/o-3", (state) -> state.ping("/orders/o-3"));
		writes.put("/orders/o-4", (state) -> state.batch(() -> {
			state.get("/orders/o-1");
			state.set("/orders/o-4", "placed");
		}));
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.set("/orders/o-1", "before");
			long revision = state.revision();
			List<String> heard = new CopyOnWriteArrayList<>();
			state.subscribe("/**", (event) -> heard.add(event.path().toString()));
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			writes.forEach((path, write) -> {
				readOnly.executeWithoutResult((status) -> {
					assertThatThrownBy(() -> write.accept(state)).isInstanceOf(StateWriteException.class)
						.hasMessageContaining("Cannot write " + path.strip() + ": ")
						.hasMessageContaining("read-only");
					assertThat(state.get("/orders/o-1")).as("reads inside see the stored value").isEqualTo("before");
				});
			});
			assertThat(state.get("/orders")).isEqualTo(Map.of("o-1", "before"));
			assertThat(state.get("/stats")).isNull();
			assertThat(state.revision()).isEqualTo(revision);
			assertThat(heard).isEmpty();
		});
	}

	@Test
	void aWriteInATransactionalReadOnlyMethodFailsAndRollsBackWhileAReadOnlyReadWorks() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			Reports reports = context.getBean(Reports.class);
			state.set("/reports/count", 3);
			assertThat(reports.count()).isEqualTo(3);
			assertThatThrownBy(() -> reports.countAndRemember()).isInstanceOf(StateWriteException.class)
				.hasMessage("Cannot write /reports/last: " + TransactionalWrites.READ_ONLY + "; nothing was written");
			assertThat(state.get("/reports/last")).isNull();
			// the thread is clean again: a read-write transaction writes
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> state.set("/after", 1));
			assertThat(state.get("/after")).isEqualTo(1);
		});
	}

	@Test
	void aBatchThatOnlyReadsWorksInAReadOnlyTransaction() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			state.set("/a", 1);
			state.set("/b", 2);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			Integer sum = readOnly.execute((status) -> state
				.batch(() -> state.get("/a", Integer.class) + state.get("/b", Integer.class)));
			assertThat(sum).isEqualTo(3);
		});
	}

	@Test
	void aReadWriteRequiresNewInsideAReadOnlyTransactionWrites() {
		this.runner.run((context) -> {
			StateController state = context.getBean(StateController.class);
			PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
			TransactionTemplate readOnly = new TransactionTemplate(manager);
			readOnly.setReadOnly(true);
			TransactionTemplate inner = new TransactionTemplate(manager);
			inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			readOnly.executeWithoutResult((status) -> {
				assertThatThrownBy(() -> state.set("/outer", 1)).isInstanceOf(StateWriteException.class);
				inner.executeWithoutResult((innerStatus) -> state.set("/inner", 1));
				assertThatThrownBy(() -> state.set("/outer", 1)).as("the outer refuses again after the inner")
					.isInstanceOf(StateWriteException.class);
			});
			assertThat(state.get("/inner")).isEqualTo(1);
			assertThat(state.get("/outer")).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@Import(StateTreeTransactionsH2Test.Database.class)
	static class ReadOnlyServices {

		@Bean
		Reports reports(StateController state) {
			return new Reports(state);
		}

	}

	/** A service with read-only {@code @Transactional} methods, one of which writes state. */
	static class Reports {

		private final StateController state;

		Reports(StateController state) {
			this.state = state;
		}

		@Transactional(readOnly = true)
		public Integer count() {
			return this.state.get("/reports/count", Integer.class);
		}

		@Transactional(readOnly = true)
		public Integer countAndRemember() {
			Integer count = this.state.get("/reports/count", Integer.class);
			this.state.set("/reports/last", count);
			return count;
		}

	}

}
