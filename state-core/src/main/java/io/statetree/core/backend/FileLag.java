package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FileSystemBackend} serves while its files lag behind commits that are made: when
 * a commit's files cannot be written after its journal frame (or intent log) made it durable, the
 * commit still succeeds and its writes are kept here, so reads see the committed tree (the files
 * as they are, with these writes applied in order, {@link TreeEdits#valueAfter}) until the files
 * catch up. Commits are refused meanwhile, so the writes kept here only grow by the commit that
 * failed. Guarded by the backend's lock (written under the write lock, read under either);
 * {@link #active()} is readable without it.
 */
final class FileLag {

	private final FileTreeReader reader;

	private List<Write> writes = List.of();

	/** The first revision whose files lag. */
	private long since;

	private volatile boolean active;

	FileLag(FileTreeReader reader) {
		this.reader = reader;
	}

	/** Whether the files lag behind made commits. */
	boolean active() {
		return this.active;
	}

	/** The first revision whose files lag (while {@link #active()}). */
	long since() {
		return this.since;
	}

	/**
	 * Notes a made commit (or group) whose files lag.
	 * @param commitWrites its writes, in order
	 * @param revision its (first) revision
	 */
	void add(List<Write> commitWrites, long revision) {
		if (!this.active) {
			this.since = revision;
		}
		List<Write> all = new ArrayList<>(this.writes.size() + commitWrites.size());
		all.addAll(this.writes);
		all.addAll(commitWrites);
		this.writes = List.copyOf(all);
		this.active = true;
	}

	/** The files caught up. */
	void clear() {
		this.writes = List.of();
		this.active = false;
	}

	/**
	 * Reads a path as the commits made it.
	 * @param path the path
	 * @return the value in the files, with the lagging writes applied
	 */
	@Nullable Object read(StatePath path) {
		List<Write> pending = this.writes;
		if (!related(path, pending)) {
			return this.reader.read(path);
		}
		Object before = this.reader.read(path);
		int leafDepth = TreeEdits.leafDepth(this.reader::childNames, path, before);
		return TreeEdits.valueAfter(path, before, leafDepth, pending, 0);
	}

	/**
	 * Lists a branch's children as the commits made it.
	 * @param path the path
	 * @return the names in order
	 */
	List<String> childNames(StatePath path) {
		if (!related(path, this.writes)) {
			return this.reader.childNames(path);
		}
		return FileSystemBackend.childNamesOf(read(path));
	}

	private static boolean related(StatePath path, List<Write> pending) {
		for (Write write : pending) {
			if (write.path().isAncestorOrSelf(path) || path.isAncestorOrSelf(write.path())) {
				return true;
			}
		}
		return false;
	}

}
