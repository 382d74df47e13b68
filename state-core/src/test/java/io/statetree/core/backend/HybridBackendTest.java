package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routing, merging, splitting and mount rules of {@link HybridBackend}.
 */
class HybridBackendTest {

	@TempDir
	Path directory;

	final InMemoryBackend root = new InMemoryBackend();

	final InMemoryBackend mounted = new InMemoryBackend();

	static Object json(String text) {
		return AbstractBackendContractTest.json(text);
	}

	static CommitResult commit(StateBackend backend, String path, @Nullable Object value) {
		return backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t"));
	}

	@Test
	void theLongestMountPrefixServesAPathRelativeToItsMountPoint() {
		FileSystemBackend files = FileSystemBackend.builder(this.directory).fsync(false).build();
		HybridBackend hybrid = new HybridBackend(this.root).mount("/persistent", files);
		commit(hybrid, "/persistent/important", "saved");
		commit(hybrid, "/temporary", "volatile");
		assertThat(files.read(StatePath.of("/important"))).isEqualTo("saved");
		// the root backend keeps only the mount point's marker there (MountMarkers)
		assertThat(this.root.read(StatePath.of("/persistent"))).isEqualTo(Map.of());
		assertThat(this.root.read(StatePath.of("/temporary"))).isEqualTo("volatile");
		assertThat(hybrid.read(StatePath.of("/"))).isEqualTo(Map.of("persistent", Map.of("important", "saved"),
				"temporary", "volatile"));
		hybrid.close();
	}

	@Test
	void readingAboveADeepMountKeepsTheRootBackendsDataAtIntermediateLevels() {
		HybridBackend hybrid = new HybridBackend(this.root).mount("/a/b/m", this.mounted);
		commit(hybrid, "/a/x", 1);
		commit(hybrid, "/a/b/y", 2);
		commit(hybrid, "/a/b/m/z", 3);
		assertThat(hybrid.read(StatePath.of("/a"))).isEqualTo(json("{'x':1,'b':{'y':2,'m':{'z':3}}}"));
		assertThat(hybrid.read(StatePath.of("/a/b/m/z"))).isEqualTo(3);
		// the root backend holds the mount point's marker, an empty branch, in the order written
		assertThat(this.root.read(StatePath.of("/a"))).isEqualTo(json("{'x':1,'b':{'y':2,'m':{}}}"));
	}

