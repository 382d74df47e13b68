package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What only the file system backend does: its layout, corruption, containment and recovery.
 */
class FileSystemBackendTest {

	@TempDir
	Path temp;

	Path dir;

	FileSystemBackend backend;

	@BeforeEach
	void open() {
		this.dir = this.temp.resolve("state");
		this.backend = FileSystemBackend.builder(this.dir).fsync(false).build();
	}

	@AfterEach
	void close() {
		this.backend.close();
	}

	private CommitResult commit(String path, @Nullable Object value) {
		return this.backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t"));
	}

	private @Nullable Object read(String path) {
		return this.backend.read(StatePath.of(path));
	}

	private Object json(String text) {
		return AbstractBackendContractTest.json(text);
	}

	private List<String> files() throws IOException {
		try (Stream<Path> stream = Files.walk(this.dir)) {
			return stream.map(p -> this.dir.relativize(p).toString().replace('\\', '/'))
				.filter(p -> !p.isEmpty() && !p.startsWith(".statetree") && !p.contains("/.") && !p.startsWith("."))
				.sorted()
				.collect(Collectors.toList());
		}
	}

	@Test
	void theLayoutIsOneFilePerWrittenValueAndDirectoriesForBranches() throws IOException {
		commit("/config/theme", "dark");
		commit("/config/colors", json("{'primary':'#f00'}"));
		assertThat(files()).containsExactly("config", "config/colors.json", "config/theme.json");
		assertThat(Files.readString(this.dir.resolve("config/theme.json"))).isEqualTo("\"dark\"");
		commit("/config/colors/secondary", "#0f0");
		assertThat(files()).containsExactly("config", "config/colors.json", "config/theme.json");
		assertThat(json(Files.readString(this.dir.resolve("config/colors.json")))).isEqualTo(
				json("{'primary':'#f00','secondary':'#0f0'}"));
		commit("/config", json("{'all':'new'}"));
		assertThat(files()).containsExactly("config.json");
	}

	@Test
	void namesThatCollidedInTheOriginalStayApart() throws IOException {
		commit("/users/john.doe", 1);
		commit("/users/john.smith", 2);
		commit("/users/john", 3);
		assertThat(files()).containsExactly("users", "users/john.doe.json", "users/john.json", "users/john.smith.json");
		assertThat(read("/users")).isEqualTo(Map.of("john.doe", 1, "john.smith", 2, "john", 3));
	}

	@Test
	void aSegmentEndingWithTheExtensionNeverMeetsAFile() throws IOException {
		commit("/b.json/x", 1);
		commit("/b", 2);
		assertThat(files()).containsExactly("b%2Ejson", "b%2Ejson/x.json", "b.json");
		assertThat(read("/")).isEqualTo(Map.of("b.json", Map.of("x", 1), "b", 2));
	}

	@Test
	void theDataPersistsAcrossReopening() {
		commit("/a/b", json("{'c':[1,2]}"));
		commit("/z", "last");
		this.backend.close();
		this.backend = new FileSystemBackend(this.dir);
		assertThat(read("/")).isEqualTo(json("{'a':{'b':{'c':[1,2]}},'z':'last'}"));
		assertThat(this.backend.directory()).isEqualTo(this.dir.toAbsolutePath().normalize());
	}

	@Test
	void anUnparsableFileFailsOnlyTheReadsThatTouchIt() throws IOException {
		commit("/good", 1);
		commit("/bad", json("{'x':1}"));
		Path bad = this.dir.resolve("bad.json");
		Files.writeString(bad, "{ not json");
		assertThatThrownBy(() -> read("/bad")).isInstanceOf(StateStorageException.class)
			.hasMessageContaining("bad.json")
			.hasMessageContaining("line 1")
			.hasMessageNotContaining(this.temp.toString());
		assertThatThrownBy(() -> read("/bad/x")).isInstanceOf(StateStorageException.class);
		assertThatThrownBy(() -> read("/")).isInstanceOf(StateStorageException.class).hasMessageContaining("bad.json");
		assertThat(read("/good")).isEqualTo(1);
		assertThatThrownBy(() -> commit("/bad/y", 2)).isInstanceOf(StateStorageException.class);
		assertThatThrownBy(() -> commit("/", json("{}"))).isInstanceOf(StateStorageException.class);
		assertThat(Files.readString(bad)).isEqualTo("{ not json");
		commit("/bad", "fixed");
		assertThat(read("/bad")).isEqualTo("fixed");
		Files.writeString(bad, "");
		commit("/bad", null);
		assertThat(Files.exists(bad)).isFalse();
	}

