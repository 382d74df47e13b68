package io.statetree.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code statetree.groups.*} (DESIGN §13): each property checked with the range the controller
 * accepts, a value out of range failing the start naming the property.
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

	@ParameterizedTest
	@ValueSource(strings = { "max-attempts=1", "max-attempts=100", "initial-backoff=1ms", "initial-backoff=1h",
			"concurrency=1", "concurrency=256", "claim-timeout=1s", "claim-timeout=1d" })
	void theBoundsAreAccepted(String setting) {
		this.runner.withPropertyValues("statetree.groups." + setting)
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
