package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.statetree.core.backend.FileSystemBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM ({@link GroupCrashWorker}) handles user 1's event in the group {@code welcome} on
 * the filesystem, then is killed with SIGKILL while its listener handles user 2's. After the
 * restart the group's member handles user 2's event (read again from the history log, the
 * cursor having stayed before it) and not user 1's, which was acknowledged before the kill. And
 * killed mid-way through many slow events: after the restart every event not handled before the
 * kill is handled, none twice, each key's in revision order.
 */
class FileSystemGroupCrashTest {

	@TempDir
	Path temp;

	@Test
	void anEventBeingHandledWhenTheProcessIsKilledIsHandledAfterTheRestart() throws Exception {
		Path directory = this.temp.resolve("state");
		List<String> child = runAndKill(directory, false);
		assertThat(child).contains("HANDLED 1", "ACKNOWLEDGED 1", "HANDLING 2").doesNotContain("HANDLED 2");
		long written = child.stream().filter((line) -> line.startsWith("WRITTEN 2 AT ")).mapToLong(
				(line) -> Long.parseLong(line.substring("WRITTEN 2 AT ".length()))).findFirst().orElseThrow();
		List<String> handled = new CopyOnWriteArrayList<>();
		try (StateController controller = StateController.builder()
			.backend(FileSystemBackend.builder(directory).fsync(false).build())
			.instanceId("survivor")
			.build()) {
			controller.subscribe(GroupCrashWorker.PATTERN, (event) -> handled.add(event.pathVariables().get("id") + "@"
					+ event.revision()), SubscribeOptions.group(GroupCrashWorker.GROUP));
			await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("2@" + written));
			controller.set("/users/3", "linus");
			await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= 2);
			assertThat(controller.deadLetters(GroupCrashWorker.GROUP)).isEmpty();
		}
		assertThat(handled).as("user 1 was acknowledged before the kill; 2 and 3 are handled once")
			.containsExactly("2@" + written, "3@" + (written + 1));
	}

	@Test
	void killedMidWayThroughManyEventsNoneIsLostAndEachKeyGoesOnInOrder() throws Exception {
		Path directory = this.temp.resolve("state");
		List<String> child = runAndKill(directory, true);
		Set<String> handledBefore = child.stream().filter((line) -> line.startsWith("HANDLED "))
			.map((line) -> line.substring("HANDLED ".length())).collect(Collectors.toSet());
		assertThat(handledBefore).as("killed mid-way").hasSizeBetween(1, GroupCrashWorker.USERS - 1);
		List<String> handledAfter = new CopyOnWriteArrayList<>();
		Set<String> all = new HashSet<>();
		try (StateController controller = StateController.builder()
			.backend(FileSystemBackend.builder(directory).fsync(false).build())
			.instanceId("survivor")
			.build()) {
			for (Commit commit : controller.history(0, 1000)) {
				all.add(commit.changes().get(0).path() + "@" + commit.revision());
			}
			assertThat(all).hasSize(GroupCrashWorker.USERS);
			controller.subscribe(GroupCrashWorker.PATTERN, (event) -> handledAfter.add(event.path() + "@" + event.revision()),
					SubscribeOptions.group(GroupCrashWorker.GROUP));
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				Set<String> union = new HashSet<>(handledBefore);
				union.addAll(handledAfter);
				return union.containsAll(all);
			});
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
				.until(() -> handledAfter.size() == handledAfter.stream().distinct().count());
		}
		assertThat(handledAfter).as("nothing handled twice after the restart").doesNotHaveDuplicates();
		Map<String, Long> lastByKey = new HashMap<>();
		for (String event : handledAfter) {
			String path = event.substring(0, event.indexOf('@'));
			long revision = Long.parseLong(event.substring(event.indexOf('@') + 1));
			Long last = lastByKey.put(path, revision);
			assertThat(last == null || last < revision).as("%s after revision %s", event, last).isTrue();
		}
	}

	private static List<String> runAndKill(Path directory, boolean many) throws Exception {
		ChildJvm child = ChildJvm.start(GroupCrashWorker.class, directory.toString(), many ? "many" : "one");
		try {
			if (many) {
				child.awaitLines(Duration.ofSeconds(60), (lines) -> lines.contains("WRITTEN")
						&& lines.stream().filter((line) -> line.startsWith("HANDLED ")).count() >= 3);
				assertThat(child.lines()).as("the worker wrote everything").contains("WRITTEN");
			}
			else {
				child.awaitLines(Duration.ofSeconds(60), (lines) -> lines.contains("HANDLING 2")
						&& lines.stream().anyMatch((line) -> line.startsWith("WRITTEN 2 AT ")));
				assertThat(child.lines()).as("the worker is handling user 2").contains("HANDLING 2");
			}
		}
		finally {
			child.kill();
		}
		assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
		return List.copyOf(child.lines());
	}

}
