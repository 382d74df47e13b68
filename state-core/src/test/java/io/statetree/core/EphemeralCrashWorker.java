package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.backend.FileSystemBackend;

/**
 * The child process of {@link FileSystemEphemeralCrashTest}: opens a controller on a directory as
 * instance {@code doomed}, writes an ephemeral entry, an entry with a time to live and a permanent
 * one, prints {@code READY} and waits to be killed.
 */
public final class EphemeralCrashWorker {

	private EphemeralCrashWorker() {
	}

	/**
	 * Runs the worker.
	 * @param args the directory
	 */
	public static void main(String[] args) {
		StateController controller = StateController.builder()
			.backend(FileSystemBackend.builder(Path.of(args[0])).fsync(true).build())
			.instanceId("doomed")
			.build();
		controller.set("/presence/doomed", Map.of("since", 1), WriteOptions.ephemeral());
		controller.set("/session", "s", WriteOptions.ttl(Duration.ofHours(1)));
		controller.set("/plain", "p");
		System.out.println("READY");
		System.out.flush();
		while (true) {
			LockSupport.park();
		}
	}

}
