package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static io.statetree.core.TreeComparison.withoutEmptyBranches;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hybrid with a memory root and files mounted at {@code /m}: a commit that writes below a path
 * and then replaces that path (or the root) with a leaf, while the files refuse their part, fails
 * and leaves nothing of the root's part visible (or, with fsync on, where the files' journal
 * already holds the part and the call returns, everything is) (the take-back restores the outermost paths only;
 * restoring the inner one first would write below the leaf the commit left there). The first
 * example is {@code FileApplyFailurePropertiesTest}'s {@code seed 13, call 10}.
 */
class HybridRootReplaceFailureTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String BEFORE = """
			{"a":{},"x y":{"John.Doe":{"x y":{}},"c":{"x y":{"b":[2,"x"],"a":"s43"}},"b":{"c":535}},
			 "c":{"John.Doe":657,"CON":{"x y":"s53","John.Doe":469},"b":"s25"},"John.Doe":{},
			 "CON":{"x y":{"CON":{"x y":942,"CON":"s20"}},"b":{"b":{"x y":{"John.Doe":true,"x y":129},
			 "a":{"b":[1,"x"]},"John.Doe":{"CON":true,"c":true}},"c":{"c":{"CON":true,"c":true},"b":256}}}}""";

	/** Fails every file operation while {@code failing}. */
	private static final class Faults implements AtomicCommit.ApplyHook {

		volatile boolean failing;

		@Override
		public void beforeApply(IntentLog.Op op) throws IOException {
			if (this.failing) {
				throw new IOException("injected failure");
			}
		}

	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void aRootReplaceAfterADeeperWriteIsTakenBackWhenTheFilesFail(boolean fsync) throws IOException {
		check(fsync, List.of(write("/x y/c", "{\"x y\":548}"), write("/", "{\"x y\":[9,\"x\"]}"), write("/a/b",
				"{\"CON\":{\"b\":213,\"c\":{\"John.Doe\":\"s24\",\"CON\":true,\"a\":[1,\"x\"]}},\"b\":\"s95\"}")));
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void aLeafAboveADeeperWriteIsTakenBackWhenTheFilesFail(boolean fsync) throws IOException {
		check(fsync, List.of(write("/c/CON/x y", "1"), write("/c", "5"), write("/m/c/d", "{\"e\":1}")));
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void aRootDeleteAfterADeeperWriteIsTakenBackWhenTheFilesFail(boolean fsync) throws IOException {
		check(fsync, List.of(write("/x y/c/q", "{\"r\":1}"), write("/", "null")));
	}

	private static void check(boolean fsync, List<Write> writes) throws IOException {
		Path dir = Files.createTempDirectory("statetree-hybrid-take-back");
		Faults faults = new Faults();
		try {
			FileSystemBackend files = FileSystemBackend.builder(dir).fsync(fsync).applyHook(faults).build();
			Object before;
			try (HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/m", files)) {
				hybrid.commit(new CommitRequest(
						List.of(write("/", BEFORE), write("/m/c", "{\"k\":1}")), List.of(), "setup"));
				before = hybrid.read(StatePath.ROOT);
				faults.failing = true;

				java.util.Map<String, Object> after = FileSystemCrashTest.apply(branch(before), writes);
				boolean returned;
				try {
					hybrid.commit(new CommitRequest(writes, List.of(), "faults"));
					returned = true; // with fsync on, the files' journal made it: they apply it later
				}
				catch (StateStorageException ex) {
					assertThat(ex).hasMessageNotContaining("partly written");
					returned = false;
				}
				assertThat(fsync || !returned).as("without fsync a failed file operation fails the call").isTrue();
				assertThat(withoutEmptyBranches(hybrid.read(StatePath.ROOT)))
					.isEqualTo(withoutEmptyBranches(returned ? after : before));

				if (!returned) { // the same commit once the files work again: all of it
					faults.failing = false;
					hybrid.commit(new CommitRequest(writes, List.of(), "again"));
					assertThat(withoutEmptyBranches(hybrid.read(StatePath.ROOT))).isEqualTo(withoutEmptyBranches(after));
				}
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	@SuppressWarnings("unchecked")
	private static java.util.Map<String, Object> branch(Object value) {
		return (java.util.Map<String, Object>) value;
	}

	private static Write write(String path, String json) {
		StatePath at = StatePath.of(path);
		return Write.of(at, StateValues.fromJson(at, JSON.readTree(json)));
	}

}
