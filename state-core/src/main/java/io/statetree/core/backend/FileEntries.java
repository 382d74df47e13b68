package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.FileNames.Names;
import org.jspecify.annotations.Nullable;

/**
 * What a segment's names are in one directory of a {@link FileSystemBackend}: its data file and
 * its data directory, each absent, part of the tree, or something foreign (a symbolic link, a
 * directory where a file belongs). Responsible for the case-insensitive file systems of DESIGN §7:
 * there a name is looked up by listing the directory and comparing exactly, and a new name that
 * differs from an existing one only in case is refused. Symbolic links are never followed.
 * Immutable; thread-safe.
 */
final class FileEntries {

	/** What a name is in a directory. */
	enum EntryKind {

		ABSENT, DATA, FOREIGN

	}

	/**
	 * A segment's two names in one directory.
	 * @param file what its data file is
	 * @param dir what its directory is
	 */
	record Entry(EntryKind file, EntryKind dir) {

		static final Entry NONE = new Entry(EntryKind.ABSENT, EntryKind.ABSENT);

	}

	private final boolean caseInsensitive;

	FileEntries(boolean caseInsensitive) {
		this.caseInsensitive = caseInsensitive;
	}

	/** Whether names are compared by listing (a case-insensitive file system). */
	boolean caseInsensitive() {
		return this.caseInsensitive;
	}

	/**
	 * Tells whether the file system holding a state directory ignores case: it does when the
	 * backend's own directory answers to its upper-case name.
	 * @param directory the state directory
	 * @param meta the backend's own directory inside it (it exists)
	 * @return whether names must be compared by listing
	 */
	static boolean detectCaseInsensitive(Path directory, String meta) {
		return Files.exists(directory.resolve(meta.toUpperCase(Locale.ROOT)), LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Looks a segment's names up in a directory.
	 * @param dir the directory
	 * @param names the segment's names
	 * @return what its file and its directory are; {@link Entry#NONE} when the directory is gone
	 */
	Entry entry(Path dir, Names names) {
		if (!this.caseInsensitive) {
			return new Entry(kind(dir.resolve(names.file()), false), kind(dir.resolve(names.stem()), true));
		}
		EntryKind file = EntryKind.ABSENT;
		EntryKind sub = EntryKind.ABSENT;
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if (name.equals(names.file())) {
					file = kind(child, false);
				}
				else if (name.equals(names.stem())) {
					sub = kind(child, true);
				}
			}
		}
		catch (NoSuchFileException ex) {
			return Entry.NONE;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
		}
		return new Entry(file, sub);
	}

	private static EntryKind kind(Path path, boolean directory) {
		BasicFileAttributes attributes = attributes(path);
		if (attributes == null) {
			return EntryKind.ABSENT;
		}
		boolean data = directory ? attributes.isDirectory() : attributes.isRegularFile();
		return data ? EntryKind.DATA : EntryKind.FOREIGN;
	}

	/**
	 * Reads a path's attributes without following a symbolic link.
	 * @param path the path
	 * @return its attributes, or {@code null} when nothing is there
	 * @throws StateStorageException when they cannot be read
	 */
	static @Nullable BasicFileAttributes attributes(Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read attributes of " + path + ": " + ex, ex);
		}
	}

	/**
	 * On a case-insensitive file system, refuses a new name that matches another one but for case.
	 * @param dir the directory the name is created in
	 * @param names the new segment's names
	 * @param path the path written, for the message
	 * @throws StateWriteException naming the path and the existing name
	 */
	void checkNoCaseCollision(Path dir, Names names, StatePath path) {
		if (!this.caseInsensitive) {
			return;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if ((name.equalsIgnoreCase(names.file()) && !name.equals(names.file()))
						|| (name.equalsIgnoreCase(names.stem()) && !name.equals(names.stem()))) {
					throw new StateWriteException("Cannot write " + path + ": the file system of " + dir
							+ " ignores case and already holds " + name + " for a different name");
				}
			}
		}
		catch (NoSuchFileException ex) {
			// a directory this commit creates: nothing to collide with
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
		}
	}

}
