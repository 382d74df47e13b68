package io.statetree.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.FileSystemBackend;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group commit (issue 20): durable commits per second of {@link FileSystemBackend} (fsync on,
 * with its history log) from one writer and from eight concurrent writers, each thread writing
 * its own leaf, against the bare durable write (temp file, fsync, rename, directory fsync) of one
 * file per thread from as many threads. The goal is {@code eightWriters} at least 4× {@code oneWriter}
 * for {@code STATETREE}.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar FileSystemGroupCommitBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class FileSystemGroupCommitBenchmark {

	/** Which implementation runs. */
	public enum Impl {

		/** StateTree's backend, fsync on, with its history log (the default). */
		STATETREE,
		/** Temp file, fsync, rename, directory fsync per write. */
		BARE

	}

	@Param({ "STATETREE", "BARE" })
	Impl impl;

	Path directory;

	FileSystemBackend backend;

	final AtomicInteger threads = new AtomicInteger();

	@Setup(Level.Trial)
	public void setup() throws IOException {
		this.directory = Files.createTempDirectory("statetree-group");
		this.backend = FileSystemBackend.builder(this.directory).build();
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.backend.close();
		TempDirectories.delete(this.directory);
	}

	/** One writer thread's leaf and counter. */
	@State(Scope.Thread)
	public static class Writer {

		StatePath leaf;

		BareFileWrite bare;

		long counter;

		@Setup(Level.Trial)
		public void setup(FileSystemGroupCommitBenchmark benchmark) throws IOException {
			int id = benchmark.threads.getAndIncrement();
			this.leaf = StatePath.of("/writers/w" + id + "/score");
			Path file = benchmark.directory.resolve("bare").resolve("w" + id + ".json");
			Files.createDirectories(file.getParent());
			this.bare = new BareFileWrite(file, true);
		}

	}

	private void write(Writer writer) throws IOException {
		long value = ++writer.counter;
		if (this.impl == Impl.STATETREE) {
			this.backend.commit(new CommitRequest(List.of(Write.of(writer.leaf, value)), List.of(), "bench"));
			return;
		}
		writer.bare.write(Long.toString(value).getBytes(), value);
	}

	/** Durable commits per second from one writer. */
	@Benchmark
	@Threads(1)
	public void oneWriter(Writer writer) throws IOException {
		write(writer);
	}

	/** Durable commits per second from eight concurrent writers (all threads together). */
	@Benchmark
	@Threads(8)
	public void eightWriters(Writer writer) throws IOException {
		write(writer);
	}

}