	@Test
	void hostileSegmentsStayInsideTheDirectory() throws IOException {
		Path outside = this.temp.resolve("outside");
		Files.createDirectories(outside);
		List<String> hostile = List.of("..%2F..%2Foutside", "..\\..\\outside", "C:", "CON", "NUL.json", ".statetree",
				".order", "~x", ".", "a/../..");
		for (String segment : hostile) {
			try {
				this.backend.commit(new CommitRequest(List.of(Write.of(StatePath.ROOT.child(segment), segment)), List.of(), "t"));
				assertThat(this.backend.read(StatePath.ROOT.child(segment))).isEqualTo(segment);
			}
			catch (io.statetree.core.InvalidPathException ex) {
				// rejected by the path rules: fine too
			}
		}
		commit("/", json("{'root':'write'}"));
		assertThat(read("/")).isEqualTo(Map.of("root", "write"));
		try (Stream<Path> stream = Files.list(this.temp)) {
			assertThat(stream.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("state", "outside");
		}
		try (Stream<Path> stream = Files.list(outside)) {
			assertThat(stream).isEmpty();
		}
	}

	@Test
	void aPlantedSymlinkIsNeverFollowed() throws IOException {
		Path outside = this.temp.resolve("outside");
		Files.createDirectories(outside);
		Files.writeString(outside.resolve("x.json"), "\"secret\"");
		try {
			Files.createSymbolicLink(this.dir.resolve("link"), outside);
			Files.createSymbolicLink(this.dir.resolve("file.json"), outside.resolve("x.json"));
		}
		catch (UnsupportedOperationException | IOException ex) {
			assumeThat(false).as("symbolic links are not supported here").isTrue();
		}
		assertThat(read("/link/x")).isNull();
		assertThat(read("/file")).isNull();
		assertThat(read("/")).isEqualTo(Map.of());
		commit("/link/x", "mine");
		commit("/file", "mine too");
		commit("/link/y", "more");
		assertThat(read("/link")).isEqualTo(Map.of("x", "mine", "y", "more"));
		assertThat(Files.isSymbolicLink(this.dir.resolve("link"))).isFalse();
		assertThat(Files.readString(outside.resolve("x.json"))).isEqualTo("\"secret\"");
		try (Stream<Path> stream = Files.list(outside)) {
			assertThat(stream.map(p -> p.getFileName().toString())).containsExactly("x.json");
		}
		commit("/", null);
		assertThat(Files.readString(outside.resolve("x.json"))).isEqualTo("\"secret\"");
	}

	@Test
	void anUncreatableDirectoryFailsNamingIt() throws IOException {
		Path file = this.temp.resolve("plain-file");
		Files.writeString(file, "x");
		assertThatThrownBy(() -> new FileSystemBackend(file.resolve("sub"))).isInstanceOf(StateStorageException.class)
			.hasMessageContaining(file.resolve("sub").toString());
		assertThatThrownBy(() -> new FileSystemBackend(file)).isInstanceOf(StateStorageException.class)
			.hasMessageContaining(file.toString());
	}

	@Test
	void anIntentLogIsReplayedAtOpen() throws IOException {
		commit("/old/a", 1);
		this.backend.close();
		Path log = this.dir.resolve(".statetree").resolve("intent.log");
		List<Op> ops = List.of(new Op(Kind.DELETE, this.dir.resolve("old"), null, true),
				new Op(Kind.MKDIR, this.dir.resolve("new"), null, true),
				new Op(Kind.PUT, this.dir.resolve("new/b.json"), "2".getBytes(StandardCharsets.UTF_8), true));
		Files.write(log, IntentLog.encode(this.dir, ops));
		Path leftover = this.dir.resolve(".x.json.1234.sttmp");
		Files.writeString(leftover, "half");
		this.backend = new FileSystemBackend(this.dir);
		assertThat(read("/")).isEqualTo(Map.of("new", Map.of("b", 2)));
		assertThat(Files.exists(log)).isFalse();
		assertThat(Files.exists(leftover)).isFalse();
	}

	@Test
	void aDamagedIntentLogStopsTheOpenNamingIt() throws IOException {
		this.backend.close();
		Path log = this.dir.resolve(".statetree").resolve("intent.log");
		byte[] bytes = IntentLog.encode(this.dir, List.of(new Op(Kind.MKDIR, this.dir.resolve("x"), null, true)));
		bytes[bytes.length - 1] ^= 1;
		Files.write(log, bytes);
		assertThatThrownBy(() -> new FileSystemBackend(this.dir)).isInstanceOf(StateStorageException.class)
			.hasMessageContaining(log.toString())
			.hasMessageContaining("checksum");
		this.backend = FileSystemBackend.builder(this.temp.resolve("other")).build();
	}

	@Test
	void caseInsensitiveFileSystemsRefuseNamesDifferingOnlyInCase() {
		this.backend.close();
		this.backend = FileSystemBackend.builder(this.temp.resolve("ci")).fsync(false).caseInsensitive(true).build();
		commit("/users/alice", 1);
		assertThatThrownBy(() -> commit("/users/Alice", 2)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/users/Alice")
			.hasMessageContaining("alice.json");
		assertThatThrownBy(() -> commit("/USERS/x", 2)).isInstanceOf(StateWriteException.class);
		assertThat(read("/users/Alice")).isNull();
		commit("/users/alice", 3);
		assertThat(read("/users")).isEqualTo(Map.of("alice", 3));
	}

	@Test
	void yamlFilesKeepStringsThatLookLikeOtherTypes() throws IOException {
		this.backend.close();
		Path yamlDir = this.temp.resolve("yaml");
		this.backend = FileSystemBackend.builder(yamlDir).serializer(Serializer.yaml()).fsync(false).build();
		Object value = json("{'yes':'yes','no':'no','num':'1.0','nul':'null','empty':'','multi':'a\\nb','n':1.5,"
				+ "'b':true,'list':['on','off',null,2]}");
		commit("/v", value);
		assertThat(Files.exists(yamlDir.resolve("v.yaml"))).isTrue();
		assertThat(StateValues.equal(read("/v"), value)).isTrue();
		assertThat(this.backend.describe()).containsEntry("format", "yaml");
	}

	@Test
	void describeGivesTypeDirectoryFormatAndFsync() {
		assertThat(this.backend.describe()).containsEntry("type", "filesystem")
			.containsEntry("directory", this.dir.toAbsolutePath().normalize().toString())
			.containsEntry("format", "json")
			.containsEntry("fsync", false);
	}

	@Test
	void aClosedBackendRefusesWork() {
		this.backend.close();
		assertThatThrownBy(() -> read("/")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		this.backend.close();
	}

	@Test
	void directoriesAndFilesNeverCoexist() throws IOException {
		commit("/b/c", 1);
		commit("/b", 2);
		assertThat(files()).containsExactly("b.json");
		commit("/b/c", null);
		commit("/b", null);
		commit("/b/d/e", 3);
		assertThat(files()).containsExactly("b", "b/d", "b/d/e.json");
		Files.writeString(this.dir.resolve("b.json"), "4");
		assertThatThrownBy(() -> read("/b")).isInstanceOf(StateStorageException.class).hasMessageContaining("Both");
		commit("/b", 5);
		assertThat(files()).containsExactly("b.json");
	}

}
