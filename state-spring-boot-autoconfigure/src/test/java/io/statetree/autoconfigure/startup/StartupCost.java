package io.statetree.autoconfigure.startup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures what StateTree's auto-configuration adds to the start of a minimal application. Not a
 * test (timings are never asserted). Two modes:
 * <ul>
 * <li>{@code with} / {@code without}: one cold start in this JVM; prints the mode, the wall-clock
 * and the CPU milliseconds of {@code SpringApplication.run} on the main thread. Run it in a fresh
 * JVM per sample and compare medians.</li>
 * <li>{@code loop N}: in one JVM, warms up, then starts N applications of each kind, alternating,
 * and prints the medians (wall and CPU) of each.</li>
 * </ul>
 * The CPU time of the starting thread is reported beside the wall-clock time because it is far
 * less sensitive to other processes competing for the cores.
 */
public final class StartupCost {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private StartupCost() {
	}

	/**
	 * Runs the measurement.
	 * @param args {@code with}, {@code without}, or {@code loop N}
	 */
	public static void main(String[] args) {
		if (args.length == 2 && args[0].equals("loop")) {
			loop(Integer.parseInt(args[1]));
			return;
		}
		boolean with = args.length > 0 && args[0].equals("with");
		long[] sample = start(with);
		System.out.println((with ? "with" : "without") + " wall=" + sample[0] / 1000 + " cpu=" + sample[1] / 1000 + " (ms)");
	}

	private static void loop(int rounds) {
		for (int i = 0; i < 5; i++) {
			start(true);
			start(false);
		}
		List<Long> withWall = new ArrayList<>();
		List<Long> withCpu = new ArrayList<>();
		List<Long> withoutWall = new ArrayList<>();
		List<Long> withoutCpu = new ArrayList<>();
		for (int i = 0; i < rounds; i++) {
			long[] with = start(true);
			long[] without = start(false);
			withWall.add(with[0]);
			withCpu.add(with[1]);
			withoutWall.add(without[0]);
			withoutCpu.add(without[1]);
		}
		System.out.println("warm rounds=" + rounds + " median wall: with=" + median(withWall) + " without="
				+ median(withoutWall) + "; median cpu: with=" + median(withCpu) + " without=" + median(withoutCpu)
				+ " (microseconds)");
	}

	/**
	 * Starts and stops one application.
	 * @return wall-clock and main-thread CPU time, in microseconds
	 */
	private static long[] start(boolean with) {
		SpringApplication application = new SpringApplication(with ? WithStateTree.class : WithoutStateTree.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "warn"));
		long cpu = THREADS.getCurrentThreadCpuTime();
		long wall = System.nanoTime();
		try (ConfigurableApplicationContext context = application.run()) {
			wall = System.nanoTime() - wall;
			cpu = THREADS.getCurrentThreadCpuTime() - cpu;
			if (with != context.getBeanNamesForType(StateController.class).length > 0) {
				throw new IllegalStateException("StateTree auto-configuration " + (with ? "missing" : "present"));
			}
		}
		return new long[] { wall / 1_000, cpu / 1_000 };
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WithStateTree {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(exclude = StateTreeAutoConfiguration.class)
	static class WithoutStateTree {

	}

}
