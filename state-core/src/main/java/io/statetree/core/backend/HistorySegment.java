package io.statetree.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.statetree.core.Commit;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file of a {@link HistoryLog} (DESIGN §11) and the index of its records: their
 * revisions and offsets. The file starts with {@code "STHL"} and a version, then holds
 * {@link HistoryRecord}s. Opening a segment walks the record frames (each frame has its own
 * checksum, so a damaged body does not hide the records after it); in the newest segment a last
 * record cut short by a crash is cut off, and a damaged frame elsewhere stops the index there
 * ({@link #damaged}). Reading a record checks its body's checksum. Not thread-safe: guarded by
 * the log's lock.
 */
final class HistorySegment {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	private static final int MAGIC = 0x5354484C;

	private static final int VERSION = 1;

	/** How many bytes the open reads at a time while walking the frames. */
	private static final int WINDOW = 64 * 1024;

	/** The bytes of the segment header: magic and version. */
	static final int HEADER = 8;

	final Path file;

	/** The revision its records follow (from its name). */
	final long after;

	long[] revisions = new long[16];

	long[] offsets = new long[16];

	int count;

	/** Where the next record goes. */
	long end;

	boolean damaged;

	HistorySegment(Path file, long after) {
		this.file = file;
		this.after = after;
	}

	void add(long revision, long offset) {
		if (this.count == this.revisions.length) {
			this.revisions = Arrays.copyOf(this.revisions, this.count * 2);
			this.offsets = Arrays.copyOf(this.offsets, this.count * 2);
		}
		this.revisions[this.count] = revision;
		this.offsets[this.count] = offset;
		this.count++;
	}

	long lastRevision() {
		return (this.count > 0) ? this.revisions[this.count - 1] : this.after;
	}

	/** The index of the first record above a revision, {@code count} when none. */
	int firstAbove(long revision) {
		int low = 0;
		int high = this.count;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (this.revisions[mid] <= revision) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return low;
	}

	/**
	 * A new segment's header.
	 * @return the {@value #HEADER} bytes, ready to write
	 */
	static ByteBuffer header() {
		return ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(VERSION).flip();
	}

	/**
	 * Opens and indexes one segment's records; the newest segment's torn tail is cut off, and
	 * the newest segment is deleted when it never got its header.
	 * @param file the segment
	 * @param newest whether it is the newest (the only one a crash can leave incomplete)
	 * @param directory the state directory, for messages
	 * @return the indexed segment, or {@code null} when it was deleted
	 * @throws IOException when it cannot be read or cut
	 */
	static @Nullable HistorySegment open(Path file, boolean newest, Path directory) throws IOException {
		long after = Long.parseLong(file.getFileName().toString().substring(0, 20));
		HistorySegment segment = new HistorySegment(file, after);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			long length = channel.size();
			ByteBuffer header = ByteBuffer.allocate(HEADER);
			if (length < HEADER || !readFully(channel, header, 0) || header.getInt(0) != MAGIC
					|| header.getInt(4) != VERSION) {
				if (newest && (length < HEADER || zeroFrom(channel, 0, length))) {
					channel.close();
					Files.delete(file);
					logger.info("Removed the history segment {} a crash left without its header", relative(directory, file));
					return null;
				}
				logger.error("The history segment {} of state directory {} does not start with the StateTree history header;"
						+ " its commits are not read", relative(directory, file), directory);
				segment.damaged = true;
				return segment;
			}
			long position = HEADER;
			ByteBuffer frame = ByteBuffer.allocate(HistoryRecord.FRAME);
			ByteBuffer window = ByteBuffer.allocate(WINDOW).limit(0);
			long windowStart = 0;
			long lastRevision = after;
			while (position < length) {
				frame.clear();
				boolean whole;
				if (position >= windowStart && position + HistoryRecord.FRAME <= windowStart + window.limit()) {
					// small records: frames come from one read of the next 64 KiB, not a read each
					frame.put(0, window, (int) (position - windowStart), HistoryRecord.FRAME);
					whole = true;
				}
				else {
					window.clear();
					windowStart = position;
					while (window.hasRemaining() && channel.read(window, windowStart + window.position()) > 0) {
						// fill
					}
					window.flip();
					whole = window.limit() >= HistoryRecord.FRAME;
					if (whole) {
						frame.put(0, window, 0, HistoryRecord.FRAME);
					}
				}
				boolean sound = whole && HistoryRecord.soundFrame(frame);
				int bodyLength = frame.getInt(0);
				long revision = frame.getLong(4);
				long end = position + HistoryRecord.FRAME + bodyLength;
				if (sound && end <= length && revision > lastRevision) {
					if (newest && end == length) {
						// the newest record: a crash may have cut its body short
						ByteBuffer body = ByteBuffer.allocate(bodyLength);
						if (!readFully(channel, body, position + HistoryRecord.FRAME)
								|| HistoryRecord.checksum(body.array(), 0, bodyLength) != frame.getInt(12)) {
							cutTornTail(channel, directory, file, position, length);
							break;
						}
					}
					segment.add(revision, position);
					lastRevision = revision;
					position = end;
					continue;
				}
				if (newest && (!whole || !sound && zeroFrom(channel, position, length) || sound && end > length)) {
					cutTornTail(channel, directory, file, position, length);
				}
				else {
					logger.error("The history segment {} of state directory {} is damaged at byte {}; the commits"
							+ " from there on are not read", relative(directory, file), directory, position);
					segment.damaged = true;
				}
				break;
			}
			segment.end = position;
		}
		return segment;
	}

	private static void cutTornTail(FileChannel channel, Path directory, Path file, long position, long length) throws IOException {
		channel.truncate(position);
		channel.force(true);
		logger.info("Cut a history record a crash left incomplete off {} ({} bytes)", relative(directory, file), length - position);
	}

	/** Whether every byte from a position to the end is 0 (a torn append the file system padded). */
	private static boolean zeroFrom(FileChannel channel, long position, long length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		long at = position;
		while (at < length) {
			buffer.clear();
			int read = channel.read(buffer, at);
			if (read < 0) {
				break;
			}
			for (int i = 0; i < read; i++) {
				if (buffer.get(i) != 0) {
					return false;
				}
			}
			at += read;
		}
		return true;
	}

	private static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			int read = channel.read(buffer, at);
			if (read < 0) {
				return false;
			}
			at += read;
		}
		return true;
	}

	/**
	 * Opens the segment for {@link #read}.
	 * @param directory the state directory, for messages
	 * @return a channel the caller closes
	 * @throws StateStorageException naming the file when it cannot be opened
	 */
	FileChannel openForReading(Path directory) {
		try {
			return FileChannel.open(this.file, StandardOpenOption.READ);
		}
		catch (IOException ex) {
			throw damaged(directory, this.file, "it cannot be opened (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	/**
	 * Reads and checks one record.
	 * @param channel the segment, from {@link #openForReading}
	 * @param index its index in this segment
	 * @param directory the state directory, for messages
	 * @return the commit
	 * @throws StateStorageException naming the file (never its content) when the record is damaged
	 */
	Commit read(FileChannel channel, int index, Path directory) {
		long position = this.offsets[index];
		try {
			ByteBuffer frame = ByteBuffer.allocate(HistoryRecord.FRAME);
			if (!readFully(channel, frame, position)) {
				throw damaged(directory, this.file, "it ends inside a record", null);
			}
			int length = frame.getInt(0);
			long revision = frame.getLong(4);
			if (!HistoryRecord.soundFrame(frame) || revision != this.revisions[index]
					|| position + HistoryRecord.FRAME + length > channel.size()) {
				throw damaged(directory, this.file, "the record at byte " + position + " has a damaged frame", null);
			}
			ByteBuffer body = ByteBuffer.allocate(length);
			if (!readFully(channel, body, position + HistoryRecord.FRAME)) {
				throw damaged(directory, this.file, "it ends inside a record", null);
			}
			if (HistoryRecord.checksum(body.array(), 0, length) != frame.getInt(12)) {
				throw damaged(directory, this.file, "the checksum of the record at byte " + position + " does not match", null);
			}
			try {
				return HistoryRecord.decode(revision, body.array());
			}
			catch (IllegalArgumentException ex) {
				throw damaged(directory, this.file, "the record at byte " + position + " cannot be decoded: " + ex.getMessage(), null);
			}
		}
		catch (IOException ex) {
			throw damaged(directory, this.file, "it cannot be read (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	static StateStorageException damaged(Path directory, Path file, String why, @Nullable Exception cause) {
		String message = "Cannot read the history segment " + relative(directory, file) + " of state directory " + directory
				+ ": " + why;
		return (cause != null) ? new StateStorageException(message, cause) : new StateStorageException(message);
	}

	static String relative(Path directory, Path file) {
		return directory.relativize(file).toString().replace('\\', '/');
	}

}
