package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A directory's stamp: what one {@code stat} of it tells about its entries having changed. On a
 * POSIX file system its device and inode, modification and change times (to the nanosecond the
 * file system keeps), link count and size; elsewhere its file key, modification time and size.
 * Adding, removing or renaming an entry changes the modification and change times; within one
 * tick of the file system's clock they may stay the same (README, "outside edits"), the link count
 * still changes when a subdirectory comes or goes. Used by {@link DirectoryIndex} to tell whether
 * a directory's entries are still as the backend last left or saw them. Immutable; thread-safe.
 */
final class DirectoryStamp {

	private static final String UNIX = "unix:dev,ino,lastModifiedTime,ctime,nlink,size,isDirectory";

	private static final String BASIC = "basic:fileKey,lastModifiedTime,size,isDirectory";

	private final Map<String, Object> attributes;

	private DirectoryStamp(Map<String, Object> attributes) {
		this.attributes = attributes;
	}

	/**
	 * Reads a directory's stamp with one {@code stat}, not following a symbolic link. Never throws.
	 * @param dir the directory
	 * @param unix whether its file system has the {@code unix} attribute view ({@link #unix})
	 * @return its stamp, or {@code null} when nothing is there, it is not a directory, or its
	 * attributes cannot be read
	 */
	static @Nullable DirectoryStamp read(Path dir, boolean unix) {
		Map<String, Object> attributes;
		try {
			attributes = Files.readAttributes(dir, unix ? UNIX : BASIC, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
		if (!Boolean.TRUE.equals(attributes.get("isDirectory"))) {
			return null;
		}
		return new DirectoryStamp(attributes); // a map of its own, never handed out
	}

	/**
	 * Whether a file system has the {@code unix} attribute view (change time, inode, link count).
	 * @param any a path on it
	 * @return whether {@link #read} can use it
	 */
	static boolean unix(Path any) {
		return any.getFileSystem().supportedFileAttributeViews().contains("unix");
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof DirectoryStamp that && this.attributes.equals(that.attributes);
	}

	@Override
	public int hashCode() {
		return this.attributes.hashCode();
	}

	@Override
	public String toString() {
		return "DirectoryStamp" + this.attributes;
	}

}
