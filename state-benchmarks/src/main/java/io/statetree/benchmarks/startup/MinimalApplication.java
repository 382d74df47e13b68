package io.statetree.benchmarks.startup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A minimal (non-web) Spring Boot application for {@code state-benchmarks/startup.sh}: it starts,
 * prints the number of bean definitions and whether a StateTree controller bean exists, and stops.
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
			boolean controller = context.containsBean("stateController");
			System.out.println("beans=" + context.getBeanDefinitionCount() + " stateController=" + controller);
		}
	}

}
