package io.statetree.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's test command and CI's command from drifting apart: CI runs
 * {@code .ci/run}, whose last line executes the command that the README's "Run every test" block
 * shows.
 */
class ReadmeCommandsTest {

	private static final Path ROOT = Path.of("..");

	@Test
	void ciRunsExactlyTheReadmesTestCommand() throws IOException {
		String ciCommand = ciCommand();
		assertThat(ciCommand).isEqualTo("./mvnw -B verify");
		assertThat(readmeBlockAfter("<!-- test-command -->")).containsExactly(ciCommand);
	}

	@Test
	void theReadmeStartsTheSampleFromTheRepositoryRoot() throws IOException {
		List<String> run = readmeBlockAfter("<!-- run-command -->");
		assertThat(run).isNotEmpty();
		assertThat(String.join("\n", run)).startsWith("./mvnw ").contains("-pl sample-app").contains("-am");
	}

	private static String ciCommand() throws IOException {
		List<String> lines = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
			.map(String::strip)
			.filter((line) -> line.startsWith("exec "))
			.toList();
		assertThat(lines).as(".ci/run has one exec line").hasSize(1);
		return lines.get(0).substring("exec ".length()).strip();
	}

	/**
	 * Returns the lines of the fenced code block that follows a marker in the README.
	 */
	private static List<String> readmeBlockAfter(String marker) throws IOException {
		List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
		int at = lines.indexOf(marker);
		assertThat(at).as("README.md has the marker %s", marker).isNotNegative();
		int open = at + 1;
		while (open < lines.size() && lines.get(open).isBlank()) {
			open++;
		}
		assertThat(lines.get(open)).as("a code block follows %s", marker).startsWith("```");
		int close = open + 1;
		while (close < lines.size() && !lines.get(close).startsWith("```")) {
			close++;
		}
		assertThat(close).as("the code block after %s is closed", marker).isLessThan(lines.size());
		return lines.subList(open + 1, close).stream().map(String::strip).filter((line) -> !line.isEmpty()).toList();
	}

}
