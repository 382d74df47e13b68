package io.statetree.autoconfigure;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A memory-only application for {@link MemoryStartupLazinessTest}, started in a JVM of its own
 * (so the classes it loads are its own, not those earlier tests loaded): StateTree's main
 * auto-configuration imported by name as {@code AutoConfiguration.imports} imports it, no web
 * server, and the {@code statetree.*} keys given as arguments (so the unknown-key check runs). It
 * prints whether it has a controller and how many values the tree holds, and stops.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ TaskExecutionAutoConfiguration.class, StateTreeAutoConfiguration.class })
public class MemoryOnlyApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(MemoryOnlyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		try (ConfigurableApplicationContext context = application.run(args)) {
			System.out.println("stateController=" + context.containsBean("stateController"));
		}
	}

}
