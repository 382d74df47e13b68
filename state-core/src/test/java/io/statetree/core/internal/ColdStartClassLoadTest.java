package io.statetree.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a cold start of a controller loads (issue 17's start-up cost), in a fresh JVM with
 * {@code -Xlog:class+load}: a controller that is created, written, read and closed loads no
 * {@code SecureRandom} (its instance id comes from {@link InstanceIds}) and none of the parts an
 * application that never uses them does not need (durable groups, the asynchronous API); using
 * them loads them.
 */
class ColdStartClassLoadTest {

	/** Run in the fresh JVM: the common life of a controller, then optionally groups and async. */
	public static final class Probe {

		public static void main(String[] args) {
			try (StateController state = StateController.create()) {
				state.subscribe("/a/**", (event) -> {
				});
				state.set("/a/b", 1);
				state.get("/a/b", Integer.class);
				state.batch(() -> state.increment("/a/c", 1));
				if (args.length > 0) {
					state.groups();
					state.async().get("/a/b").join();
				}
				System.out.println("instance=" + state.instanceId());
			}
		}

	}

	@Test
	void aControllerLoadsNeitherSecureRandomNorPartsItDoesNotUse(@TempDir Path directory) throws Exception {
		String loaded = coldStart(directory, false);
		assertThat(loaded).contains("io.statetree.core.internal.DefaultStateController")
			.contains("io.statetree.core.internal.InstanceIds")
			.doesNotContain("java.security.SecureRandom")
			.doesNotContain("sun.security.provider.SecureRandom")
			.doesNotContain("io.statetree.core.internal.GroupListeners ")
			.doesNotContain("io.statetree.core.internal.AsyncCalls ");
	}

	@Test
	void usingGroupsAndAsyncLoadsThem(@TempDir Path directory) throws Exception {
		String loaded = coldStart(directory, true);
		assertThat(loaded).contains("io.statetree.core.internal.GroupListeners ")
			.contains("io.statetree.core.internal.AsyncCalls ");
	}

	/** The class-load log of a fresh JVM running the probe. */
	private static String coldStart(Path directory, boolean useAll) throws IOException, InterruptedException {
		Path log = directory.resolve("classes.log");
		Path out = directory.resolve("out.txt");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new java.util.ArrayList<>(List.of(java, "-Xshare:auto",
				"-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
				Probe.class.getName()));
		if (useAll) {
			command.add("all");
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the probe JVM ends").isTrue();
		assertThat(process.exitValue()).as(Files.readString(out)).isZero();
		assertThat(Files.readString(out)).containsPattern("instance=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]");
		return Files.readString(log);
	}

}
