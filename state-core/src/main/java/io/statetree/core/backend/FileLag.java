package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FileSystemBackend} serves while its files lag behind commits that are made: when
 * a commit's files cannot all be written after its journal frame (or intent log) made it durable,
 * the commit still succeeds, and the value each written path holds after it is kept here; reads
 * see the committed tree until the files catch up. The files may hold any prefix of the commit's
 * operations meanwhile, so a read at or below a written path takes the kept value, and a read
 * above written paths takes the files with the kept values set in (the rest of such a subtree
 * the commit did not change). Commits are refused meanwhile (the kept values only grow by the
 * commit, or group, that failed). Guarded by the backend's lock (written under the write lock,
 * read under either); {@link #active()} is readable without it.
 */
final class FileLag {

	private final FileTreeReader reader;

	/** Each written path's value after the lagging commits, none below another. */
	private Map<StatePath, @Nullable Object> after = Map.of();

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
	 * @param changes its changes: each written path with its value after it
	 * @param revision its (first) revision
	 */
	void add(List<Change> changes, long revision) {
		if (!this.active) {
			this.since = revision;
		}
		Map<StatePath, @Nullable Object> merged = new LinkedHashMap<>(this.after);
		for (Change change : changes) {
			put(merged, change.path(), change.newValue());
		}
		this.after = merged;
		this.active = true;
	}

	/** Keeps a path's value: replaces what is kept below it, or goes into what is kept above it. */
	private static void put(Map<StatePath, @Nullable Object> kept, StatePath path, @Nullable Object value) {
		for (Map.Entry<StatePath, @Nullable Object> entry : kept.entrySet()) {
			StatePath above = entry.getKey();
			if (above.isAncestorOf(path)) {
				if (StateValues.equal(TreeEdits.getIn(entry.getValue(), above.relativize(path)), value)) {
					return; // one commit's values: the one above holds it already
				}
				entry.setValue(TreeEdits.setIn(entry.getValue(), above, above.relativize(path), 0, value, null));
				return;
			}
		}
		kept.keySet().removeIf(path::isAncestorOrSelf);
		kept.put(path, value);
	}

	/** The files caught up. */
	void clear() {
		this.after = Map.of();
		this.active = false;
	}

	/**
	 * Reads a path as the commits made it.
	 * @param path the path
	 * @return its value
	 */
	@Nullable Object read(StatePath path) {
		Map<StatePath, @Nullable Object> kept = this.after;
		List<StatePath> below = new ArrayList<>();
		for (Map.Entry<StatePath, @Nullable Object> entry : kept.entrySet()) {
			StatePath written = entry.getKey();
			if (written.isAncestorOrSelf(path)) {
				Object value = TreeEdits.getIn(entry.getValue(), written.relativize(path));
				return (value == null && path.isRoot()) ? Branch.EMPTY : value;
			}
			if (path.isAncestorOf(written)) {
				below.add(written);
			}
		}
		Object value = this.reader.read(path);
		for (StatePath written : below) {
			value = TreeEdits.setIn(value, path, path.relativize(written), 0, kept.get(written), null);
		}
		return (value == null && path.isRoot()) ? Branch.EMPTY : value;
	}

	/**
	 * Lists a branch's children as the commits made it.
	 * @param path the path
	 * @return the names in order
	 */
	List<String> childNames(StatePath path) {
		boolean related = false;
		for (StatePath written : this.after.keySet()) {
			if (written.isAncestorOrSelf(path) || path.isAncestorOf(written)) {
				related = true;
				break;
			}
		}
		return related ? FileSystemBackend.childNamesOf(read(path)) : this.reader.childNames(path);
	}

}
