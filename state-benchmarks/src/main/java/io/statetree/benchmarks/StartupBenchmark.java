package io.statetree.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What StateTree's auto-configuration adds to the start of a minimal (non-web) Spring Boot
 * application: the same application started and stopped with StateTree's auto-configuration and
 * without it, side by side. One operation is {@code SpringApplication.run} plus {@code close}.
 * <p>
 * {@code coldStart} is the first start in a fresh JVM (one sample per fork, what a deployment
 * pays); {@code warmStart} starts again and again in one JVM after a warm-up (what a test suite
 * that builds many contexts pays). Each start checks that StateTree's controller is there exactly
 * when its auto-configuration is, so neither side measures a broken application.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar StartupBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StartupBenchmark {

	/** {@code with}: StateTree's auto-configuration on the class path and enabled; {@code without}: excluded. */
	@Param({ "with", "without" })
	String application;

	@Benchmark
	@Fork(10)
	@Warmup(iterations = 0)
	@Measurement(iterations = 1)
	public int coldStart() {
		return start();
	}

	@Benchmark
	@Fork(2)
	@Warmup(iterations = 10)
	@Measurement(iterations = 20)
	public int warmStart() {
		return start();
	}

	private int start() {
		boolean with = this.application.equals("with");
		SpringApplication application = new SpringApplication(with ? WithStateTree.class : WithoutStateTree.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "warn"));
		try (ConfigurableApplicationContext context = application.run()) {
			int controllers = context.getBeanNamesForType(StateController.class).length;
			if (controllers != (with ? 1 : 0)) {
				throw new IllegalStateException("Expected " + (with ? "one StateController" : "no StateController")
						+ " but found " + controllers);
			}
			return context.getBeanDefinitionCount();
		}
	}

	/** A minimal application with every auto-configuration on the class path, StateTree's included. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class WithStateTree {

	}

	/** The same application without StateTree's auto-configuration. */
	@SpringBootConfiguration
	@EnableAutoConfiguration(exclude = StateTreeAutoConfiguration.class)
	public static class WithoutStateTree {

	}

}
