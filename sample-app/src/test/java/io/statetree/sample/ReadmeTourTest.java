package io.statetree.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the README's tour: every {@code curl} line in a {@code console} block of README.md, in
 * order, against a fresh sample, each answer compared with the lines the README shows below it
 * (instants aside, which differ from run to run; an answer the README ends with an ellipsis is
 * compared as a prefix). So the README's answers are the sample's. A read (a GET) whose answer
 * differs is asked again for up to five seconds: what a group listener writes (the welcome mail)
 * follows the write that caused it by a moment.
 * <p>
 * The sample gets its own application context (the instance id that {@code server.port=8080} would
 * give), because the tour starts from the initial state.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "statetree.instance-id=sample-8080")
class ReadmeTourTest {

	/** Ends an answer that the README cuts short: the actual answer starts with the rest. */
	private static final String CUT = "\u2026";

	private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

	@Value("${local.server.port}")
	int port;

	@Autowired
	JsonMapper json;

	@Test
	void everyCurlLineAnswersAsTheReadmeSays() throws IOException {
		List<Step> steps = steps(Files.readAllLines(Path.of("..", "README.md")));
		assertThat(steps).as("curl lines in console blocks").hasSizeGreaterThan(10);
		Http http = new Http(this.port, this.json);
		for (Step step : steps) {
			String expected = normalized(step.expected());
			String[] answer = { normalized(run(http, step.command())) };
			if (!matches(answer[0], expected) && isRead(step.command())) {
				// What a group listener writes arrives a moment after the write it follows: a read
				// is asked again, for a while, until it answers as the README says.
				try {
					await().atMost(Duration.ofSeconds(5))
						.pollInterval(Duration.ofMillis(50))
						.until(() -> matches(answer[0] = normalized(run(http, step.command())), expected));
				}
				catch (ConditionTimeoutException ex) {
					// compared below, with the README's line
				}
			}
			if (expected.endsWith(CUT)) {
				assertThat(answer[0]).as("README.md line %d: %s", step.line(), step.command())
					.startsWith(expected.substring(0, expected.length() - CUT.length()));
			}
			else {
				assertThat(answer[0]).as("README.md line %d: %s", step.line(), step.command()).isEqualTo(expected);
			}
		}
	}

	private static boolean matches(String answer, String expected) {
		return expected.endsWith(CUT) ? answer.startsWith(expected.substring(0, expected.length() - CUT.length()))
				: answer.equals(expected);
	}

	/** Whether a curl line only reads (GET, without a body): asking it again changes nothing. */
	private static boolean isRead(String command) {
		List<String> words = words(command);
		return !words.contains("-X") && !words.contains("-d");
	}

	private static String normalized(String text) {
		return INSTANT.matcher(text.strip()).replaceAll("<instant>");
	}

	/**
	 * Runs a curl command line with the options the README uses.
	 */
	private String run(Http http, String command) {
		List<String> words = words(command);
		assertThat(words.get(0)).as("only curl commands: %s", command).isEqualTo("curl");
		String method = null;
		String body = null;
		String user = null;
		String contentType = null;
		String url = null;
		boolean showBody = true;
		String writeOut = null;
		for (int i = 1; i < words.size(); i++) {
			String word = words.get(i);
			switch (word) {
				case "-s" -> {
				}
				case "-X" -> method = words.get(++i);
				case "-d" -> body = words.get(++i);
				case "-u" -> user = words.get(++i);
				case "-H" -> {
					String header = words.get(++i);
					assertThat(header).as("only the Content-Type header: %s", command).startsWith("Content-Type: ");
					contentType = header.substring("Content-Type: ".length());
				}
				case "-o" -> {
					assertThat(words.get(++i)).isEqualTo("/dev/null");
					showBody = false;
				}
				case "-w" -> writeOut = words.get(++i);
				default -> {
					assertThat(word).as("an option this test knows, in: %s", command).doesNotStartWith("-");
					url = word;
				}
			}
		}
		assertThat(url).as("a URL in: %s", command).startsWith("localhost:8080/");
		if (body != null) {
			assertThat(contentType).as("-d with a JSON Content-Type in: %s", command).isEqualTo("application/json");
		}
		String path = url.substring("localhost:8080".length());
		Http client = http;
		if (user != null) {
			int colon = user.indexOf(':');
			client = http.as(user.substring(0, colon), user.substring(colon + 1));
		}
		String verb = (method != null) ? method : (body != null) ? "POST" : "GET";
		Http.Response response = client.send(verb, path, body);
		StringBuilder answer = new StringBuilder();
		if (showBody) {
			answer.append(response.body());
		}
		if (writeOut != null) {
			assertThat(writeOut).isEqualTo("%{http_code}\\n");
			answer.append(response.status()).append('\n');
		}
		return answer.toString();
	}

	/**
	 * The {@code $ curl} lines of every {@code console} block, each with the lines below it.
	 */
	static List<Step> steps(List<String> lines) {
		List<Step> steps = new ArrayList<>();
		boolean inConsole = false;
		String command = null;
		int commandLine = 0;
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (!inConsole) {
				inConsole = line.strip().equals("```console");
				continue;
			}
			if (line.startsWith("```") || line.startsWith("$ ")) {
				if (command != null) {
					steps.add(new Step(commandLine, command, expected.toString()));
				}
				command = null;
				expected.setLength(0);
				if (line.startsWith("```")) {
					inConsole = false;
				}
				else {
					command = line.substring(2);
					commandLine = i + 1;
				}
				continue;
			}
			expected.append(line).append('\n');
		}
		return steps;
	}

	/**
	 * Splits a command line into words, as a POSIX shell does for plain words and single- or
	 * double-quoted strings (no escapes, variables or globbing).
	 */
	static List<String> words(String command) {
		List<String> words = new ArrayList<>();
		StringBuilder word = null;
		for (int i = 0; i < command.length(); i++) {
			char c = command.charAt(i);
			if (c == '\'' || c == '"') {
				int end = command.indexOf(c, i + 1);
				assertThat(end).as("closing quote in: %s", command).isPositive();
				word = (word != null) ? word : new StringBuilder();
				word.append(command, i + 1, end);
				i = end;
			}
			else if (Character.isWhitespace(c)) {
				if (word != null) {
					words.add(word.toString());
					word = null;
				}
			}
			else {
				word = (word != null) ? word : new StringBuilder();
				word.append(c);
			}
		}
		if (word != null) {
			words.add(word.toString());
		}
		return words;
	}

	record Step(int line, String command, @Nullable String expected) {
	}

}
