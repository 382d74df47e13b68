package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The child process of {@link FilesLifetimesAfterKillTest}: opens a controller on a directory (files, or
 * a hybrid of a files root and a memory mount at {@code /mem}), writes entries with every kind of
 * lifetime, prints {@code READY} and waits to be killed with SIGKILL.
 */
public final class Break14CrashWorker {

	private Break14CrashWorker() {
	}

	/**
	 * Runs the worker.
	 * @param args the directory, then {@code files} or {@code hybrid}
	 */
	public static void main(String[] args) {
		StateBackend files = FileSystemBackend.builder(Path.of(args[0])).fsync(true).build();
		StateBackend backend = args[1].equals("hybrid") ? new HybridBackend(files).mount("/mem", new InMemoryBackend())
				: files;
		StateController c = StateController.builder().backend(backend).instanceId("doomed").build();
		c.set("/p/eph", Map.of("since", 1), WriteOptions.ephemeral());
		c.set("/p/eph/child", "c");
		c.set("/p/short", "s", WriteOptions.ttl(Duration.ofMillis(200)));
		c.set("/p/long", "l", WriteOptions.ttl(Duration.ofHours(1)));
		c.set("/p/plain", "p");
		c.set("/p/eph2", "e2", WriteOptions.ephemeral());
		c.set("/p/eph2", "e2");
		c.set("/p/later", "x", WriteOptions.ephemeral());
		c.set("/p/later", "y", WriteOptions.ttl(Duration.ofHours(2)));
		c.set("/q/only", "o", WriteOptions.ephemeral());
		if (args[1].equals("hybrid")) {
			c.set("/mem/eph", "m", WriteOptions.ephemeral());
		}
		System.out.println("READY");
		System.out.flush();
		while (true) {
			LockSupport.park();
		}
	}

}
