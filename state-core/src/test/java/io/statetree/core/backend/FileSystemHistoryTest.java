package io.statetree.core.backend;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file system backend's history log ({@code .statetree/history}): what it records, across
 * close and reopen, exact values, odd paths, YAML files, torn and damaged segments, and that the
 * tree never shows it.
 */
class FileSystemHistoryTest {

	static final Instant T0 = Instant.parse("2026-11-30T12:00:00.123456789Z");

	@TempDir
	Path temp;

	private FileSystemBackend open(Path dir) {
		return open(dir, false);
	}

	private FileSystemBackend open(Path dir, boolean fsync) {
		return FileSystemBackend.builder(dir).fsync(fsync).clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
	}

	private static CommitResult commit(StateBackend backend, String path, @Nullable Object value) {
		return backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "node-1", "alice", 7));
	}

	private static List<Commit> all(StateBackend backend) {
		return backend.history().after(0, 10_000);
	}

	private static List<Path> segments(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir.resolve(".statetree").resolve("history"))) {
			return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
		}
	}

	@Test
	void recordsEachChangingCommitWithItsRevisionTimeOriginActorAndChanges() {
		try (FileSystemBackend backend = open(this.temp.resolve("s"))) {
			commit(backend, "/a", 1);
			CommitResult noop = commit(backend, "/a", 1);
			assertThat(noop.revision()).isEqualTo(1);
			backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/b"), Map.of("x", "y")),
					Write.of(StatePath.of("/a"), null)), List.of(), "node-2"));
			List<Commit> history = all(backend);
			assertThat(history).extracting(Commit::revision).containsExactly(1L, 2L);
			Commit first = history.get(0);
			assertThat(first.time()).isEqualTo(T0);
			assertThat(first.origin()).isEqualTo("node-1");
			assertThat(first.actor()).isEqualTo("alice");
			assertThat(first.causedBy()).isEqualTo(7);
			assertThat(first.changes()).containsExactly(new ChangedPath(StatePath.of("/a"), null, 1));
			Commit second = history.get(1);
			assertThat(second.actor()).isNull();
			assertThat(second.causedBy()).isZero();
			assertThat(second.changes()).hasSize(2);
			assertThat(second.changes().get(0).path()).isEqualTo(StatePath.of("/b"));
			assertThat(StateValues.equal(second.changes().get(0).newValue(), Map.of("x", "y"))).isTrue();
			assertThat(second.changes().get(1)).isEqualTo(new ChangedPath(StatePath.of("/a"), 1, null));
			assertThat(backend.history().retainedAfter()).isZero();
			assertThat(backend.history().after(1, 10)).extracting(Commit::revision).containsExactly(2L);
			assertThat(backend.history().after(2, 10)).isEmpty();
			assertThat(backend.history().after(0, 1)).extracting(Commit::revision).containsExactly(1L);
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void theHistoryAndTheRevisionGoOnAfterReopening(boolean fsync) {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir, fsync)) {
			for (int i = 1; i <= 5; i++) {
				commit(backend, "/n", i);
			}
		}
		try (FileSystemBackend backend = open(dir, fsync)) {
			assertThat(backend.revision()).isEqualTo(5);
			List<Commit> history = all(backend);
			assertThat(history).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L, 5L);
			assertThat(history.get(4).changes()).containsExactly(new ChangedPath(StatePath.of("/n"), 4, 5));
			assertThat(history.get(4).actor()).isEqualTo("alice");
			assertThat(history.get(4).causedBy()).as("read back from the file").isEqualTo(7);
			assertThat(commit(backend, "/n", 6).revision()).isEqualTo(6);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		}
		try (FileSystemBackend backend = open(dir, fsync)) {
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		}
	}

	@Test
	void aLongSegmentWithRecordsLargerThanTheReadWindowIsIndexedWholeAtOpen() {
		Path dir = this.temp.resolve("s");
		String big = "x".repeat(100_000);
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(5_000).build()) {
			for (int i = 1; i <= 1_500; i++) {
				commit(backend, "/n", (i % 500 == 0) ? big + i : "value " + "y".repeat(i % 200) + i);
			}
		}
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(5_000).build()) {
			List<Commit> all = all(backend);
			assertThat(all).hasSize(1_500);
			for (int i = 1; i <= 1_500; i++) {
				Commit commit = all.get(i - 1);
				assertThat(commit.revision()).isEqualTo(i);
				assertThat(commit.changes().get(0).newValue())
					.isEqualTo((i % 500 == 0) ? big + i : "value " + "y".repeat(i % 200) + i);
			}
			assertThat(backend.history().after(999, 2)).extracting(Commit::revision).containsExactly(1_000L, 1_001L);
		}
	}

	@Test
	void valuesKeepTheirExactNumbersInTheLog() {
		Path dir = this.temp.resolve("s");
		BigDecimal decimal = new BigDecimal("0.10000000000000000000000000000000000001");
		BigInteger big = new BigInteger("123456789012345678901234567890");
		Map<String, Object> value = StateValues.emptyBranch();
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/n", Map.of("d", decimal, "i", big, "f", 0.1, "l", Long.MAX_VALUE, "s", new BigDecimal("1E+5")));
			value = (Map<String, Object>) backend.read(StatePath.of("/n"));
		}
		try (FileSystemBackend backend = open(dir)) {
			Map<?, ?> logged = (Map<?, ?>) all(backend).get(0).changes().get(0).newValue();
			assertThat(logged.get("d")).isInstanceOf(BigDecimal.class).isEqualTo(decimal);
			assertThat(logged.get("i")).isEqualTo(big);
			assertThat(logged.get("f")).isEqualTo(0.1);
			assertThat(logged.get("l")).isEqualTo(Long.MAX_VALUE);
			assertThat(logged.get("s")).isInstanceOf(BigDecimal.class).isEqualTo(new BigDecimal("1E+5"));
			assertThat(StateValues.equal(logged, value)).isTrue();
		}
	}

	@Test
	void pathsWithOddCharactersRoundTrip() {
		Path dir = this.temp.resolve("s");
		List<String> paths = List.of("/café/x y", "/CON/a.json", "/%41/~b", "/.hidden/\"quoted\"", "/" + "l".repeat(250),
				"/a\\b/日本");
		try (FileSystemBackend backend = open(dir)) {
			for (String path : paths) {
				commit(backend, path, path);
			}
		}
		try (FileSystemBackend backend = open(dir)) {
			List<Commit> history = all(backend);
			assertThat(history).hasSize(paths.size());
			for (int i = 0; i < paths.size(); i++) {
				assertThat(history.get(i).changes()).containsExactly(new ChangedPath(StatePath.of(paths.get(i)), null,
						paths.get(i)));
			}
		}
	}

	@Test
	void aYamlBackendLogsTheSameJson() throws IOException {
		Path dir = this.temp.resolve("s");
		BigDecimal decimal = new BigDecimal("2.50");
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).serializer(Serializer.yaml()).fsync(false).build()) {
			commit(backend, "/y", Map.of("d", decimal, "s", "yes"));
		}
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).serializer(Serializer.yaml()).fsync(false).build()) {
			Map<?, ?> logged = (Map<?, ?>) all(backend).get(0).changes().get(0).newValue();
			assertThat(logged.get("d")).isInstanceOf(BigDecimal.class).isEqualTo(decimal);
			assertThat(logged.get("s")).isEqualTo("yes");
		}
		assertThat(Files.readString(segments(dir).get(0), java.nio.charset.StandardCharsets.ISO_8859_1))
			.contains("{\"revision\":1,");
	}

	@Test
	void theTreeNeverShowsTheHistory() {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/a", 1);
			commit(backend, "/history", "mine");
			commit(backend, "/statetree", "mine too");
			assertThat(backend.childNames(StatePath.ROOT)).containsExactly("a", "history", "statetree");
			assertThat(List.copyOf(((Map<?, ?>) backend.read(StatePath.ROOT)).keySet())).isEqualTo(List.of("a", "history", "statetree"));
			assertThat(backend.read(StatePath.of("/history"))).isEqualTo("mine");
			assertThat(all(backend)).hasSize(3);
		}
	}

	@Test
	void aTornLastRecordIsCutOffAtOpen() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			for (int i = 1; i <= 3; i++) {
				commit(backend, "/n", i);
			}
		}
		Path segment = segments(dir).get(0);
		long size = Files.size(segment);
		// what a crash during the append of revision 4 leaves: part of a frame and body
		Files.write(segment, new byte[] { 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4, '{', '"' },
				StandardOpenOption.APPEND);
		try (FileSystemBackend backend = open(dir)) {
			assertThat(Files.size(segment)).isEqualTo(size);
			assertThat(backend.revision()).isEqualTo(3);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L, 3L);
			assertThat(commit(backend, "/n", 4).revision()).isEqualTo(4);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L);
		}
		try (FileSystemBackend backend = open(dir)) {
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L);
		}
	}

	@Test
	void aTornTailTheFileSystemPaddedWithZerosAndASegmentWithoutItsHeaderAreCutAtOpen() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(2).build()) {
			for (int i = 1; i <= 3; i++) {
				commit(backend, "/n", i);
			}
		}
		List<Path> segments = segments(dir);
		assertThat(segments).hasSize(2);
		Path first = segments.get(0);
		long size = Files.size(first);
		Path second = segments.get(1);
		// a power loss during the next append: the newest segment grew but its bytes never landed;
		// and one during the creation of a segment after it: a file without its header
		Files.write(second, new byte[64], StandardOpenOption.APPEND);
		long secondSize = Files.size(second) - 64;
		Path headerless = dir.resolve(".statetree").resolve("history").resolve(String.format("%020d.log", 3));
		Files.write(headerless, new byte[3]);
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(2).build()) {
			assertThat(headerless).doesNotExist();
			assertThat(Files.size(second)).isEqualTo(secondSize);
			assertThat(Files.size(first)).isEqualTo(size);
			assertThat(backend.revision()).isEqualTo(3);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(2L, 3L);
			assertThat(commit(backend, "/n", 4).revision()).isEqualTo(4);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(3L, 4L);
		}
	}

	@Test
	void aLastRecordWhoseFilesNeverGotInIsDroppedAtOpen() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/n", 1);
		}
		byte[] before = Files.readAllBytes(dir.resolve("n.json"));
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/n", 2);
		}
		// a crash between the record's append and the commit's file: the old file, no exact revision,
		// no note of a clean close
		Files.write(dir.resolve("n.json"), before);
		Files.delete(dir.resolve(".statetree").resolve("revision"));
		Files.delete(dir.resolve(".statetree").resolve("history").resolve("closed"));
		try (FileSystemBackend backend = open(dir)) {
			assertThat(backend.revision()).isEqualTo(1);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L);
			assertThat(commit(backend, "/n", 3).revision()).isEqualTo(2);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L);
			assertThat(all(backend).get(1).changes()).containsExactly(new ChangedPath(StatePath.of("/n"), 1, 3));
		}
	}

	@Test
	void aFileEditedByHandAfterACleanCloseLeavesTheHistoryAlone() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/n", 1);
		}
		byte[] before = Files.readAllBytes(dir.resolve("n.json"));
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/n", 2);
		}
		Files.write(dir.resolve("n.json"), before);
		try (FileSystemBackend backend = open(dir)) {
			assertThat(backend.revision()).isEqualTo(2);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(1L, 2L);
			assertThat(backend.read(StatePath.of("/n"))).isEqualTo(1);
		}
	}

	@Test
	void aDamagedRecordFailsThePagesReachingItNamingTheFileButNotItsContent() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/n", "secret-1");
			commit(backend, "/n", "secret-2");
			commit(backend, "/n", "secret-3");
		}
		Path segment = segments(dir).get(0);
		byte[] bytes = Files.readAllBytes(segment);
		String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
		int at = text.indexOf("secret-2", text.indexOf("\"revision\":2"));
		bytes[at] = 'S';
		Files.write(segment, bytes);
		try (FileSystemBackend backend = open(dir)) {
			String name = ".statetree/history/" + segment.getFileName();
			assertThatThrownBy(() -> all(backend)).isInstanceOf(StateStorageException.class)
				.hasMessageContaining(name)
				.hasMessageContaining("checksum")
				.hasMessageNotContaining("ecret");
			assertThat(backend.history().after(2, 10)).extracting(Commit::revision).containsExactly(3L);
			assertThat(backend.read(StatePath.of("/n"))).isEqualTo("secret-3");
			assertThat(commit(backend, "/n", "4").revision()).isEqualTo(4);
			assertThat(backend.history().after(2, 10)).extracting(Commit::revision).containsExactly(3L, 4L);
		}
	}

	@Test
	void aDamagedFrameInTheNewestSegmentStartsANewSegmentAndSkipsTheRevisionsItMayHide() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			for (int i = 1; i <= 3; i++) {
				commit(backend, "/n", i);
			}
		}
		Path segment = segments(dir).get(0);
		byte[] bytes = Files.readAllBytes(segment);
		String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
		int frame = text.indexOf("{\"revision\":2") - HistoryRecord.FRAME;
		bytes[frame + 11] = 99;
		Files.write(segment, bytes);
		try (FileSystemBackend backend = open(dir)) {
			long skipped = 3 + FileSystemBackend.DEFAULT_HISTORY_SIZE;
			assertThat(backend.revision()).as("the damage may hide up to a segment of commits").isEqualTo(skipped);
			assertThatThrownBy(() -> all(backend)).isInstanceOf(StateStorageException.class)
				.hasMessageContaining(".statetree/history/" + segment.getFileName());
			assertThat(backend.read(StatePath.of("/n"))).isEqualTo(3);
			assertThat(commit(backend, "/n", 4).revision()).isEqualTo(skipped + 1);
			assertThat(segments(dir)).hasSize(2);
			assertThat(backend.history().after(skipped, 10)).extracting(Commit::revision).containsExactly(skipped + 1);
		}
	}

	@Test
	void aDamagedOlderSegmentFailsOnlyThePagesThatReachIt() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(2).build()) {
			for (int i = 1; i <= 3; i++) {
				commit(backend, "/n", i);
			}
		}
		Path older = segments(dir).get(0);
		byte[] bytes = Files.readAllBytes(older);
		int frame = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("{\"revision\":2")
				- HistoryRecord.FRAME;
		bytes[frame + 2] ^= 0x55;
		Files.write(older, bytes);
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(2).build()) {
			assertThat(backend.revision()).isEqualTo(3);
			assertThatThrownBy(() -> all(backend)).isInstanceOf(StateStorageException.class)
				.hasMessageContaining(".statetree/history/" + older.getFileName())
				.hasMessageContaining("damaged");
			assertThat(backend.history().after(2, 10)).extracting(Commit::revision).containsExactly(3L);
			assertThat(commit(backend, "/n", 4).revision()).isEqualTo(4);
			assertThat(backend.history().after(2, 10)).extracting(Commit::revision).containsExactly(3L, 4L);
		}
	}

	@Test
	void historySizeZeroKeepsNoLogAndBadSizesAreRefused() throws IOException {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(0).build()) {
			commit(backend, "/a", 1);
			assertThat(backend.history()).isNull();
			assertThat(backend.describe()).containsEntry("historySize", 0);
		}
		assertThat(dir.resolve(".statetree").resolve("history")).doesNotExist();
		assertThatThrownBy(() -> FileSystemBackend.builder(dir).historySize(-1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("historySize")
			.hasMessageContaining("-1");
		assertThatThrownBy(() -> FileSystemBackend.builder(dir).historySize(FileSystemBackend.MAX_HISTORY_SIZE + 1))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("1000001");
		try (FileSystemBackend backend = open(dir)) {
			assertThat(backend.revision()).isEqualTo(1);
			assertThat(backend.history().retainedAfter()).as("commits before the log started are not retained")
				.isEqualTo(1);
			commit(backend, "/a", 2);
			assertThat(all(backend)).extracting(Commit::revision).containsExactly(2L);
		}
	}

	@Test
	void badArgumentsAreRefusedAndAClosedHistoryIsNotRead() {
		FileSystemBackend closed = open(this.temp.resolve("closed"));
		commit(closed, "/a", 1);
		CommitHistory history = closed.history();
		closed.close();
		assertThatThrownBy(() -> history.after(0, 10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		try (FileSystemBackend backend = open(this.temp.resolve("s"))) {
			assertThatThrownBy(() -> backend.history().after(-1, 1)).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("-1");
			assertThatThrownBy(() -> backend.history().after(0, 0)).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("limit");
		}
	}

	@Test
	void readersSeeEveryPublishedCommitWhileCommitsGoOn() throws Exception {
		try (FileSystemBackend backend = FileSystemBackend.builder(this.temp.resolve("s")).fsync(false).historySize(50).build()) {
			List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
			Thread reader = new Thread(() -> {
				try {
					while (!Thread.currentThread().isInterrupted()) {
						long known = backend.revision();
						List<Commit> page = backend.history().after(Math.max(0, known - 20), 100);
						long previous = -1;
						for (Commit commit : page) {
							assertThat(commit.revision()).isGreaterThan(previous);
							previous = commit.revision();
						}
						if (known > 0) {
							assertThat(page).extracting(Commit::revision).contains(known);
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			reader.start();
			for (int i = 1; i <= 300; i++) {
				commit(backend, "/n", i);
			}
			reader.interrupt();
			reader.join(10_000);
			assertThat(failures).isEmpty();
			List<Long> revisions = new ArrayList<>();
			all(backend).forEach(c -> revisions.add(c.revision()));
			assertThat(revisions).hasSize(50).startsWith(251L).endsWith(300L);
			assertThat(backend.history().retainedAfter()).isEqualTo(250);
		}
	}

	@Test
	void anExpiryCommitKeepsItsFlagAcrossReopeningAndOtherCommitsHaveNone() {
		Path dir = this.temp.resolve("s");
		try (FileSystemBackend backend = open(dir)) {
			commit(backend, "/a", 1);
			backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/a"), null)), List.of(), "node-1", null, 0,
					true));
			assertThat(all(backend)).extracting(Commit::expiry).containsExactly(false, true);
		}
		try (FileSystemBackend backend = open(dir)) {
			List<Commit> history = all(backend);
			assertThat(history).extracting(Commit::expiry).containsExactly(false, true);
			assertThat(history.get(1).changes()).containsExactly(new ChangedPath(StatePath.of("/a"), 1, null));
		}
	}

	@Test
	void aRecordWrittenBeforeTheExpiryFlagReadsAsAnOrdinaryCommitAndABadFlagIsRefused() {
		byte[] old = "{\"revision\":4,\"time\":\"2026-11-30T12:00:00Z\",\"origin\":\"n\",\"causedBy\":0,\"changes\":[{\"path\":[\"a\"],\"new\":1}]}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		Commit commit = HistoryRecord.decode(4, old);
		assertThat(commit.expiry()).isFalse();
		assertThat(commit.changes()).containsExactly(new ChangedPath(StatePath.of("/a"), null, 1));
		assertThat(new String(HistoryRecord.encode(commit), java.nio.charset.StandardCharsets.UTF_8))
			.as("an ordinary commit is written as before").doesNotContain("expiry");
		byte[] flagged = "{\"revision\":4,\"time\":\"2026-11-30T12:00:00Z\",\"origin\":\"n\",\"causedBy\":0,\"expiry\":true,\"changes\":[]}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		assertThat(HistoryRecord.decode(4, flagged).expiry()).isTrue();
		byte[] bad = "{\"revision\":4,\"time\":\"2026-11-30T12:00:00Z\",\"origin\":\"n\",\"expiry\":\"yes\",\"changes\":[]}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		assertThatThrownBy(() -> HistoryRecord.decode(4, bad)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("expiry");
	}

}
