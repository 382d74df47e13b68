package io.statetree.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.Serializer;
import io.statetree.core.backend.Write;

/**
 * Counts for issue 20's filesystem goals that a loaded machine does not blur: CPU time (user and
 * system) and bytes allocated per leaf write on the writing thread, for {@link FileSystemBackend}
 * (with its history) and for the bare temp file + rename (+ file and directory fsync) of the same
 * bytes; and durable commits from several threads ({@code group}). Run it under
 * {@code strace -f -c -e trace=file,desc,fsync,fdatasync} with 0 and with N writes and subtract,
 * to count the system calls per write (the README's ◇ rows).
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.FileSystemCommitCounts ours|bare fsync|nofsync writes [nowarmup]}
 * <br>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.FileSystemCommitCounts group threads commitsPerThread}
 */
public final class FileSystemCommitCounts {

	private static final StatePath LEAF = StatePath.of("/users/u1/score");

	private static final int WARM_UP = 200;

	private final Serializer serializer = Serializer.json();

	private long counter;

	private FileSystemCommitCounts() {
	}

	/**
	 * Runs the writes.
	 * @param args {@code ours} or {@code bare}, {@code fsync} or {@code nofsync}, the number of
	 * writes, and optionally {@code nowarmup} (for syscall counts); or {@code group}, the number
	 * of threads and of commits per thread
	 * @throws Exception when the temp directory cannot be used or a thread is interrupted
	 */
	public static void main(String[] args) throws Exception {
		if (args[0].equals("group")) {
			group(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
			return;
		}
		boolean ours = args[0].equals("ours");
		boolean fsync = args[1].equals("fsync");
		int writes = Integer.parseInt(args[2]);
		boolean warmUp = args.length < 4 || !args[3].equals("nowarmup");
		new FileSystemCommitCounts().run(ours, fsync, writes, warmUp);
	}

	private void run(boolean ours, boolean fsync, int writes, boolean warmUp) throws IOException {
		Path directory = Files.createTempDirectory("statetree-counts");
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(fsync).build()) {
			commit(backend);
			Path file = directory.resolve("bare").resolve("score.json");
			Files.createDirectories(file.getParent());
			BareFileWrite bare = new BareFileWrite(file, fsync);
			bare(bare);
			if (warmUp) {
				for (int i = 0; i < WARM_UP; i++) {
					if (ours) {
						commit(backend);
					}
					else {
						bare(bare);
					}
				}
			}
			long id = Thread.currentThread().getId();
			long user = threads.getCurrentThreadUserTime();
			long cpu = threads.getCurrentThreadCpuTime();
			long bytes = threads.getThreadAllocatedBytes(id);
			for (int i = 0; i < writes; i++) {
				if (ours) {
					commit(backend);
				}
				else {
					bare(bare);
				}
			}
			cpu = threads.getCurrentThreadCpuTime() - cpu;
			user = threads.getCurrentThreadUserTime() - user;
			bytes = threads.getThreadAllocatedBytes(id) - bytes;
			if (writes > 0) {
				System.out.printf(Locale.ROOT, "%s fsync=%s: %d writes, CPU %.1f µs/write (user %.1f, system %.1f), %d B allocated/write%n",
						ours ? "StateTree" : "bare", fsync, writes, cpu / 1e3 / writes, user / 1e3 / writes,
						(cpu - user) / 1e3 / writes, bytes / writes);
			}
		}
		finally {
			TempDirectories.delete(directory);
		}
	}

	/**
	 * Durable commits (fsync on) from several threads, each its own leaf: prints commits per second
	 * (wall clock, secondary) and the CPU time of all writing threads per commit.
	 */
	private static void group(int threadCount, int perThread) throws Exception {
		Path directory = Files.createTempDirectory("statetree-group");
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).build()) {
			for (int t = 0; t < threadCount; t++) {
				backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/w/t" + t), 0L)), List.of(), "bench"));
			}
			java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			List<Thread> workers = new java.util.ArrayList<>();
			for (int t = 0; t < threadCount; t++) {
				StatePath leaf = StatePath.of("/w/t" + t);
				Thread worker = new Thread(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					long before = threads.getCurrentThreadCpuTime();
					for (long n = 1; n <= perThread; n++) {
						backend.commit(new CommitRequest(List.of(Write.of(leaf, n)), List.of(), "bench"));
					}
					cpu.addAndGet(threads.getCurrentThreadCpuTime() - before);
				});
				worker.start();
				workers.add(worker);
			}
			long wall = System.nanoTime();
			start.countDown();
			for (Thread worker : workers) {
				worker.join();
			}
			wall = System.nanoTime() - wall;
			int commits = threadCount * perThread;
			System.out.printf(Locale.ROOT, "group: %d threads x %d durable commits: %.0f commits/s (wall), CPU %.1f µs/commit%n",
					threadCount, perThread, commits / (wall / 1e9), cpu.get() / 1e3 / commits);
		}
		finally {
			TempDirectories.delete(directory);
		}
	}

	private void commit(FileSystemBackend backend) {
		backend.commit(new CommitRequest(List.of(Write.of(LEAF, ++this.counter)), List.of(), "bench"));
	}

	private void bare(BareFileWrite bare) throws IOException {
		long value = ++this.counter;
		bare.write(this.serializer.write(value), value);
	}

}
