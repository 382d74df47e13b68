package io.statetree.core.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateValueException;
import io.statetree.core.backend.FileEntries.Entry;
import io.statetree.core.backend.FileEntries.EntryKind;
import io.statetree.core.backend.FileNames.Names;
import org.jspecify.annotations.Nullable;

/**
 * Reads the tree of a {@link FileSystemBackend} from its directory (DESIGN §7): finds where a
 * path lives ({@link #locate}: a directory, inside a file, or nowhere), reads directories as
 * branches in their {@code .order}, lists children without parsing files, and parses files
 * within the size limit. A file that cannot be read raises {@link UnparsableFileException}
 * naming it relative to the directory, with line and column, never quoting its content.
 * Holds no state of its own; the backend's lock makes a read see one commit wholly.
 */
final class FileTreeReader {

	/** Per directory: the stems of its entries in creation order, so branches keep insertion order. */
	static final String ORDER = ".order";

	/** The longest name file: a segment of at most 255 UTF-8 bytes, with room to spare. */
	private static final int MAX_NAME_FILE_BYTES = 4096;

	private final Path directory;

	private final Serializer serializer;

	private final String extension;

	private final String dotExtension;

	private final int maxFileBytes;

	private final FileEntries entries;

	FileTreeReader(Path directory, Serializer serializer, String extension, int maxFileBytes, FileEntries entries) {
		this.directory = directory;
		this.serializer = serializer;
		this.extension = extension;
		this.dotExtension = "." + extension;
		this.maxFileBytes = maxFileBytes;
		this.entries = entries;
	}

	/** The data file extension, without the dot ({@code json}). */
	String extension() {
		return this.extension;
	}

	/** The data file extension with its dot ({@code .json}). */
	String dotExtension() {
		return this.dotExtension;
	}

	/**
	 * Reads the value at a path.
	 * @param path the path
	 * @return its value (a whole directory read as a branch), or {@code null} when absent
	 */
	@Nullable Object read(StatePath path) {
		Located located = locate(path);
		return (located.directory() != null) ? readDirectory(located.directory()) : located.value();
	}

	/**
	 * Lists a branch's children by listing its directory, so no file below it is parsed; a path
	 * inside a file parses that file only.
	 * @param path the path
	 * @return the child names in order
	 */
	List<String> childNames(StatePath path) {
		Located located = locate(path);
		return (located.directory() != null) ? List.copyOf(listDirectory(located.directory()).keySet())
				: FileSystemBackend.childNamesOf(located.value());
	}

	/**
	 * Where a path's value lives: a directory (a branch built from separate writes), or inside a
	 * file (parsed, only that file), or nowhere.
	 * @param directory the path's directory, or {@code null} when the value is in a file or absent
	 * @param value the value read from the file holding the path, or {@code null}
	 */
	private record Located(@Nullable Path directory, @Nullable Object value) {
	}

