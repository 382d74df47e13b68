package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.TreeComparison;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A commit every backend refuses alike, even when its writes together change nothing: a write
 * below a leaf followed by a delete that takes it back, or a rewrite of the value there, is refused
 * as the in-memory backend refuses it, and nothing is written. The files' group commit once took a
 * commit that changed nothing as done without planning it, so it accepted a write below a leaf
 * ({@code FileApplyFailurePropertiesTest}, seed 260210). Checked on the backend SPI and through a
 * controller's batch, on memory, files (fsync on and off), hybrids with files at the root and as a
 * mount, and a near cache over memory and over files.
 */
class NetUnchangedRefusalPropertiesTest {

	private static final int CALLS = 40;

	private static final StatePath MOUNT = StatePath.of("/m");

	enum Kind {

		MEMORY, FILES, FILES_NO_FSYNC, HYBRID_FILE_ROOT, HYBRID_FILE_MOUNT, CACHE_OVER_MEMORY, CACHE_OVER_FILES

	}

	@Example
	void theIssuesInputIsRefusedOnEveryBackend() throws IOException {
		for (Kind kind : Kind.values()) {
			Path dir = Files.createTempDirectory("statetree-refusal");
			String base = (kind == Kind.HYBRID_FILE_MOUNT) ? "/m" : ""; // the files hold /m there
			try (StateBackend backend = open(kind, dir)) {
				backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(base + "/a"), List.of(6, "x"))), List.of(), "t"));
				Object before = backend.read(StatePath.ROOT);
				List<Write> writes = List.of(Write.of(StatePath.of(base + "/a/b/x y"), Map.of("b", 901)),
						Write.of(StatePath.of(base + "/a/b"), null));
				assertThatThrownBy(() -> backend.commit(new CommitRequest(writes, List.of(), "t")))
					.as(kind.name())
					.isInstanceOf(StateWriteException.class)
					.hasMessageContaining("/a holds a leaf");
				assertThat(backend.read(StatePath.ROOT)).as(kind.name()).isEqualTo(before);
				assertThat(backend.read(StatePath.of(base + "/a"))).as(kind.name()).isEqualTo(List.of(6, "x"));
			}
			finally {
				FileSystemPropertiesSupport.deleteTree(dir);
			}
		}
	}

	@Property(tries = 25)
	void backendsRefuseWhatMemoryRefuses(@ForAll long seed, @ForAll Kind kind) throws IOException {
		Path dir = Files.createTempDirectory("statetree-refusal");
		Random random = new Random(seed);
		Map<String, Object> model = StateValues.emptyBranch();
		try (StateBackend backend = open(kind, dir)) {
			for (int i = 0; i < CALLS; i++) {
				List<Write> writes = batch(random, model, kind);
				String context = kind + ", seed " + seed + ", call " + i + ": " + CrashTestWorker.encode(writes);
				Map<String, Object> expected = expected(model, writes);
				boolean accepted;
				try {
					backend.commit(new CommitRequest(writes, List.of(), "t"));
					accepted = true;
				}
				catch (StateWriteException ex) {
					accepted = false;
				}
				assertThat(accepted).as(context + ": accepted").isEqualTo(expected != null);
				if (expected != null) {
					model = expected;
				}
				assertSame(backend.read(StatePath.ROOT), model, context);
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	@Property(tries = 15)
	void batchesRefuseWhatMemoryRefuses(@ForAll long seed, @ForAll Kind kind,
			@ForAll @IntRange(min = 0, max = 1) int async) throws IOException {
		Path dir = Files.createTempDirectory("statetree-refusal");
		Random random = new Random(seed);
		Map<String, Object> model = StateValues.emptyBranch();
		try (StateController controller = StateController.builder()
			.backend(open(kind, dir))
			.dispatch((async == 1) ? StateController.Dispatch.ASYNC : StateController.Dispatch.SYNC)
			.build()) {
			long heard = 0;
			for (int i = 0; i < CALLS; i++) {
				List<Write> writes = batch(random, model, kind);
				String context = kind + ", seed " + seed + ", call " + i + ": " + CrashTestWorker.encode(writes);
				Map<String, Object> expected = expected(model, writes);
				long before = controller.revision();
				boolean accepted;
				try {
					controller.batch(() -> {
						for (Write write : writes) {
							if (write.value() == null) {
								controller.delete(write.path());
							}
							else {
								controller.set(write.path(), write.value());
							}
						}
					});
					accepted = true;
				}
				catch (StateWriteException ex) {
					accepted = false;
				}
				assertThat(accepted).as(context + ": accepted").isEqualTo(expected != null);
				if (!accepted) {
					assertThat(controller.revision()).as(context + ": a refused batch takes no revision").isEqualTo(before);
				}
				if (expected != null) {
					model = expected;
				}
				assertSame(controller.get(StatePath.ROOT), model, context);
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	/**
	 * Random writes, and often a pair that changes nothing on its own: a write below an existing
	 * value (a leaf more often than not) taken back by a delete of the path between them, or the
	 * value there written again.
	 */
	private static List<Write> batch(Random random, Map<String, Object> model, Kind kind) {
		List<Write> writes = new ArrayList<>(CrashTestWorker.randomWrites(random));
		if (kind == Kind.HYBRID_FILE_MOUNT) {
			writes = intoMount(writes);
		}
		if (random.nextInt(3) > 0) {
			StatePath target = somePath(random, model);
			switch (random.nextInt(3)) {
				case 0 -> {
					StatePath child = target.child("n" + random.nextInt(2));
					writes.add(Write.of(child.child("x y"), Map.of("b", random.nextInt(10))));
					writes.add(Write.of(child, null));
				}
				case 1 -> {
					StatePath child = target.child("n" + random.nextInt(2));
					writes.add(Write.of(child, random.nextInt(10)));
					writes.add(Write.of(child, StateValues.getIn(model, child)));
				}
				default -> writes.add(Write.of(target, StateValues.getIn(model, target)));
			}
			if (random.nextBoolean()) {
				// the pair alone, so the whole commit changes nothing
				writes = new ArrayList<>(writes.subList(writes.size() - ((writes.size() > 1 && random.nextBoolean()) ? 2 : 1), writes.size()));
			}
		}
		return writes;
	}

	/** A path in the model, at a leaf when there is one on the way. */
	private static StatePath somePath(Random random, Map<String, Object> model) {
		StatePath path = StatePath.ROOT;
		Object value = model;
		while (value instanceof Map<?, ?> map && !map.isEmpty() && (path.isRoot() || random.nextInt(4) > 0)) {
			List<?> keys = new ArrayList<>(map.keySet());
			String key = (String) keys.get(random.nextInt(keys.size()));
			path = path.child(key);
			value = map.get(key);
		}
		return (path.isRoot() || path.equals(MOUNT)) ? MOUNT.child("a") : path;
	}

	/** Sends the writes below {@code /b/...} to the files mounted at {@code /m} (a mount point holds a branch). */
	private static List<Write> intoMount(List<Write> writes) {
		List<Write> moved = new ArrayList<>(writes.size());
		for (Write write : writes) {
			StatePath path = write.path();
			if (path.depth() >= 2 && path.segment(0).equals("b")) {
				path = MOUNT.resolve(path.prefix(1).relativize(path));
			}
			moved.add(Write.of(path, write.value()));
		}
		return moved;
	}

	/** The in-memory model's outcome, or null when it refuses. */
	private static @Nullable Map<String, Object> expected(Map<String, Object> model, List<Write> writes) {
		try {
			return FileSystemCrashTest.apply(model, writes);
		}
		catch (StateWriteException ex) {
			return null;
		}
	}

	private static void assertSame(@Nullable Object actual, Object model, String context) {
		assertThat(StateValues.equal(TreeComparison.withoutEmptyBranches(actual), TreeComparison.withoutEmptyBranches(model)))
			.as(context + ": reads " + StateValues.toJsonString(actual) + ", model " + StateValues.toJsonString(model))
			.isTrue();
	}

	private static StateBackend open(Kind kind, Path dir) {
		return switch (kind) {
			case MEMORY -> new InMemoryBackend();
			case FILES -> FileSystemBackend.builder(dir).build();
			case FILES_NO_FSYNC -> FileSystemBackend.builder(dir).fsync(false).build();
			case HYBRID_FILE_ROOT -> new HybridBackend(FileSystemBackend.builder(dir).build()).mount("/m", new InMemoryBackend());
			case HYBRID_FILE_MOUNT -> new HybridBackend(new InMemoryBackend()).mount("/m", FileSystemBackend.builder(dir).build());
			case CACHE_OVER_MEMORY -> new CachingBackend(new InMemoryBackend(), CachePolicy.defaults());
			case CACHE_OVER_FILES -> new CachingBackend(FileSystemBackend.builder(dir).build(), CachePolicy.defaults());
		};
	}

}
