package io.statetree.core.backend;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * The child process of {@link FileSystemCrashTest}: commits random batches to a directory
 * forever, printing each commit's writes before committing it ({@code BEGIN}) and the outcome
 * after ({@code OK} with the commit's revision, or {@code FAIL}), until it is killed. Commits are
 * made by actor {@code worker}, each caused by its number, so the history shows what it wrote.
 * Some writes carry a time to live of {@value #TTL_DAYS} days (never due during the test), so the
 * lifetimes file is written with the tree.
 */
public final class CrashTestWorker {

	static final int TTL_DAYS = 30;

	static final String[] SEGMENTS = { "a", "b", "c", "John.Doe", "x y", "CON" };

	private CrashTestWorker() {
	}

	/**
	 * Runs the worker.
	 * @param args the directory, a random seed, and whether to fsync
	 */
	public static void main(String[] args) {
		Path directory = Path.of(args[0]);
		Random random = new Random(Long.parseLong(args[1]));
		boolean fsync = Boolean.parseBoolean(args[2]);
		PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
		FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(fsync).build();
		for (long n = 0;; n++) {
			List<Write> writes = withTimesToLive(randomWrites(random), random);
			out.println("BEGIN " + n + " " + encode(writes));
			out.flush();
			try {
				CommitResult result = backend.commit(new CommitRequest(writes, List.of(), "crash-test", "worker", n));
				out.println("OK " + n + " " + result.revision() + ";");
			}
			catch (StateWriteException ex) {
				out.println("FAIL " + n);
			}
			out.flush();
		}
	}

	static List<Write> randomWrites(Random random) {
		int count = 1 + random.nextInt(4);
		List<Write> writes = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			StatePath path = StatePath.ROOT;
			int depth = (random.nextInt(20) == 0) ? 0 : 1 + random.nextInt(3);
			for (int d = 0; d < depth; d++) {
				path = path.child(SEGMENTS[random.nextInt(SEGMENTS.length)]);
			}
			Object value = (path.isRoot() || random.nextInt(3) > 0) ? randomBranch(random, 2) : randomValue(random, 2);
			if (random.nextInt(6) == 0) {
				value = null;
			}
			writes.add(Write.of(path, value));
		}
		return writes;
	}

	/** Gives about a third of the writes with a value a time to live of {@value #TTL_DAYS} days. */
	static List<Write> withTimesToLive(List<Write> writes, Random random) {
		List<Write> given = new ArrayList<>(writes.size());
		for (Write write : writes) {
			boolean ttl = write.value() != null && random.nextInt(3) == 0;
			given.add(ttl ? new Write(write.path(), write.value(), null, Lifetime.ttl(java.time.Duration.ofDays(TTL_DAYS)))
					: write);
		}
		return given;
	}

	private static @Nullable Object randomValue(Random random, int depth) {
		return switch (random.nextInt(5)) {
			case 0 -> random.nextInt(1000);
			case 1 -> "s" + random.nextInt(100);
			case 2 -> List.of(random.nextInt(10), "x");
			default -> (depth > 0) ? randomBranch(random, depth - 1) : Boolean.TRUE;
		};
	}

	private static Object randomBranch(Random random, int depth) {
		Map<String, Object> map = new LinkedHashMap<>();
		int size = random.nextInt(4);
		for (int i = 0; i < size; i++) {
			Object child = randomValue(random, depth);
			if (child != null) {
				map.put(SEGMENTS[random.nextInt(SEGMENTS.length)], child);
			}
		}
		return StateValues.fromJava(map, (v) -> {
			throw new IllegalArgumentException(String.valueOf(v));
		});
	}

	static String encode(List<Write> writes) {
		StringBuilder sb = new StringBuilder("[");
		for (Write write : writes) {
			if (sb.length() > 1) {
				sb.append(',');
			}
			sb.append('[').append(StateValues.toJsonString(write.path().toString())).append(',')
				.append(StateValues.toJsonString(write.value()));
			if (write.lifetime() != null) {
				sb.append(",true");
			}
			sb.append(']');
		}
		return sb.append(']').toString();
	}

}
