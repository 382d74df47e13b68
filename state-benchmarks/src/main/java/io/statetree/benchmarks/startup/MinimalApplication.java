package io.statetree.benchmarks.startup;

import java.lang.management.ManagementFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A minimal (non-web) Spring Boot application for {@code state-benchmarks/startup.sh}: it starts,
 * prints the number of bean definitions, whether a StateTree controller bean exists and the main
 * thread's CPU time from launch to the end of start-up ({@code mainCpuMs}: unlike the JVM's CPU time
 * it leaves out the JIT compiler's threads, whose share varies by hundreds of milliseconds from run
 * to run), and stops.
 * It names no StateTree type, so it runs with or without the starter on the class path; the
 * script times the whole JVM, from launch to exit.
 */
@SpringBootApplication
public class MinimalApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		try (ConfigurableApplicationContext context = application.run(args)) {
			long mainCpuMs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
			boolean controller = context.containsBean("stateController");
			System.out.println("beans=" + context.getBeanDefinitionCount() + " stateController=" + controller
					+ " mainCpuMs=" + mainCpuMs);
		}
	}

}
