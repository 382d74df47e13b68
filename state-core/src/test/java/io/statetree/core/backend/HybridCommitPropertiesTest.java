package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random commits through a {@link HybridBackend} (memory or files at the root; at {@code /a/b},
 * {@code /a/c/d} and {@code /m} a memory, file, shared, caching (in front of files) backend or a
 * hybrid with a file mount of its own at {@code n}) against a model: the
 * same writes applied to one whole tree, with the mount rule (a mount point is always a branch, so
 * a write whose value puts a leaf at a mount point or on the way to one is refused). Writes are
 * leaves, subtrees and deletes, at, above and below mount points, several per commit, with
 * preconditions that hold or fail.
 * <p>
 * Each commit either applies whole, with the model's result, or throws (the model's refusal, or a
 * refusal only a backend knows) and leaves every backend as it was: never a half-written commit.
 * The old and new value of each change equal what the hybrid read at that path before and after.
 * <p>
 * Compared with the model, an empty branch at a mount point or on the way to one counts as absent
 * (an empty mount reads as absent, and the ancestors the root backend never held with it).
 */
class HybridCommitPropertiesTest {

	static final List<String> SEGMENTS = List.of("a", "b", "c", "d", "m", "x");

	static final List<StatePath> POINTS = List.of(StatePath.of("/a/b"), StatePath.of("/a/c/d"), StatePath.of("/m"));

	@Property(tries = 120)
	void everyCommitAppliesWholeOrNotAtAll(@ForAll long seed) throws IOException {
		run(seed, Integer.MAX_VALUE);
	}

	/**
	 * One file mount refuses files over 12 bytes, a refusal the model does not know: such a commit
	 * must still leave every backend as it was, whichever part it falls in.
	 */
	@Property(tries = 80)
	void aRefusalOnlyOneMountKnowsLeavesEveryMountAsItWas(@ForAll long seed) throws IOException {
		run(seed, 12);
	}

