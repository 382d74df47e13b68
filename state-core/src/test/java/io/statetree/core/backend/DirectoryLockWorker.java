package io.statetree.core.backend;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;

/**
 * The child process of {@link FileSystemOwnershipTest}. Mode {@code hold}: opens the directory,
 * prints {@code HELD <pid>} and keeps it open until its standard input ends (or it is killed).
 * Mode {@code commit}: opens the directory, makes the given number of changing commits, prints
 * {@code COMMITTED <revision>} and waits like {@code hold} (to be killed).
 * Mode {@code count}: opens a controller on the directory and adds 1 to {@code /n} from 4
 * threads the given number of times each, printing {@code DONE}; or prints
 * {@code REFUSED <message>} when the directory cannot be opened.
 */
public final class DirectoryLockWorker {

	private DirectoryLockWorker() {
	}

	/**
	 * Runs the worker.
	 * @param args the mode, the directory, and for {@code count} the updates per thread
	 * @throws Exception if it fails
	 */
	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		Path directory = Path.of(args[1]);
		if (args[0].equals("hold") || args[0].equals("commit")) {
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
				if (args[0].equals("commit")) {
					long revision = 0;
					for (int i = 0; i < Integer.parseInt(args[2]); i++) {
						revision = backend.commit(new CommitRequest(
								List.of(Write.of(io.statetree.core.StatePath.of("/c"), backend.revision() + 1)), List.of(), "w"))
							.revision();
					}
					out.println("COMMITTED " + revision);
				}
				out.println("HELD " + ProcessHandle.current().pid());
				while (System.in.read() >= 0) {
					// wait for the parent to close our input
				}
			}
			catch (IOException ex) {
				// the parent went away
			}
			return;
		}
		int updates = Integer.parseInt(args[2]);
		FileSystemBackend backend;
		try {
			backend = FileSystemBackend.builder(directory).fsync(false).build();
		}
		catch (StateStorageException ex) {
			out.println("REFUSED " + ex.getMessage());
			return;
		}
		try (StateController controller = StateController.create(backend)) {
			count(controller, updates);
		}
		out.println("DONE");
	}

	static void count(StateController controller, int updates) throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread thread = new Thread(() -> {
				for (int i = 0; i < updates; i++) {
					controller.update("/n", Integer.class, (n) -> (n == null) ? 1 : n + 1);
				}
			});
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

}