	/** Walks from the root to a path, parsing at most the one file that holds it. */
	private Located locate(StatePath path) {
		Path dir = this.directory;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			Names names = names(path.segment(i));
			Entry entry = this.entries.entry(dir, names);
			if (entry.file() == EntryKind.DATA && entry.dir() == EntryKind.DATA) {
				throw ambiguous(dir, names);
			}
			if (entry.file() == EntryKind.DATA) {
				Object value = parse(dir.resolve(names.file()));
				return new Located(null,
						(i == depth - 1) ? value : StateValues.getIn(value, path.prefix(i + 1).relativize(path)));
			}
			if (entry.dir() != EntryKind.DATA) {
				return new Located(null, null);
			}
			dir = dir.resolve(names.stem());
		}
		return new Located(dir, null);
	}

	/**
	 * The file that holds exactly a path's value when it is written on its own.
	 * @param path a path other than the root
	 * @return its data file
	 */
	Path fileOf(StatePath path) {
		Path dir = this.directory;
		for (int i = 0; i < path.depth() - 1; i++) {
			dir = dir.resolve(names(path.segment(i)).stem());
		}
		return dir.resolve(names(path.name()).file());
	}

	private Map<String, Object> readDirectory(Path dir) {
		Map<String, Object> values = new LinkedHashMap<>();
		for (Map.Entry<String, Child> child : listDirectory(dir).entrySet()) {
			Child entry = child.getValue();
			values.put(child.getKey(), entry.directory() ? readDirectory(entry.path()) : parse(entry.path()));
		}
		return StateValues.branch(values);
	}

	/** An entry of a directory that is part of the tree. */
	private record Child(Path path, boolean directory) {
	}

	/**
	 * Lists the entries of a directory that are part of the tree, by segment, in the branch's
	 * order, without parsing any file.
	 */
	private Map<String, Child> listDirectory(Path dir) {
		TreeMap<String, Child> children = new TreeMap<>();
		Map<String, String> stems = new HashMap<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if (name.startsWith(".")) {
					continue;
				}
				BasicFileAttributes attributes = FileEntries.attributes(child);
				if (attributes == null) {
					continue;
				}
				String segment;
				boolean directory;
				if (attributes.isRegularFile() && name.endsWith(this.dotExtension)) {
					segment = decode(dir, name.substring(0, name.length() - this.dotExtension.length()));
					directory = false;
				}
				else if (attributes.isDirectory()) {
					segment = decode(dir, name);
					directory = true;
				}
				else {
					continue;
				}
				if (segment == null) {
					continue;
				}
				if (children.put(segment, new Child(child, directory)) != null) {
					throw ambiguous(dir, names(segment));
				}
				stems.put(names(segment).stem(), segment);
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + relative(dir) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		if (children.size() < 2) {
			return children;
		}
		Map<String, Child> ordered = new LinkedHashMap<>();
		for (String stem : readOrder(dir)) {
			String segment = stems.get(stem);
			if (segment != null) {
				ordered.put(segment, children.remove(segment));
			}
		}
		ordered.putAll(children);
		return ordered;
	}

	/**
	 * The stems of a directory's entries in the order they were created (possibly stale).
	 * @param dir the directory
	 * @return the stems its order file lists; empty without one
	 */
	List<String> readOrder(Path dir) {
		Path file = dir.resolve(ORDER);
		try {
			BasicFileAttributes attributes = FileEntries.attributes(file);
			if (attributes == null || !attributes.isRegularFile()) {
				return List.of();
			}
			String text = new String(readLimited(file, this.maxFileBytes, "order file"), StandardCharsets.UTF_8);
			return text.isEmpty() ? List.of() : List.of(text.split("\n"));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read order file " + relative(file) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	private @Nullable String decode(Path dir, String stem) {
		if (!FileNames.isHashed(stem)) {
			return FileNames.decode(stem, this.extension);
		}
		Path nameFile = dir.resolve("." + stem + FileNames.NAME_FILE_SUFFIX);
		String segment = null;
		try {
			BasicFileAttributes attributes = FileEntries.attributes(nameFile);
			if (attributes != null && attributes.isRegularFile()) {
				segment = new String(readLimited(nameFile, MAX_NAME_FILE_BYTES, "name file"), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read name file " + relative(nameFile) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		if (segment == null || !names(segment).stem().equals(stem)) {
			throw new StateStorageException("Cannot tell which name " + relative(dir.resolve(stem))
					+ " stands for: its name file " + relative(nameFile) + " is missing or does not match");
		}
		return segment;
	}

	/**
	 * Reads a whole file of at most {@code limit} bytes. {@link Files#readAllBytes} would try
	 * to hold any file in memory: a 3 GB file threw {@link OutOfMemoryError} out of every read
	 * of it and its ancestors.
	 * @throws StateStorageException naming the file (relative) and its size when it is longer
	 */
	private byte[] readLimited(Path file, int limit, String what) throws IOException {
		try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
			byte[] bytes = in.readNBytes(limit);
			if (bytes.length == limit && in.read() >= 0) {
				long size;
				try {
					size = Files.size(file);
				}
				catch (IOException ex) {
					size = -1;
				}
				throw new UnparsableFileException(file, "Cannot read " + what + " " + relative(file) + ": it holds "
						+ ((size > limit) ? size + " bytes" : "more bytes") + ", more than the " + limit
						+ " a file of this state directory may hold (FileSystemBackend.Builder.maxFileBytes)");
			}
			return bytes;
		}
	}

	/**
	 * Reads and parses a state file.
	 * @param file the file
	 * @return its value, never {@code null}
	 * @throws UnparsableFileException naming the file when it is too long or cannot be parsed
	 */
	Object parse(Path file) {
		byte[] bytes;
		try {
			bytes = readLimited(file, this.maxFileBytes, "state file");
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read state file " + relative(file) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		return parse(file, bytes);
	}

	/**
	 * Parses a state file's bytes, known without reading them (the backend wrote them).
	 * @param file the file, for messages
	 * @param bytes its bytes
	 * @return its value, never {@code null}
	 * @throws UnparsableFileException naming the file when they cannot be parsed
	 */
	Object parse(Path file, byte[] bytes) {
		Object value;
		try {
			value = this.serializer.read(bytes);
		}
		catch (RuntimeException ex) {
			throw new UnparsableFileException(file, "Cannot parse state file " + relative(file) + ": " + whyUnparsable(ex));
		}
		if (value == null) {
			throw new UnparsableFileException(file, "Cannot parse state file " + relative(file) + ": it holds no value");
		}
		return value;
	}

	/**
	 * Why a file could not be parsed, without quoting any of its content: the parser's own message
	 * (and its cause) may quote the offending text, so neither is kept; a document error gives
	 * the line and column, a value StateTree refuses gives StateTree's own message.
	 */
	private String whyUnparsable(RuntimeException ex) {
		if (ex instanceof JacksonSerializer.MalformedDocumentException malformed) {
			return malformed.getMessage();
		}
		if (ex instanceof StateValueException && ex.getCause() == null) {
			return "it holds a value StateTree refuses: " + ex.getMessage();
		}
		if (ex instanceof InvalidPathException) {
			// its message names the key, which is the file's content
			return "it holds an object key StateTree refuses as a path segment (empty, . or .., with /, a control"
					+ " character, a pattern such as * or {x}, or over 255 UTF-8 bytes)";
		}
		return "the " + this.extension + " serializer failed (" + ex.getClass().getName() + ")";
	}

	/**
	 * A path inside the directory as people read it in messages: relative to the directory, with
	 * {@code /} separators (so messages never reveal where the directory is).
	 * @param path a path inside the directory
	 * @return e.g. {@code users/alice.json}
	 */
	String relative(Path path) {
		if (!path.startsWith(this.directory)) {
			return path.getFileName().toString();
		}
		StringBuilder text = new StringBuilder();
		for (Path part : this.directory.relativize(path)) {
			if (text.length() > 0) {
				text.append('/');
			}
			text.append(part);
		}
		return (text.length() == 0) ? "." : text.toString();
	}

	/**
	 * The exception for a name that is both a data file and a data directory.
	 * @param dir the directory holding both
	 * @param names the segment's names
	 * @return an exception naming both, relative to the state directory
	 */
	StateStorageException ambiguous(Path dir, Names names) {
		return new UnparsableFileException(dir.resolve(names.file()), "Both " + relative(dir.resolve(names.file()))
				+ " and the directory " + relative(dir.resolve(names.stem()))
				+ " exist for the same name; remove one of them (or write that path)");
	}

	/**
	 * The names a segment takes in a directory, with this tree's extension.
	 * @param segment the segment
	 * @return its names
	 */
	Names names(String segment) {
		return FileNames.names(segment, this.extension);
	}

}
