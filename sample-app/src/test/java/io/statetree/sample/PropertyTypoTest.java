package io.statetree.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A misspelt StateTree property stops the real application with Spring Boot's failure report,
 * which names the key, where it was set and the closest known key, and not its value.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertyTypoTest {

	@Test
	void aMisspeltKeyStopsStartUpWithAnAnalysis(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--statetree.groups.max-atempts=s3cr3t"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: statetree.groups.max-atempts")
			.contains("Origin: \"statetree.groups.max-atempts\" from property source \"commandLineArgs\"")
			.contains("Closest known property: statetree.groups.max-attempts")
			.contains("statetree.fail-on-unknown-properties")
			.doesNotContain("s3cr3t");
	}

	@Test
	void theSamplesOwnConfigurationHasNoUnknownKey(CapturedOutput output) {
		try (var context = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0")) {
			assertThat(output).contains("StateTree: backend memory; mounts none; instance sample-0; dispatch sync");
		}
	}

}