	private static void run(long seed, int smallFileBytes) throws IOException {
		Random random = new Random(seed);
		Path dir = Files.createTempDirectory("statetree-hybrid");
		List<StateBackend> backends = new ArrayList<>();
		try {
			StateBackend root = random.nextBoolean() ? new InMemoryBackend()
					: FileSystemBackend.builder(dir.resolve("root")).fsync(false).build();
			backends.add(root);
			HybridBackend hybrid = new HybridBackend(root);
			List<StatePath> points = new ArrayList<>(POINTS);
			for (int i = 0; i < POINTS.size(); i++) {
				int limit = (i == 0) ? smallFileBytes : Integer.MAX_VALUE;
				int kind = (limit != Integer.MAX_VALUE) ? 1 + 2 * random.nextInt(2) : random.nextInt(5);
				Path files = dir.resolve("mount" + i);
				StateBackend mounted = switch (kind) {
					case 0 -> new InMemoryBackend();
					case 1 -> FileSystemBackend.builder(files).fsync(false).maxFileBytes(limit).build();
					case 2 -> new ForwardingBackend(true);
					case 3 -> new CachingBackend(FileSystemBackend.builder(files).fsync(false).maxFileBytes(limit).build(),
							CachePolicy.defaults());
					default -> null;
				};
				if (mounted == null) {
					// a hybrid mounted in the hybrid, with a file mount of its own at "n"
					InMemoryBackend nestedRoot = new InMemoryBackend();
					FileSystemBackend nestedFiles = FileSystemBackend.builder(files).fsync(false).build();
					mounted = new HybridBackend(nestedRoot).mount("/n", nestedFiles);
					backends.add(nestedRoot);
					backends.add(nestedFiles);
					points.add(POINTS.get(i).child("n"));
				}
				else {
					backends.add(mounted);
				}
				hybrid.mount(POINTS.get(i), mounted);
			}
			check(seed, random, hybrid, backends, points, smallFileBytes != Integer.MAX_VALUE);
			hybrid.close();
		}
		finally {
			try (Stream<Path> files = Files.walk(dir)) {
				for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
		}
	}

	private static void check(long seed, Random random, HybridBackend hybrid, List<StateBackend> backends,
			List<StatePath> points, boolean backendsMayRefuse) {
		Map<String, Object> model = StateValues.emptyBranch();
		for (int commit = 0; commit < 12; commit++) {
			List<Write> writes = randomWrites(random, points);
			List<Precondition> preconditions = randomPreconditions(random, hybrid, points);
			String context = "seed " + seed + ", commit " + commit + ": " + CrashTestWorker.encode(writes) + " if "
					+ preconditions;
			Map<String, Object> expected = null;
			boolean writeRefused = false;
			try {
				expected = applyWithMountRule(model, writes, points);
			}
			catch (StateWriteException ex) {
				writeRefused = true;
			}
			boolean preconditionFails = false;
			for (Precondition precondition : preconditions) {
				preconditionFails |= !StateValues.equal(hybrid.read(precondition.path()), precondition.expected());
			}
			Map<StatePath, @Nullable Object> readsBefore = new LinkedHashMap<>();
			for (Write write : writes) {
				readsBefore.putIfAbsent(write.path(), hybrid.read(write.path()));
			}
			List<@Nullable Object> stored = stored(backends);
			long revision = hybrid.revision();
			CommitResult result;
			try {
				result = hybrid.commit(new CommitRequest(writes, preconditions, "p"));
			}
			catch (StateWriteException | PreconditionFailedException ex) {
				Statistics.label("outcome").collect((ex instanceof PreconditionFailedException) ? "precondition failed"
						: writeRefused ? "refused by the model's rules" : "refused by one backend only");
				if (ex instanceof PreconditionFailedException) {
					assertThat(preconditionFails).as(context + ": refused a precondition that holds").isTrue();
				}
				else {
					assertThat(writeRefused || backendsMayRefuse).as(context + ": refused a write the model accepts: " + ex)
						.isTrue();
				}
				assertUnchanged(context, backends, stored);
				assertThat(hybrid.revision()).as(context).isEqualTo(revision);
				assertMatches(context, hybrid, model, random, points);
				continue;
			}
			catch (StateStorageException ex) {
				throw new AssertionError(context + ": failed after (perhaps) writing part of the commit", ex);
			}
			assertThat(preconditionFails).as(context + ": committed although a precondition fails").isFalse();
			assertThat(writeRefused).as(context + ": committed what the model refuses").isFalse();
			Statistics.label("outcome").collect(spanning(writes, points) ? "committed, spanning backends" : "committed, one backend");
			model = expected;
			assertMatches(context, hybrid, model, random, points);
			assertThat(result.changes()).extracting(Change::path).as(context).containsExactlyElementsOf(readsBefore.keySet());
			for (Change change : result.changes()) {
				Object before = readsBefore.get(change.path());
				Object after = hybrid.read(change.path());
				assertThat(StateValues.equal(change.oldValue(), before))
					.as("%s: old value at %s is %s, a read gave %s", context, change.path(),
							StateValues.toJsonString(change.oldValue()), StateValues.toJsonString(before))
					.isTrue();
				assertThat(StateValues.equal(change.newValue(), after))
					.as("%s: new value at %s is %s, a read gives %s", context, change.path(),
							StateValues.toJsonString(change.newValue()), StateValues.toJsonString(after))
					.isTrue();
			}
			long expectedRevision = TreeChanges.unchanged(result.changes()) ? revision : revision + 1;
			assertThat(result.revision()).as(context).isEqualTo(expectedRevision);
			assertThat(hybrid.revision()).as(context).isEqualTo(expectedRevision);
		}
	}

	/** Whether the writes fall to more than one backend. */
	private static boolean spanning(List<Write> writes, List<StatePath> points) {
		Set<StatePath> owners = new LinkedHashSet<>();
		for (Write write : writes) {
			StatePath owner = StatePath.ROOT;
			for (StatePath point : points) {
				if (point.isAncestorOrSelf(write.path())) {
					owner = point;
				}
				else if (write.path().isAncestorOf(point)) {
					return true;
				}
			}
			owners.add(owner);
		}
		return owners.size() > 1;
	}

	/** The model: the writes on one tree, refusing a leaf at a mount point or on the way to one. */
	static Map<String, Object> applyWithMountRule(Map<String, Object> model, List<Write> writes, List<StatePath> points) {
		if (breaksMountRule(writes, points)) {
			throw new StateWriteException("a leaf on the way to a mount point");
		}
		return StateValues.applyToRoot(model, writes);
	}

	/** Whether a write's value puts a leaf at a mount point or on the way to one (the hybrid refuses it). */
	static boolean breaksMountRule(List<Write> writes, List<StatePath> points) {
		for (Write write : writes) {
			for (StatePath point : points) {
				if (write.value() == null || !write.path().isAncestorOrSelf(point)) {
					continue;
				}
				StatePath relative = write.path().relativize(point);
				Object value = write.value();
				for (int i = 0; i <= relative.depth() && value != null; i++) {
					if (!(value instanceof Map<?, ?> map)) {
						return true;
					}
					value = (i < relative.depth()) ? map.get(relative.segment(i)) : null;
				}
			}
		}
		return false;
	}

	private static void assertMatches(String context, HybridBackend hybrid, Map<String, Object> model, Random random,
			List<StatePath> points) {
		Object actual = canonical(hybrid.read(StatePath.ROOT), StatePath.ROOT, points);
		Object expected = canonical(model, StatePath.ROOT, points);
		assertThat(StateValues.equal(actual, expected))
			.as("%s: read %s, model %s", context, StateValues.toJsonString(actual), StateValues.toJsonString(expected))
			.isTrue();
		for (int i = 0; i < 4; i++) {
			StatePath path = randomPath(random, points);
			Object read = canonical(hybrid.read(path), path, points);
			Object want = canonical(StateValues.getIn(model, path), path, points);
			assertThat(StateValues.equal(read, want))
				.as("%s: read %s at %s, model %s", context, StateValues.toJsonString(read), path,
						StateValues.toJsonString(want))
				.isTrue();
		}
	}

	/**
	 * The value with empty branches taken as absent: at mount points and on the way to them (an
	 * empty mount reads as absent), and elsewhere too, because a commit that writes below a path
	 * and deletes it again leaves no branch in any backend while the sequential model keeps an
	 * empty one (seed -1019603: {@code /x/c} written and deleted in one commit).
	 */
	static @Nullable Object canonical(@Nullable Object value, StatePath path, List<StatePath> points) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> children = new LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			StatePath child = path.child((String) entry.getKey());
			Object canonical = canonical(entry.getValue(), child, points);
			if (canonical != null) {
				children.put((String) entry.getKey(), canonical);
			}
		}
		if (children.isEmpty() && !path.isRoot()) {
			return null;
		}
		return StateValues.branch(children);
	}

	private static List<@Nullable Object> stored(List<StateBackend> backends) {
		List<@Nullable Object> stored = new ArrayList<>();
		for (StateBackend backend : backends) {
			stored.add((backend instanceof ForwardingBackend forwarding) ? forwarding.target.read(StatePath.ROOT)
					: backend.read(StatePath.ROOT));
		}
		return stored;
	}

	private static void assertUnchanged(String context, List<StateBackend> backends, List<@Nullable Object> before) {
		List<@Nullable Object> after = stored(backends);
		for (int i = 0; i < before.size(); i++) {
			assertThat(StateValues.equal(after.get(i), before.get(i)))
				.as("%s: backend %d changed by a refused commit: %s, was %s", context, i,
						StateValues.toJsonString(after.get(i)), StateValues.toJsonString(before.get(i)))
				.isTrue();
		}
	}

	static List<Write> randomWrites(Random random, List<StatePath> points) {
		int count = 1 + random.nextInt(4);
		List<Write> writes = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			StatePath path = randomPath(random, points);
			Object value = (random.nextInt(5) == 0) ? null : randomValue(random, 0);
			if (path.isRoot() && value != null && random.nextInt(3) > 0) {
				value = randomBranch(random, 0);
			}
			writes.add(Write.of(path, value));
		}
		return writes;
	}

	private static List<Precondition> randomPreconditions(Random random, StateBackend hybrid, List<StatePath> points) {
		if (random.nextInt(3) > 0) {
			return List.of();
		}
		StatePath path = randomPath(random, points);
		Object expected = (random.nextInt(3) == 0) ? Integer.valueOf(random.nextInt(3)) : hybrid.read(path);
		return List.of(new Precondition(path, expected));
	}

	/** Mostly paths at, above and below the mount points. */
	static StatePath randomPath(Random random, List<StatePath> points) {
		StatePath path = (random.nextInt(3) == 0) ? StatePath.ROOT : points.get(random.nextInt(points.size()));
		if (!path.isRoot() && random.nextBoolean()) {
			path = path.prefix(random.nextInt(path.depth() + 1));
		}
		int below = random.nextInt(3);
		for (int i = 0; i < below; i++) {
			path = path.child(SEGMENTS.get(random.nextInt(SEGMENTS.size())));
		}
		return path;
	}

	static Object randomValue(Random random, int depth) {
		int kind = random.nextInt(depth >= 3 ? 3 : 5);
		return switch (kind) {
			case 0 -> random.nextInt(4);
			case 1 -> "s" + random.nextInt(3);
			case 2 -> List.of(random.nextInt(2), "e");
			default -> randomBranch(random, depth);
		};
	}

	static Map<String, Object> randomBranch(Random random, int depth) {
		Set<String> keys = new LinkedHashSet<>();
		int count = random.nextInt(4);
		for (int i = 0; i < count; i++) {
			keys.add(SEGMENTS.get(random.nextInt(SEGMENTS.size())));
		}
		Map<String, Object> children = new LinkedHashMap<>();
		for (String key : keys) {
			children.put(key, randomValue(random, depth + 1));
		}
		return StateValues.branch(children);
	}

}