	@Test
	void aWriteSpanningAMountIsSplit() {
		HybridBackend hybrid = new HybridBackend(this.root).mount("/a/m", this.mounted);
		commit(hybrid, "/a/m/old", 1);
		CommitResult result = commit(hybrid, "/a", json("{'x':1,'m':{'y':2}}"));
		assertThat(this.root.read(StatePath.of("/a"))).isEqualTo(json("{'x':1,'m':{}}"));
		assertThat(this.mounted.read(StatePath.ROOT)).isEqualTo(json("{'y':2}"));
		assertThat(result.changes()).hasSize(1);
		assertThat(result.changes().get(0).oldValue()).isEqualTo(json("{'m':{'old':1}}"));
		assertThat(result.changes().get(0).newValue()).isEqualTo(json("{'x':1,'m':{'y':2}}"));
		commit(hybrid, "/", null);
		assertThat(this.mounted.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(hybrid.read(StatePath.ROOT)).isEqualTo(Map.of());
	}

	@Test
	void aLeafAtOrAboveAMountPointIsRefusedBeforeAnythingIsWritten() {
		HybridBackend hybrid = new HybridBackend(this.root).mount("/a/m", this.mounted);
		assertThatThrownBy(() -> commit(hybrid, "/a", 5)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/a/m");
		assertThatThrownBy(() -> commit(hybrid, "/a", json("{'m':7}"))).isInstanceOf(StateWriteException.class);
		assertThatThrownBy(() -> commit(hybrid, "/a/m", 7)).isInstanceOf(StateWriteException.class);
		assertThat(hybrid.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(hybrid.revision()).isZero();
	}

	/** The reported fault: the root part was committed, then the file mount refused its leaf. */
	@Test
	void aLeafAtAMountPointInACommitSpanningBackendsIsRefusedBeforeAnyPartIsWritten() {
		FileSystemBackend files = FileSystemBackend.builder(this.directory).fsync(false).build();
		try (HybridBackend hybrid = new HybridBackend(this.root).mount("/persistent", files).mount("/m", this.mounted)) {
			assertThatThrownBy(() -> hybrid.commit(new CommitRequest(List.of(Write.of(StatePath.of("/r"), 1),
					Write.of(StatePath.of("/m/x"), 2), Write.of(StatePath.of("/persistent"), "secret-value")), List.of(), "t")))
				.isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/persistent")
				.hasMessageContaining("mount point")
				.hasMessageNotContaining("secret-value");
			assertThat(this.root.read(StatePath.ROOT)).isEqualTo(Map.of());
			assertThat(this.mounted.read(StatePath.ROOT)).isEqualTo(Map.of());
			assertThat(files.read(StatePath.ROOT)).isEqualTo(Map.of());
			assertThat(hybrid.revision()).isZero();
		}
	}

	/** A refusal only the file mount knows (its size limit) is found before the root part is written. */
	@Test
	void aFileMountsOwnRefusalIsMadeBeforeTheRootPartIsWritten() {
		FileSystemBackend files = FileSystemBackend.builder(this.directory).fsync(false).maxFileBytes(8).build();
		try (HybridBackend hybrid = new HybridBackend(this.root).mount("/persistent", files)) {
			assertThatThrownBy(() -> hybrid.commit(new CommitRequest(List.of(Write.of(StatePath.of("/r"), 1),
					Write.of(StatePath.of("/persistent/big"), "more than eight bytes")), List.of(), "t")))
				.isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/persistent")
				.hasMessageNotContaining("more than eight bytes");
			assertThat(this.root.read(StatePath.ROOT)).isEqualTo(Map.of());
			assertThat(files.read(StatePath.ROOT)).isEqualTo(Map.of());
		}
	}

	/** An empty mount reads as absent, and its changes say so, before and after. */
	@Test
	void anEmptyMountsChangesAgreeWithReads() {
		HybridBackend hybrid = new HybridBackend(this.root).mount("/a/m", this.mounted);
		assertThat(hybrid.read(StatePath.of("/a/m"))).isNull();
		Change set = commit(hybrid, "/a/m", json("{'x':1}")).changes().get(0);
		assertThat(set.oldValue()).isNull();
		assertThat(set.newValue()).isEqualTo(json("{'x':1}"));
		Change deleted = hybrid.commit(new CommitRequest(List.of(Write.of(StatePath.of("/r"), 1),
				Write.of(StatePath.of("/a/m"), null)), List.of(), "t")).changes().get(1);
		assertThat(deleted.oldValue()).isEqualTo(json("{'x':1}"));
		assertThat(deleted.newValue()).isNull();
		assertThat(hybrid.read(StatePath.of("/a/m"))).isNull();
		assertThat(this.mounted.read(StatePath.ROOT)).isEqualTo(Map.of());
	}

	/**
	 * The exact input {@link HybridCommitPropertiesTest} found (seed -6557748, commit 3, ci28): a
	 * batch that writes below an absent, empty mount point, then replaces the root with a value that
	 * holds the mount point, then deletes the mount point changes nothing, as on the in-memory
	 * backend. Before, the root backend kept the mount point's marker from the value written above
	 * it, so {@code /m} read {@code {}} and the root {@code {"m":{}}}, a change nothing reported as
	 * such (the change at {@code /m} said absent). On every pairing of memory and file root and
	 * mount, and through a controller: no revision, no event.
	 */
	@Test
	void aCommitThatChangesNothingLeavesAnAbsentMountPointAbsentWhenAWriteAboveItHeldIt() throws Exception {
		List<Write> writes = List.of(Write.of(StatePath.of("/m/c"), json("{'a':{'x':{}}}")),
				Write.of(StatePath.of("/"), json("{'m':{'a':1,'c':'s2'}}")), Write.of(StatePath.of("/m"), null));
		int pairing = 0;
		for (boolean fileRoot : List.of(false, true)) {
			for (boolean fileMount : List.of(false, true)) {
				Path dir = this.directory.resolve("pairing" + pairing++);
				StateBackend rootBackend = fileRoot ? FileSystemBackend.builder(dir.resolve("root")).fsync(false).build()
						: new InMemoryBackend();
				StateBackend mountBackend = fileMount ? FileSystemBackend.builder(dir.resolve("m")).fsync(false).build()
						: new InMemoryBackend();
				try (HybridBackend hybrid = new HybridBackend(rootBackend).mount("/m", mountBackend)) {
					long revision = hybrid.revision();
					CommitResult result = hybrid.commit(new CommitRequest(writes, List.of(), "t"));
					String context = "file root " + fileRoot + ", file mount " + fileMount;
					assertThat(hybrid.read(StatePath.of("/m"))).as(context).isNull();
					assertThat(hybrid.read(StatePath.ROOT)).as(context).isEqualTo(Map.of());
					assertThat(result.revision()).as(context).isEqualTo(revision);
					for (Change change : result.changes()) {
						assertThat(StateValues.equal(change.newValue(), hybrid.read(change.path())))
							.as("%s: the change at %s agrees with a read", context, change.path())
							.isTrue();
					}
					assertThat(TreeChanges.unchanged(result.changes())).as(context).isTrue();
				}
			}
		}
		List<io.statetree.core.StateEvent> heard = new ArrayList<>();
		try (io.statetree.core.StateController controller = io.statetree.core.StateController.builder()
			.backend(new HybridBackend(new InMemoryBackend()).mount("/m", new InMemoryBackend()))
			.build()) {
			controller.subscribe("/**", heard::add);
			long revision = controller.revision();
			controller.batch(() -> {
				controller.set("/m/c", json("{'a':{'x':{}}}"));
				controller.set("/", json("{'m':{'a':1,'c':'s2'}}"));
				controller.delete("/m");
			});
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.get("/m")).isNull();
			assertThat(controller.revision()).isEqualTo(revision);
			assertThat(heard).isEmpty();
		}
	}

	@Test
	void aMountHidesTheRootBackendsDataBelowIt() {
		commit(this.root, "/p/hidden", 1);
		commit(this.root, "/p/q", 2);
		HybridBackend hybrid = new HybridBackend(this.root).mount("/p/hidden", this.mounted);
		assertThat(hybrid.read(StatePath.of("/p"))).isEqualTo(Map.of("q", 2));
		assertThat(hybrid.read(StatePath.of("/p/hidden"))).isNull();
		assertThat(hybrid.unmount("/p/hidden")).isTrue();
		assertThat(hybrid.unmount("/p/hidden")).isFalse();
		assertThat(hybrid.read(StatePath.of("/p/hidden"))).isEqualTo(1);
	}

	@Test
	void overlappingDuplicateAndRootMountsAreRefusedNamingBothPaths() {
		HybridBackend hybrid = new HybridBackend(this.root).mount("/a/b", this.mounted);
		assertThatThrownBy(() -> hybrid.mount("/a/b", new InMemoryBackend())).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/a/b");
		assertThatThrownBy(() -> hybrid.mount("/a", new InMemoryBackend())).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("at /a:")
			.hasMessageContaining("/a/b");
		assertThatThrownBy(() -> hybrid.mount("/a/b/c", new InMemoryBackend()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/a/b/c")
			.hasMessageContaining("/a/b ");
		assertThatThrownBy(() -> hybrid.mount("/", new InMemoryBackend())).isInstanceOf(IllegalArgumentException.class);
		hybrid.mount("/a/c", new InMemoryBackend());
		assertThat(hybrid.mounts()).containsOnlyKeys(StatePath.of("/a/b"), StatePath.of("/a/c"));
	}

	@Test
	void describeListsTheRootAndEveryMountAndCloseClosesAll() {
		FileSystemBackend files = FileSystemBackend.builder(this.directory).fsync(false).build();
		HybridBackend hybrid = new HybridBackend(this.root).mount("/persistent", files);
		assertThat(hybrid.describe()).containsEntry("type", "hybrid")
			.containsEntry("root", Map.of("type", "memory"));
		assertThat(hybrid.describe().get("mounts").toString()).startsWith("{/persistent=");
		hybrid.close();
		assertThatThrownBy(() -> files.read(StatePath.ROOT)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aCommitWhoseLaterPartFailsTakesBackTheEarlierPartsAndThrowsTheFailure() {
		StateBackend failing = new ForwardingBackend(false) {
			@Override
			public CommitResult commit(CommitRequest request) {
				throw new StateStorageException("disk full");
			}
		};
		commit(this.root, "/r", 0);
		HybridBackend hybrid = new HybridBackend(this.root).mount("/m", failing);
		assertThatThrownBy(() -> hybrid.commit(new CommitRequest(
				List.of(Write.of(StatePath.of("/r"), 1), Write.of(StatePath.of("/new"), 3), Write.of(StatePath.of("/m/x"), 2)),
				List.of(), "t")))
			.isInstanceOf(StateStorageException.class)
			.hasMessage("disk full");
		assertThat(hybrid.read(StatePath.of("/r"))).isEqualTo(0);
		assertThat(hybrid.read(StatePath.of("/new"))).isNull();
		assertThat(StateValues.equal(hybrid.read(StatePath.ROOT), Map.of("r", 0))).isTrue();
		assertThatThrownBy(() -> commit(hybrid, "/m/x", 2)).hasMessage("disk full");
	}

	@Test
	void aCommitWhoseWrittenPartCannotBeTakenBackSaysWhatWasWritten() {
		StateBackend failing = new ForwardingBackend(false) {
			@Override
			public CommitResult commit(CommitRequest request) {
				throw new StateStorageException("disk full");
			}
		};
		ForwardingBackend once = new ForwardingBackend(false) {
			@Override
			public CommitResult commit(CommitRequest request) {
				if (this.commits.get() > 0) {
					throw new StateStorageException("read-only now");
				}
				return super.commit(request);
			}
		};
		HybridBackend hybrid = new HybridBackend(once).mount("/m", failing);
		assertThatThrownBy(() -> hybrid.commit(new CommitRequest(
				List.of(Write.of(StatePath.of("/r"), 1), Write.of(StatePath.of("/m/x"), 2)), List.of(), "t")))
			.isInstanceOf(StateStorageException.class)
			.hasMessageContaining("partly written")
			.hasMessageContaining("[/]")
			.hasMessageContaining("[/m]")
			.hasMessageContaining("disk full")
			.satisfies((ex) -> assertThat(ex.getCause().getSuppressed()).singleElement()
				.satisfies((suppressed) -> assertThat(suppressed).hasMessage("read-only now")));
		assertThat(hybrid.read(StatePath.of("/r"))).isEqualTo(1);
	}

	/**
	 * A commit spanning the root and a shared mount, with a precondition on the mount: another
	 * instance changes the mount's value after the hybrid looked at it. The shared mount checks the
	 * precondition itself, atomically, before anything else is written.
	 */
	@Test
	void aPreconditionOnASharedMountIsCheckedByItEvenWhenTheCommitSpansBackends() {
		java.util.concurrent.atomic.AtomicBoolean raced = new java.util.concurrent.atomic.AtomicBoolean();
		ForwardingBackend shared = new ForwardingBackend(true) {
			@Override
			public CommitResult commit(CommitRequest request) {
				if (raced.compareAndSet(false, true)) {
					// another instance commits first
					this.target.commit(new CommitRequest(List.of(Write.of(StatePath.of("/x"), 99)), List.of(), "other"));
				}
				return super.commit(request);
			}
		};
		shared.target.commit(new CommitRequest(List.of(Write.of(StatePath.of("/x"), 0)), List.of(), "t"));
		HybridBackend hybrid = new HybridBackend(this.root).mount("/s", shared);
		assertThatThrownBy(() -> hybrid.commit(new CommitRequest(
				List.of(Write.of(StatePath.of("/local/y"), 1), Write.of(StatePath.of("/s/z"), 1)),
				List.of(new Precondition(StatePath.of("/s/x"), 0)), "t")))
			.isInstanceOf(PreconditionFailedException.class)
			.satisfies((ex) -> assertThat(((PreconditionFailedException) ex).getPath()).isEqualTo(StatePath.of("/s/x")));
		assertThat(hybrid.read(StatePath.of("/local"))).isNull();
		assertThat(hybrid.read(StatePath.of("/s"))).isEqualTo(Map.of("x", 99));
	}

	/** The shared mount goes first, yet a write the root refuses still leaves nothing written. */
	@Test
	void aWriteBelowALeafInTheRootIsRefusedBeforeASharedMountsPartIsWritten() {
		ForwardingBackend shared = new ForwardingBackend(true);
		shared.target.commit(new CommitRequest(List.of(Write.of(StatePath.of("/x"), 0)), List.of(), "t"));
		HybridBackend hybrid = new HybridBackend(this.root).mount("/s", shared);
		commit(hybrid, "/local", 5);
		assertThatThrownBy(() -> hybrid.commit(new CommitRequest(
				List.of(Write.of(StatePath.of("/s/z"), 1), Write.of(StatePath.of("/local/y"), 1)),
				List.of(new Precondition(StatePath.of("/s/x"), 0)), "t")))
			.isInstanceOf(StateWriteException.class);
		assertThat(hybrid.read(StatePath.of("/s"))).isEqualTo(Map.of("x", 0));
		assertThat(hybrid.read(StatePath.of("/local"))).isEqualTo(5);
	}

	/** The same with files at the root, and a leaf the commit's own earlier write puts there. */
	@Test
	void aWriteBelowALeafInAFileRootIsRefusedBeforeASharedMountsPartIsWritten() {
		ForwardingBackend shared = new ForwardingBackend(true);
		shared.target.commit(new CommitRequest(List.of(Write.of(StatePath.of("/x"), 0)), List.of(), "t"));
		try (HybridBackend hybrid = new HybridBackend(FileSystemBackend.builder(this.directory).fsync(false).build())
			.mount("/s", shared)) {
			commit(hybrid, "/local", 5);
			assertThatThrownBy(() -> hybrid.commit(new CommitRequest(
					List.of(Write.of(StatePath.of("/s/z"), 1), Write.of(StatePath.of("/local/y"), 1)),
					List.of(new Precondition(StatePath.of("/s/x"), 0)), "t")))
				.isInstanceOf(StateWriteException.class);
			assertThatThrownBy(() -> hybrid.commit(new CommitRequest(
					List.of(Write.of(StatePath.of("/s/z"), 1), Write.of(StatePath.of("/other"), json("{'a':1}")),
							Write.of(StatePath.of("/other/a/b"), 2)),
					List.of(new Precondition(StatePath.of("/s/x"), 0)), "t")))
				.isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/other/a");
			assertThat(hybrid.read(StatePath.of("/s"))).isEqualTo(Map.of("x", 0));
			assertThat(hybrid.read(StatePath.of("/local"))).isEqualTo(5);
			assertThat(hybrid.read(StatePath.of("/other"))).isNull();
			hybrid.commit(new CommitRequest(
					List.of(Write.of(StatePath.of("/s/z"), 1), Write.of(StatePath.of("/other"), json("{'a':{}}")),
							Write.of(StatePath.of("/other/a/b"), 2)),
					List.of(new Precondition(StatePath.of("/s/x"), 0)), "t"));
			assertThat(hybrid.read(StatePath.of("/other/a/b"))).isEqualTo(2);
			assertThat(hybrid.read(StatePath.of("/s/z"))).isEqualTo(1);
		}
	}

	@Test
	void preconditionsOnOneBackendsPathsAreCheckedByThatBackend() {
		HybridBackend hybrid = new HybridBackend(this.root).mount("/m", this.mounted);
		commit(hybrid, "/m/c", 1);
		assertThatThrownBy(() -> hybrid.commit(new CommitRequest(List.of(Write.of(StatePath.of("/m/c"), 2)),
				List.of(new Precondition(StatePath.of("/m/c"), 5)), "t"))).isInstanceOf(PreconditionFailedException.class);
		hybrid.commit(new CommitRequest(List.of(Write.of(StatePath.of("/m/c"), 2)),
				List.of(new Precondition(StatePath.of("/m/c"), 1), new Precondition(StatePath.ROOT, json("{'m':{'c':1}}"))),
				"t"));
		assertThat(hybrid.read(StatePath.of("/m/c"))).isEqualTo(2);
	}

	@Test
	void aSharedDelegatesFeedIsForwardedWithAbsolutePaths() {
		ForwardingBackend shared = new ForwardingBackend(true);
		HybridBackend hybrid = new HybridBackend(this.root).mount("/shared", shared);
		assertThat(hybrid.isShared()).isTrue();
		List<RemoteCommit> heard = new ArrayList<>();
		List<String> resyncs = new ArrayList<>();
		hybrid.setBackendListener(new BackendListener() {
			@Override
			public void onRemoteCommit(RemoteCommit commit) {
				heard.add(commit);
			}

			@Override
			public void onResync() {
				resyncs.add("resync");
			}
		});
		shared.listener.onRemoteCommit(new RemoteCommit(7, "other", List.of(new Change(StatePath.of("/x"), null, 1, null))));
		shared.listener.onResync();
		assertThat(heard).hasSize(1);
		assertThat(heard.get(0).changes().get(0).path()).isEqualTo(StatePath.of("/shared/x"));
		assertThat(heard.get(0).revision()).isEqualTo(7);
		assertThat(resyncs).containsExactly("resync");
	}

}
