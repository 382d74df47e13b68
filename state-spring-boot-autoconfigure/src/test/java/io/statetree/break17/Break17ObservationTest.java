package io.statetree.break17;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.statetree.core.StateController;
import io.statetree.spring.OnStateChange;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 part 5 (Observation API) tried in a whole application: Boot's own
 * {@code ObservationRegistry} from the actuator's auto-configuration (not a registry the test
 * hands in), an {@link ObservationHandler} bean of the user's, and Boot's meter handler.
 */
class Break17ObservationTest {

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UserApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Audit audit(ObservationRegistry registry) {
			return new Audit(registry);
		}

	}

	/** Records every observation the application's registry starts (name and parent's name). */
	static class Recorder implements ObservationHandler<Observation.Context> {

		final List<String> started = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Observation.Context context) {
			io.micrometer.observation.ObservationView parent = context.getParentObservation();
			this.started.add(context.getName() + " parent="
					+ ((parent != null) ? parent.getContextView().getName() : "none"));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	static class Audit {

		final ObservationRegistry registry;

		final List<String> heard = new CopyOnWriteArrayList<>();

		Audit(ObservationRegistry registry) {
			this.registry = registry;
		}

		@OnStateChange("/orders/{id}")
		void placed(Object value) {
			this.heard.add(String.valueOf(value));
		}

	}

	@Test
	void bootsOwnRegistrySeesCommitsAndListenersWithTheWritersObservationAsParentAndMetersStay() {
		SpringApplication application = new SpringApplication(UserApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--management.health.redis.enabled=false",
				"--spring.jmx.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			Observation.createNotStarted("checkout", registry)
				.observe(() -> state.set("/orders/o-1", Map.of("total", 12)));
			Recorder recorder = context.getBean(Recorder.class);
			assertThat(context.getBean(Audit.class).heard).hasSize(1);
			assertThat(recorder.started).contains("statetree.listener parent=checkout");
			assertThat(recorder.started).anyMatch((entry) -> entry.startsWith("statetree.commit"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.find("statetree.commits").meters()).as("the existing commit meter").isNotEmpty();
			assertThat(meters.find("statetree.commit").timer()).as("Boot's meter handler made a timer").isNotNull();
		}
	}

}
