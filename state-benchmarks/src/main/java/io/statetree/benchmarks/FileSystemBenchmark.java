package io.statetree.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.Serializer;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link FileSystemBackend} (with its history log and without) against the bare file operations
 * it is built on, side by side:
 * a leaf write (with and without fsync) against writing the same bytes to a temp file, renaming it
 * over the target and (with fsync) forcing the file and its directory; a subtree read of 100 files
 * against listing the directory and parsing each file with Jackson.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar FileSystemBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FileSystemBenchmark {

	/** Which implementation runs. */
	public enum Impl {

		/** StateTree's backend, keeping its history log (the default, 1,000 commits). */
		STATETREE,
		/** StateTree's backend without a history log ({@code historySize(0)}). */
		STATETREE_NO_HISTORY,
		/** The bare file operations. */
		BARE

	}

	@Param({ "STATETREE", "STATETREE_NO_HISTORY", "BARE" })
	Impl impl;

	@Param({ "true", "false" })
	boolean fsync;

	private Path directory;

	private FileSystemBackend backend;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Serializer serializer = Serializer.json();

	private final StatePath leaf = StatePath.of("/users/u1/score");

	private final StatePath subtree = StatePath.of("/items");

	private BareFileWrite bareLeaf;

	private Path itemsDirectory;

	private int counter;

	@Setup(Level.Trial)
	public void setup() throws IOException {
		this.directory = Files.createTempDirectory("statetree-bench");
		this.backend = FileSystemBackend.builder(this.directory)
			.fsync(this.fsync)
			.historySize((this.impl == Impl.STATETREE_NO_HISTORY) ? 0 : FileSystemBackend.DEFAULT_HISTORY_SIZE)
			.build();
		commit(this.leaf, 0);
		for (int i = 0; i < 100; i++) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("name", "item " + i);
			item.put("price", i * 1.5);
			item.put("tags", List.of("a", "b"));
			commit(this.subtree.child("item" + i), io.statetree.core.backend.StateValues.fromJava(item, (v) -> {
				throw new IllegalArgumentException();
			}));
		}
		this.bareLeaf = new BareFileWrite(this.directory.resolve("users").resolve("u1").resolve("score.json"), this.fsync);
		this.itemsDirectory = this.directory.resolve("items");
	}

	private void commit(StatePath path, Object value) {
		this.backend.commit(new CommitRequest(List.of(Write.of(path, value)), List.of(), "bench"));
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.backend.close();
		TempDirectories.delete(this.directory);
	}

	/** Overwrites one leaf file with a new number. */
	@Benchmark
	public void leafWrite() throws IOException {
		int value = ++this.counter;
		if (this.impl != Impl.BARE) {
			commit(this.leaf, value);
			return;
		}
		this.bareLeaf.write(this.serializer.write(value), value);
	}

	/** Reads a branch of 100 files, each a small object. */
	@Benchmark
	public Object subtreeRead100() {
		if (this.impl != Impl.BARE) {
			return this.backend.read(this.subtree);
		}
		Map<String, Object> result = new LinkedHashMap<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.itemsDirectory)) {
			for (Path file : stream) {
				String name = file.getFileName().toString();
				if (name.endsWith(".json")) {
					result.put(name.substring(0, name.length() - 5), this.mapper.readTree(Files.readAllBytes(file)));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return result;
	}

}
