package io.statetree.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.Write;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads served by a warm {@link CachingBackend} in front of a {@link FileSystemBackend}, against
 * the same reads from an {@link InMemoryBackend} holding the same tree.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar CachingBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CachingBenchmark {

	/** Which backend serves the reads. */
	public enum Impl {

		/** A caching backend over files, warmed up. */
		CACHING_FILESYSTEM,
		/** The in-memory backend. */
		MEMORY

	}

	@Param({ "CACHING_FILESYSTEM", "MEMORY" })
	Impl impl;

	private Path directory;

	private StateBackend backend;

	private final StatePath leaf = StatePath.of("/a/b/c/d/e");

	private final StatePath branch = StatePath.of("/a/b");

	@Setup(Level.Trial)
	public void setup() throws IOException {
		this.directory = Files.createTempDirectory("statetree-bench");
		this.backend = (this.impl == Impl.MEMORY) ? new InMemoryBackend()
				: new CachingBackend(FileSystemBackend.builder(this.directory).fsync(false).build(), CachePolicy.defaults());
		// Written through other String instances than the ones read with, as in real use (a read path
		// parsed from a request never shares its segment strings with the stored keys); otherwise the
		// in-memory baseline would compare keys by identity alone.
		StatePath written = StatePath.ofSegments(List.of("a", "b", "c", "d", "e"));
		this.backend.commit(new CommitRequest(List.of(Write.of(written, 42)), List.of(), "bench"));
		for (int i = 0; i < 100; i++) {
			this.backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/a/b/sibling" + i), i)), List.of(), "bench"));
		}
		this.backend.read(StatePath.ROOT);
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.backend.close();
		TempDirectories.delete(this.directory);
	}

	/** Reads a leaf at depth 5. */
	@Benchmark
	public Object readLeaf() {
		return this.backend.read(this.leaf);
	}

	/** Reads a branch of 101 children. */
	@Benchmark
	public Object readBranch() {
		return this.backend.read(this.branch);
	}

}
