package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.FileEntries.Entry;
import io.statetree.core.backend.FileEntries.EntryKind;
import io.statetree.core.backend.FileNames.Names;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;

/**
 * Turns one commit's writes into the file operations of a {@link FileSystemBackend} (DESIGN §7):
 * {@link #apply} plans what each write makes of the entries it touches (a write below a file
 * rewrites that file, a write above one replaces what is under it, at most one of {@code b.json}
 * and {@code b/} remains, writing {@code /} clears the directory), reading from disk only the
 * entries on the written paths; {@link #operations()} then lists the writes, deletes and new
 * directories, with the {@code .order} and name files they need. Plans nothing outside the
 * directory and writes nothing itself. One plan per commit, under the backend's write lock.
 */
final class FileCommitPlan {

	private final FileTreeReader reader;

	private final FileEntries entries;

	private final DirectoryIndex index;

	private final Serializer serializer;

	private final int maxFileBytes;

	private final DirNode root;

	/** How many slots the plan's writes created so far (the plan is used by one thread). */
	private long creations;

	/**
	 * Starts a plan from the tree as it is on disk.
	 * @param directory the state directory
	 * @param reader reads the entries the writes touch
	 * @param entries refuses case collisions
	 * @param index looks names up, asking the disk only for names it does not know
	 * @param serializer the file format
	 * @param maxFileBytes the longest file a value may take
	 */
	FileCommitPlan(Path directory, FileTreeReader reader, FileEntries entries, DirectoryIndex index, Serializer serializer,
			int maxFileBytes) {
		this.reader = reader;
		this.entries = entries;
		this.index = index;
		this.serializer = serializer;
		this.maxFileBytes = maxFileBytes;
		this.root = new DirNode(directory, true);
		index.beginPlan(); // what the index knows of a directory is checked again before this plan uses it
	}

