package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.SubscribeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code statetree.groups.*} (DESIGN §13): each property checked with the range the controller
 * accepts, a value out of range failing the start naming the property, and the settings reaching
 * the controller's group listeners.
 */
class GroupPropertiesAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			max-attempts    | 0      | between 1 and 100
			max-attempts    | 101    | between 1 and 100
			initial-backoff | 0ms    | between 1ms and 1h
			initial-backoff | 61m    | between 1ms and 1h
			initial-backoff | -5ms   | between 1ms and 1h
			concurrency     | 0      | between 1 and 256
			concurrency     | 257    | between 1 and 256
			claim-timeout   | 999ms  | between 1s and 1d
			claim-timeout   | 25h    | between 1s and 1d
			""")
	void aValueOutOfRangeFailsTheStartNamingTheProperty(String property, String value, String range) {
		this.runner.withPropertyValues("statetree.groups." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			InvalidConfigurationPropertyValueException failure = Failures.find(context.getStartupFailure(),
					InvalidConfigurationPropertyValueException.class);
			assertThat(failure.getName()).isEqualTo("statetree.groups." + property);
			assertThat(failure.getMessage()).contains(range);
		});
	}

	@Test
	void theRetriesReachTheControllersGroupListeners() {
		this.runner.withPropertyValues("statetree.groups.max-attempts=3", "statetree.groups.initial-backoff=1ms")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				AtomicInteger calls = new AtomicInteger();
				controller.subscribe("/jobs/{id}", (event) -> {
					calls.incrementAndGet();
					throw new IllegalStateException("always");
				}, SubscribeOptions.group("jobs"));
				controller.set("/jobs/1", 1);
				await().atMost(Duration.ofSeconds(10)).until(() -> !controller.deadLetters("jobs").isEmpty());
				assertThat(controller.deadLetters("jobs")).singleElement()
					.satisfies((letter) -> assertThat(letter.attempts()).isEqualTo(3));
				assertThat(calls).hasValue(3);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "max-attempts=1", "max-attempts=100", "initial-backoff=1ms", "initial-backoff=1h",
			"concurrency=1", "concurrency=256", "claim-timeout=1s", "claim-timeout=1d" })
	void theBoundsAreAccepted(String setting) {
		this.runner.withPropertyValues("statetree.groups." + setting)
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
