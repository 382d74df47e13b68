package io.statetree.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.Commit;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records of a {@link HistoryLog} to its segment files: appends to the newest segment
 * through one open channel, or starts a new segment when the newest is full or damaged, and takes
 * back what it wrote when an append fails or its commit writes nothing. It only writes: which
 * segments there are, and what readers see, is the log's (it publishes what was written).
 * <p>
 * Not thread-safe: appends and take-backs come under the file backend's write lock, {@link #close}
 * at the backend's close.
 */
final class HistoryAppender {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	private final Path directory;

	private final Path folder;

	private final AtomicFiles files;

	private final boolean fsync;

	/** The channel to the newest segment, kept open between appends; {@code null} until needed. */
	private @Nullable FileChannel channel;

	/**
	 * @param directory the state directory, for messages
	 * @param folder the segments' folder
	 * @param files for directory syncs
	 * @param fsync whether appends are forced to disk
	 */
	HistoryAppender(Path directory, Path folder, AtomicFiles files, boolean fsync) {
		this.directory = directory;
		this.folder = folder;
		this.files = files;
		this.fsync = fsync;
	}

	/**
	 * Appends the records of a group of commits in one write, forced to disk once when fsync is on;
	 * they go to one segment: the newest unless it holds {@code size} records already or is
	 * damaged, else a new one, created here and not yet in the log.
	 * @param commits the commits, in revision order, each above every logged one
	 * @param newest the log's newest segment, or {@code null} when it has none
	 * @param base the revision a first segment follows
	 * @param size how many records a segment takes before a new one is started
	 * @return the written records in the same order
	 * @throws StateStorageException naming the segment folder when they cannot be written; then
	 * the segment files are as they were
	 */
	List<HistoryLog.Pending> append(List<Commit> commits, @Nullable HistorySegment newest, long base, int size) {
		byte[][] records = new byte[commits.size()][];
		int total = 0;
		for (int i = 0; i < records.length; i++) {
			records[i] = HistoryRecord.encode(commits.get(i));
			total += records[i].length;
		}
		HistorySegment segment = newest;
		boolean created = false;
		Path file = null;
		try {
			if (segment == null || segment.damaged || segment.count >= size || this.channel == null) {
				if (segment != null && !segment.damaged && segment.count < size) {
					this.channel = FileChannel.open(segment.file, StandardOpenOption.WRITE);
				}
				else {
					// a damaged segment may hide records: the new one follows the revision before these commits
					long first = commits.get(0).revision();
					long after = (segment == null) ? base
							: segment.damaged ? Math.max(segment.lastRevision(), first - 1) : segment.lastRevision();
					file = this.folder.resolve(String.format("%020d", after) + HistoryLog.SUFFIX);
					close();
					FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
					created = true;
					this.channel = opened;
					write(opened, HistorySegment.header(), 0);
					this.files.syncDirectory(this.folder);
					segment = new HistorySegment(file, after);
					segment.end = HistorySegment.HEADER;
				}
			}
			FileChannel channel = this.channel;
			ByteBuffer buffer = ByteBuffer.allocate(total);
			for (byte[] record : records) {
				buffer.put(record);
			}
			buffer.flip();
			write(channel, buffer, segment.end);
			if (this.fsync) {
				channel.force(false);
			}
		}
		catch (IOException | RuntimeException ex) {
			close();
			if (created) {
				deleteQuietly(file);
			}
			else if (segment != null && file == null) {
				truncateQuietly(segment.file, segment.end);
			}
			throw new StateStorageException("Cannot append to the history " + relative(this.folder) + " of state directory "
					+ this.directory + "; nothing was written: " + ex.getClass().getSimpleName(), ex);
		}
		List<HistoryLog.Pending> pending = new ArrayList<>(records.length);
		long position = segment.end;
		for (int i = 0; i < records.length; i++) {
			pending.add(new HistoryLog.Pending(commits.get(i), segment, position, records[i].length, created && i == 0));
			position += records[i].length;
		}
		return pending;
	}

	private static void write(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			at += channel.write(buffer, at);
		}
	}

	/**
	 * Takes back a written record that was not published: deletes the segment created for it, or
	 * cuts it off its segment. Never throws: when it cannot, it is logged, and the check at the
	 * next open decides.
	 * @param pending the record
	 */
	void takeBack(HistoryLog.Pending pending) {
		close();
		if (pending.created()) {
			deleteQuietly(pending.segment().file);
		}
		else {
			truncateQuietly(pending.segment().file, pending.position());
		}
	}

	/**
	 * Closes the channel to the newest segment; the next append opens it again. Idempotent, never
	 * throws.
	 */
	void close() {
		FileChannel channel = this.channel;
		this.channel = null;
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				logger.debug("Cannot close a history segment", ex);
			}
		}
	}

	private void deleteQuietly(@Nullable Path file) {
		if (file == null) {
			return;
		}
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.warn("Cannot delete the history segment {} of state directory {}: {}", relative(file), this.directory,
					ex.toString());
		}
	}

	private void truncateQuietly(Path file, long position) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(position);
		}
		catch (IOException ex) {
			logger.warn("Cannot cut an unfinished record off the history segment {} of state directory {}: {}",
					relative(file), this.directory, ex.toString());
		}
	}

	private String relative(Path file) {
		return HistorySegment.relative(this.directory, file);
	}

}
