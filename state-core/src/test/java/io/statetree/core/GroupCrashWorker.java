package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.GroupInfo;

/**
 * The child process of {@link FileSystemGroupCrashTest}: opens a controller on a directory with a
 * group listener {@code welcome} on {@code /users/{id}}, writes user 1 and waits until its event
 * is handled and its partition's cursor stored, then writes user 2, whose listener prints
 * {@code HANDLING 2} and never returns, and waits to be killed. Every handled event is printed as
 * {@code HANDLED <id>}. With a second argument {@code many} it writes {@value #USERS} changes over
 * {@value #KEYS} users instead, each handled slowly and printed as {@code HANDLED <path>@<revision>},
 * prints {@code WRITTEN} and waits to be killed mid-way.
 */
public final class GroupCrashWorker {

	/** The group's name. */
	static final String GROUP = "welcome";

	/** The group's pattern. */
	static final String PATTERN = "/users/{id}";

	/** How many changes the {@code many} mode writes. */
	static final int USERS = 40;

	/** Over how many users. */
	static final int KEYS = 8;

	private GroupCrashWorker() {
	}

	/**
	 * Runs the worker.
	 * @param args the directory
	 */
	public static void main(String[] args) {
		if (args.length > 1 && args[1].equals("many")) {
			many(Path.of(args[0]));
			return;
		}
		FileSystemBackend backend = FileSystemBackend.builder(Path.of(args[0])).fsync(true).build();
		StateController controller = StateController.builder().backend(backend).instanceId("doomed").build();
		controller.subscribe(PATTERN, (event) -> {
			String id = event.pathVariables().get("id");
			if (id.equals("2")) {
				System.out.println("HANDLING 2");
				System.out.flush();
				while (true) {
					LockSupport.park();
				}
			}
			System.out.println("HANDLED " + id);
			System.out.flush();
		}, SubscribeOptions.group(GROUP));
		controller.set("/users/1", "ada");
		long revision = controller.revision();
		ConsumerGroups groups = backend.consumerGroups();
		int partition = Math.floorMod("id=1".hashCode(), groups.partitions());
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (cursor(groups, partition) < revision) {
			if (System.nanoTime() - deadline > 0) {
				System.out.println("USER 1 NOT ACKNOWLEDGED");
				System.out.flush();
				System.exit(2);
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
		System.out.println("ACKNOWLEDGED 1");
		System.out.flush();
		controller.set("/users/2", "grace");
		System.out.println("WRITTEN 2 AT " + controller.revision());
		System.out.flush();
		while (true) {
			LockSupport.park();
		}
	}

	private static void many(Path directory) {
		StateController controller = StateController.builder()
			.backend(FileSystemBackend.builder(directory).fsync(true).build())
			.instanceId("doomed")
			.build();
		AtomicBoolean written = new AtomicBoolean();
		controller.subscribe(PATTERN, (event) -> {
			// slow, and only once everything is written, so the kill comes mid-way
			while (!written.get()) {
				LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
			}
			LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
			System.out.println("HANDLED " + event.path() + "@" + event.revision());
			System.out.flush();
		}, SubscribeOptions.group(GROUP));
		for (int i = 0; i < USERS; i++) {
			controller.set("/users/" + (i % KEYS), i);
		}
		written.set(true);
		System.out.println("WRITTEN");
		System.out.flush();
		while (true) {
			LockSupport.park();
		}
	}

	private static long cursor(ConsumerGroups groups, int partition) {
		for (GroupInfo info : groups.groups()) {
			if (info.group().equals(GROUP)) {
				return info.cursors().get(partition);
			}
		}
		return -1;
	}

}
