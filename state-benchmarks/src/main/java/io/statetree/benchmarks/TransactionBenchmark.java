package io.statetree.benchmarks;

import java.util.concurrent.TimeUnit;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.tx.StateTreeTransactionAutoConfiguration;
import io.statetree.core.StateController;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ten leaf writes as one unit of work on the in-memory controller (DESIGN §14), side by side:
 * {@code PLAIN} (ten commits, no transaction), {@code TX_DISABLED} (ten commits inside a Spring
 * transaction with {@code statetree.transactions.enabled=false}: the cost of the transaction
 * itself), and {@code TX_BATCH} (the ten writes join the transaction's batch, one commit after it
 * commits). The transaction manager holds no resource, so only Spring's synchronisation and
 * StateTree's work are measured.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar TransactionBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TransactionBenchmark {

	/** How the ten writes run. */
	public enum Mode {

		/** Ten writes, ten commits, no transaction. */
		PLAIN,

		/** Ten writes in a transaction, StateTree's transaction support off: ten commits. */
		TX_DISABLED,

		/** Ten writes in a transaction, joined into one batch committed after it. */
		TX_BATCH

	}

	@Param({ "PLAIN", "TX_DISABLED", "TX_BATCH" })
	Mode mode;

	private ConfigurableApplicationContext context;

	private StateController state;

	private TransactionTemplate transactions;

	private int counter;

	@Setup(Level.Trial)
	public void setup() {
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("statetree.transactions.enabled=" + (this.mode == Mode.TX_BATCH),
					"spring.main.banner-mode=off")
			.run();
		this.state = this.context.getBean(StateController.class);
		this.transactions = new TransactionTemplate(new NoResourceTransactionManager());
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.context.close();
	}

	/** Ten leaf writes as one unit of work. */
	@Benchmark
	public void tenWrites() {
		if (this.mode == Mode.PLAIN) {
			writeTen();
		}
		else {
			this.transactions.executeWithoutResult((status) -> writeTen());
		}
	}

	private void writeTen() {
		int base = this.counter++;
		for (int i = 0; i < 10; i++) {
			this.state.set("/orders/o" + i + "/seq", base);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class })
	static class Application {

		@Bean
		NoResourceTransactionManager transactionManager() {
			return new NoResourceTransactionManager();
		}

	}

	/** A transaction manager with no resource: begin, commit and rollback do nothing but synchronise. */
	static final class NoResourceTransactionManager extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

}
