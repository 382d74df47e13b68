package io.statetree.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * The crash tests' child JVM: starts a class's {@code main} in a new JVM, reads every line it
 * prints on a thread of its own (so the child never blocks on a full pipe, and nothing it printed
 * before it died is lost), waits for what the test needs to see, and kills it with SIGKILL.
 *
 * <p>
 * Start-up is most of a crash test's time, so the child starts lean: C1 only, the serial
 * collector, the JDK's class-data archive, no perf-data file, no bytecode verification of the
 * test's own classes, and a class path without the test frameworks' runtimes (JUnit's engines,
 * jqwik, AssertJ, Awaitility, Mockito): a child's {@code main} must not use them. Standard error
 * is discarded.
 * Not thread-safe except {@link #lines()}, which the reader thread fills.
 */
public final class ChildJvm implements AutoCloseable {

	/**
	 * Class path entries a child never needs: the test frameworks' runtimes and assertion
	 * libraries. JUnit's API stays: a child may load a JUnit extension for its static helpers
	 * (state-redis's {@code RedisTestServer}).
	 */
	private static final List<String> TEST_ONLY = List.of("jqwik", "assertj", "awaitility", "mockito",
			"byte-buddy", "hamcrest", "testng", "surefire", "jmh", "junit-jupiter-engine", "junit-jupiter-params",
			"junit-platform-launcher", "junit-platform-engine");

	private static final String CLASS_PATH = childClassPath(System.getProperty("java.class.path"));

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private ChildJvm(Process process) {
		this.process = process;
		this.reader = new Thread(this::read, "child-jvm-reader-" + process.pid());
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts {@code main.main(args)} in a new JVM.
	 * @param main the class whose {@code main} runs; it must not need the test frameworks
	 * @param args its arguments
	 * @return the running child
	 * @throws IOException when the JVM cannot be started
	 */
	public static ChildJvm start(Class<?> main, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
				"-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote", "-cp", CLASS_PATH,
				main.getName()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		return new ChildJvm(builder.start());
	}

	static String childClassPath(String classPath) {
		List<String> kept = new ArrayList<>();
		for (String entry : classPath.split(java.io.File.pathSeparator)) {
			Path file = Path.of(entry).getFileName();
			String name = (file != null) ? file.toString().toLowerCase(Locale.ROOT) : "";
			if (TEST_ONLY.stream().noneMatch(name::contains)) {
				kept.add(entry);
			}
		}
		return String.join(java.io.File.pathSeparator, kept);
	}

	private void read() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the child was killed
		}
	}

	/**
	 * The lines the child printed so far (a live, unmodifiable view; the last may be cut short
	 * by a kill).
	 * @return the lines
	 */
	public List<String> lines() {
		return Collections.unmodifiableList(this.lines);
	}

	/**
	 * Waits, polling every millisecond, until the lines printed so far satisfy the condition or the
	 * child has ended.
	 * @param atMost the longest wait
	 * @param condition what the lines must show
	 * @return whether the condition holds (false: the child ended first)
	 */
	public boolean awaitLines(Duration atMost, Predicate<List<String>> condition) {
		Awaitility.await()
			.atMost(atMost)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(1))
			.until(() -> condition.test(lines()) || !this.process.isAlive());
		return condition.test(lines());
	}

	/**
	 * Whether the child still runs.
	 * @return whether it runs
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kills the child with SIGKILL (through its handle: {@code Process.destroyForcibly()} would
	 * also close our end of the pipe and lose what it printed just before), waits for it to end
	 * and for the reader to take in the rest of its output.
	 * @return every line it printed
	 * @throws InterruptedException when interrupted while waiting
	 */
	public List<String> kill() throws InterruptedException {
		this.process.toHandle().destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
		this.reader.join(30_000);
		return new ArrayList<>(this.lines);
	}

	/**
	 * The exit value of the ended child (137 after SIGKILL).
	 * @return the exit value
	 * @throws IllegalThreadStateException when the child still runs
	 */
	public int exitValue() {
		return this.process.exitValue();
	}

	/**
	 * Waits for the child to end.
	 * @param timeout the longest wait
	 * @return whether it ended
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean waitFor(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Kills the child when it still runs. */
	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