	/**
	 * Plans one write, after the ones planned before it.
	 * @param write the write
	 * @throws StateWriteException for a leaf at {@code /} or a new name colliding with another but
	 * for case
	 * @throws StateStorageException when an entry on the path cannot be read
	 */
	void apply(Write write) {
		StatePath path = write.path();
		Object value = write.value();
		if (path.isRoot()) {
			if (value != null && !StateValues.isBranch(value)) {
				throw new StateWriteException("Cannot write " + TreeEdits.describe(value) + " at /: the root is always a branch");
			}
			this.root.clear();
			if (value != null) {
				for (Map.Entry<?, ?> child : ((Map<?, ?>) value).entrySet()) {
					Slot slot = this.root.slot((String) child.getKey());
					slot.created(true);
					slot.node = new FileNode(null, child.getValue());
					slot.changed = true;
				}
			}
			return;
		}
		DirNode dir = this.root;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			Slot slot = dir.slot(path.segment(i));
			if (i == depth - 1) {
				slot.created(value != null);
				slot.node = (value != null) ? new FileNode(null, value) : AbsentNode.INSTANCE;
				slot.changed = true;
				if (value != null && slot.file != EntryKind.DATA && slot.dir != EntryKind.DATA) {
					this.entries.checkNoCaseCollision(dir.path, slot.names, path);
				}
				return;
			}
			Node node = slot.node;
			if (node == AmbiguousNode.INSTANCE) {
				throw this.reader.ambiguous(dir.path, slot.names);
			}
			if (node instanceof FileNode file) {
				Object current = file.value();
				StatePath prefix = path.prefix(i + 1);
				Object updated = StateValues.setIn(current, prefix, prefix.relativize(path), value);
				if (updated != current) {
					file.value = updated;
					slot.changed = true;
				}
				return;
			}
			if (node instanceof DirNode sub) {
				dir = sub;
				continue;
			}
			if (value == null) {
				return;
			}
			this.entries.checkNoCaseCollision(dir.path, slot.names, path);
			DirNode created = new DirNode(dir.path.resolve(slot.names.stem()), false);
			slot.created(true);
			slot.node = created;
			slot.changed = true;
			dir = created;
		}
	}

	/**
	 * The value at a path as the plan sees it, for the change a write reports: looks the entries
	 * on the path up as {@link #apply} does (so the write's planning asks nothing again) and reads
	 * only the file holding the path, parsed once for both; a directory is read from disk. The
	 * caller makes sure nothing planned so far is at, above or below the path (a group's members
	 * never overlap), so this is the value on disk.
	 * @param path the path
	 * @return its value, or {@code null} when absent
	 * @throws UnparsableFileException when the file holding it (or the name) cannot be read
	 */
	@Nullable Object current(StatePath path) {
		if (path.isRoot()) {
			return this.reader.read(path);
		}
		DirNode dir = this.root;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			Slot slot = dir.slot(path.segment(i));
			Node node = slot.node;
			if (node == AmbiguousNode.INSTANCE) {
				throw this.reader.ambiguous(dir.path, slot.names);
			}
			if (node instanceof FileNode file) {
				Object value = file.value();
				return (i == depth - 1) ? value : StateValues.getIn(value, path.prefix(i + 1).relativize(path));
			}
			if (!(node instanceof DirNode sub)) {
				return null;
			}
			if (i == depth - 1) {
				return this.reader.read(path);
			}
			dir = sub;
		}
		return null;
	}

	/**
	 * Lists the file operations that make the planned tree real, parents before children.
	 * @return the operations, empty when nothing changes on disk
	 * @throws StateWriteException when a value would take more than the largest file
	 * @throws StateStorageException when a value cannot be serialized or a directory listed
	 */
	List<Op> operations() {
		List<Op> ops = new ArrayList<>();
		emit(this.root, ops);
		return ops;
	}

	private void emit(DirNode dir, List<Op> ops) {
		if (dir.cleared && dir.onDisk) {
			emitClear(dir.path, ops);
		}
		emitOrder(dir, ops);
		for (Slot slot : dir.slots.values()) {
			Path file = dir.path.resolve(slot.names.file());
			Path sub = dir.path.resolve(slot.names.stem());
			Node node = slot.node;
			if (!slot.changed) {
				if (node instanceof DirNode existing) {
					emit(existing, ops);
				}
				continue;
			}
			if (node instanceof FileNode fileNode) {
				if (slot.dir == EntryKind.DATA) {
					ops.add(new Op(Kind.DELETE, sub, null, true));
				}
				addNameFile(dir, slot, ops);
				ops.add(new Op(Kind.PUT, file, serialize(fileNode.value(), file), true));
			}
			else if (node instanceof DirNode created) {
				if (slot.file == EntryKind.DATA) {
					ops.add(new Op(Kind.DELETE, file, null, true));
				}
				if (slot.dir != EntryKind.ABSENT) {
					ops.add(new Op(Kind.DELETE, sub, null, true));
				}
				addNameFile(dir, slot, ops);
				ops.add(new Op(Kind.MKDIR, sub, null, true));
				emit(created, ops);
			}
			else {
				boolean deleted = false;
				if (slot.file == EntryKind.DATA) {
					ops.add(new Op(Kind.DELETE, file, null, true));
					deleted = true;
				}
				if (slot.dir == EntryKind.DATA) {
					ops.add(new Op(Kind.DELETE, sub, null, true));
					deleted = true;
				}
				if (deleted && slot.names.hashed()) {
					ops.add(new Op(Kind.DELETE, dir.path.resolve(slot.names.nameFile()), null, false));
				}
			}
		}
	}

	/**
	 * Keeps the directory's order file up to date, writing it only when the order of its children
	 * changes: when entries are created, in the order the writes created them (an entry deleted
	 * and written again goes last, as on memory), or the directory is replaced with other children. A
	 * delete leaves the order of the others as it is, so it writes nothing: the deleted names stay
	 * listed (readers skip names not there) until the next creation in the directory rewrites the
	 * file without them.
	 */
	private void emitOrder(DirNode dir, List<Op> ops) {
		List<Slot> createdSlots = new ArrayList<>();
		Set<String> removed = new HashSet<>();
		for (Slot slot : dir.slots.values()) {
			if (!slot.changed) {
				continue;
			}
			boolean existed = slot.file == EntryKind.DATA || slot.dir == EntryKind.DATA;
			boolean exists = slot.node instanceof FileNode || slot.node instanceof DirNode;
			if (exists && (!existed || slot.createdAt != Long.MAX_VALUE)) {
				// new, or deleted and written again by this plan: last, as memory lists it
				createdSlots.add(slot);
				removed.add(slot.names.stem());
			}
			else if (existed && !exists) {
				removed.add(slot.names.stem());
			}
		}
		if (createdSlots.isEmpty() && !dir.cleared) {
			return;
		}
		// in the order the writes created them, as the in-memory backend lists them: a slot is
		// looked up earlier by a delete or a read that creates nothing (the old value a write reports)
		createdSlots.sort(Comparator.comparingLong((slot) -> slot.createdAt));
		List<String> created = new ArrayList<>(createdSlots.size());
		for (Slot slot : createdSlots) {
			created.add(slot.names.stem());
		}
		List<String> listed = dir.onDisk ? this.reader.readOrder(dir.path) : List.of();
		List<String> order = new ArrayList<>();
		if (!dir.cleared && dir.onDisk) {
			Set<String> present = presentStems(dir.path);
			for (String stem : listed) {
				if (!removed.contains(stem) && present.contains(stem)) {
					order.add(stem);
				}
			}
		}
		order.addAll(created);
		if (dir.onDisk && order.equals(listed)) {
			return;
		}
		ops.add(new Op(Kind.PUT, dir.path.resolve(FileTreeReader.ORDER),
				String.join("\n", order).getBytes(StandardCharsets.UTF_8), false));
	}

	/** The stems a directory holds entries for (names only: nothing is read or parsed). */
	private Set<String> presentStems(Path dir) {
		String dotExtension = this.reader.dotExtension();
		Set<String> stems = new HashSet<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if (name.startsWith(".")) {
					continue;
				}
				stems.add(name);
				if (name.endsWith(dotExtension)) {
					stems.add(name.substring(0, name.length() - dotExtension.length()));
				}
			}
		}
		catch (java.nio.file.NoSuchFileException ex) {
			return stems;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
		}
		return stems;
	}

	private void addNameFile(DirNode dir, Slot slot, List<Op> ops) {
		if (slot.names.hashed()) {
			ops.add(new Op(Kind.PUT, dir.path.resolve(slot.names.nameFile()),
					slot.names.segment().getBytes(StandardCharsets.UTF_8), false));
		}
	}

	/** Deletes the entries of a directory that are part of the tree (and name files), nothing else. */
	private void emitClear(Path dir, List<Op> ops) {
		String extension = this.reader.extension();
		String dotExtension = this.reader.dotExtension();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if (name.startsWith(".")) {
					if (name.endsWith(FileNames.NAME_FILE_SUFFIX)
							&& FileNames.isHashed(name.substring(1, name.length() - FileNames.NAME_FILE_SUFFIX.length()))) {
						ops.add(new Op(Kind.DELETE, child, null, false));
					}
					continue;
				}
				BasicFileAttributes attributes = FileEntries.attributes(child);
				if (attributes == null) {
					continue;
				}
				String stem = null;
				if (attributes.isRegularFile() && name.endsWith(dotExtension)) {
					stem = name.substring(0, name.length() - dotExtension.length());
				}
				else if (attributes.isDirectory()) {
					stem = name;
				}
				if (stem != null && (FileNames.isHashed(stem) || FileNames.decode(stem, extension) != null)) {
					ops.add(new Op(Kind.DELETE, child, null, true));
				}
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
		}
	}

	private byte[] serialize(Object value, Path file) {
		byte[] bytes;
		try {
			bytes = this.serializer.write(value);
		}
		catch (RuntimeException ex) {
			throw new StateStorageException("Cannot serialize the value for " + this.reader.relative(file) + " as "
					+ this.reader.extension() + " (" + ex.getClass().getName() + ")", ex);
		}
		if (bytes.length > this.maxFileBytes) {
			throw new StateWriteException("Cannot write " + this.reader.relative(file) + ": the value takes "
					+ bytes.length + " bytes as " + this.reader.extension() + ", more than the " + this.maxFileBytes
					+ " a file of this state directory may hold (FileSystemBackend.Builder.maxFileBytes)");
		}
		return bytes;
	}


	private abstract static sealed class Node permits DirNode, FileNode, AbsentNode, AmbiguousNode {

	}

	/** A directory of the plan: on disk (its entries read when first touched) or created by it. */
	private final class DirNode extends Node {

		final Path path;

		final boolean onDisk;

		boolean cleared;

		final Map<String, Slot> slots = new LinkedHashMap<>();

		DirNode(Path path, boolean onDisk) {
			this.path = path;
			this.onDisk = onDisk;
		}

		void clear() {
			this.cleared = true;
			this.slots.clear();
		}

		Slot slot(String segment) {
			Slot slot = this.slots.get(segment);
			if (slot == null) {
				Names names = FileCommitPlan.this.reader.names(segment);
				Entry entry = (this.onDisk && !this.cleared) ? FileCommitPlan.this.index.entry(this.path, names)
						: Entry.NONE;
				slot = new Slot(names, entry.file(), entry.dir());
				if (entry.file() == EntryKind.DATA && entry.dir() == EntryKind.DATA) {
					slot.node = AmbiguousNode.INSTANCE;
				}
				else if (entry.file() == EntryKind.DATA) {
					slot.node = new FileNode(this.path.resolve(names.file()), null);
				}
				else if (entry.dir() == EntryKind.DATA) {
					slot.node = new DirNode(this.path.resolve(names.stem()), true);
				}
				this.slots.put(segment, slot);
			}
			return slot;
		}

	}

	/** A file of the plan: its value, parsed from disk when first needed. */
	private final class FileNode extends Node {

		private final @Nullable Path source;

		@Nullable Object value;

		FileNode(@Nullable Path source, @Nullable Object value) {
			this.source = source;
			this.value = value;
		}

		Object value() {
			if (this.value == null) {
				// the bytes a commit wrote, when the file is still as written: no read of the file
				byte[] written = FileCommitPlan.this.index.written(this.source);
				this.value = (written != null) ? FileCommitPlan.this.reader.parse(this.source, written)
						: FileCommitPlan.this.reader.parse(this.source);
			}
			return this.value;
		}

	}

	private static final class AbsentNode extends Node {

		static final AbsentNode INSTANCE = new AbsentNode();

	}

	private static final class AmbiguousNode extends Node {

		static final AmbiguousNode INSTANCE = new AmbiguousNode();

	}

	/** One name in a planned directory: what is on disk, and what the commit makes of it. */
	private final class Slot {

		final Names names;

		final EntryKind file;

		final EntryKind dir;

		Node node = AbsentNode.INSTANCE;

		boolean changed;

		/** When the plan's writes made this slot hold something it did not hold ({@link #created}). */
		long createdAt = Long.MAX_VALUE;

		Slot(Names names, EntryKind file, EntryKind dir) {
			this.names = names;
			this.file = file;
			this.dir = dir;
		}

		/** Notes a write at this slot: one that makes an absent slot hold something creates it now. */
		void created(boolean holds) {
			if (holds && this.node == AbsentNode.INSTANCE) {
				this.createdAt = ++FileCommitPlan.this.creations;
			}
		}

	}

}
