package io.statetree.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.Serializer;
import io.statetree.core.backend.Write;

/**
 * {@link FileSystemBenchmark#leafWrite}'s comparison for a busy machine with a noisy disk: a leaf
 * write of {@link FileSystemBackend} (with its history log) against the bare temp file + rename
 * of the same bytes, with fsync (StateTree's durable commit against temp + fsync + rename +
 * directory fsync) and without, in alternating rounds of {@value #ROUND} so both sides see the
 * same background load; prints the medians and means of the single-write latencies and their
 * ratios, per round set.
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.FileSystemPairedComparison [rounds]}
 */
public final class FileSystemPairedComparison {

	private static final int ROUND = 50;

	private static final StatePath LEAF = StatePath.of("/users/u1/score");

	private final Serializer serializer = Serializer.json();

	private long counter;

	private FileSystemPairedComparison() {
	}

	/**
	 * Runs the comparison.
	 * @param args the number of rounds (default 20)
	 * @throws IOException when the temp directory cannot be used
	 */
	public static void main(String[] args) throws IOException {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		new FileSystemPairedComparison().run(true, rounds);
		new FileSystemPairedComparison().run(false, rounds);
	}

	private void run(boolean fsync, int rounds) throws IOException {
		Path directory = Files.createTempDirectory("statetree-paired");
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(fsync).build()) {
			commit(backend);
			Path file = directory.resolve("bare").resolve("score.json");
			Files.createDirectories(file.getParent());
			BareFileWrite bare = new BareFileWrite(file, fsync);
			// warm up both sides
			for (int i = 0; i < ROUND; i++) {
				commit(backend);
				bare(bare);
			}
			long[] ours = new long[rounds * ROUND];
			long[] theirs = new long[rounds * ROUND];
			int n = 0;
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < ROUND; i++) {
					long start = System.nanoTime();
					commit(backend);
					ours[n + i] = System.nanoTime() - start;
				}
				for (int i = 0; i < ROUND; i++) {
					long start = System.nanoTime();
					bare(bare);
					theirs[n + i] = System.nanoTime() - start;
				}
				n += ROUND;
			}
			double oursMedian = median(ours);
			double theirsMedian = median(theirs);
			System.out.printf(Locale.ROOT,
					"fsync %-5s StateTree leaf write: median %8.1f µs, mean %8.1f µs | bare %s: median %8.1f µs, mean %8.1f µs"
							+ " | ratio median %.2f×, mean %.2f×%n",
					fsync, oursMedian / 1e3, mean(ours) / 1e3, fsync ? "temp+fsync+rename+dir fsync" : "temp+rename",
					theirsMedian / 1e3, mean(theirs) / 1e3, oursMedian / theirsMedian, mean(ours) / mean(theirs));
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

	private static double median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double mean(long[] values) {
		return Arrays.stream(values).average().orElse(0);
	}

}
