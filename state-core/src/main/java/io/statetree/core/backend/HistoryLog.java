package io.statetree.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import io.statetree.core.Commit;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommitHistory} of a {@link FileSystemBackend} (DESIGN §11): an append-only log of
 * the last {@code size} commits that changed something, in segment files
 * {@code .statetree/history/<revision>.log} (the revision, 20 digits, is the one the segment's
 * records follow). Each segment starts with {@code "STHL"} and a version, then holds
 * {@link HistoryRecord}s. When the newest segment holds {@code size} records the next append
 * starts a new one, and segments whose records all fall outside the last {@code size} are
 * deleted, so at most about twice {@code size} records are on disk and {@link #after} serves
 * exactly the last {@code size}.
 * <p>
 * The backend appends a commit's record (fsynced with the backend's fsync setting) before any of
 * its files, and publishes it to readers ({@link #published}) once its files are in place. At
 * open, a torn last record (a crash during its append) is cut off; the backend then drops the
 * last record if its commit's files never got in. A damaged record elsewhere makes {@link #after}
 * fail for pages that reach it, naming the file; appends go on in a new segment.
 * <p>
 * An in-memory index keeps each record's revision and offset, so a page reads only its records;
 * the last {@value #CACHED} commits are also kept decoded. Thread-safe: appends come under the
 * backend's write lock; readers share this log's lock, which an append takes only to publish.
 */
final class HistoryLog implements CommitHistory {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/** Below the backend's own directory: the segments. */
	static final String DIRECTORY = "history";

	static final String SUFFIX = ".log";

	private static final Pattern SEGMENT = Pattern.compile("[0-9]{20}\\.log");

	private static final int MAGIC = 0x5354484C;

	private static final int VERSION = 1;

	private static final int HEADER = 8;

	/** How many of the newest commits are kept decoded in memory. */
	static final int CACHED = 64;

	private final Path directory;

	private final Path folder;

	private final AtomicFiles files;

	private final boolean fsync;

	private final int size;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/** Oldest first; the last one takes appends unless it is damaged. */
	private final List<Segment> segments = new ArrayList<>();

	/** The newest commits, oldest first, contiguous with the end of the log. */
	private final ArrayDeque<Commit> recent = new ArrayDeque<>();

	/** Records in all segments. */
	private long total;

	/** The revision the oldest segment follows; with no segment, the backend's revision at open. */
	private long base;

	private @Nullable FileChannel appender;

	/**
	 * Opens the log: lists and indexes the segments, cutting a torn record off the newest one.
	 * @param directory the state directory, for messages
	 * @param meta the backend's own directory
	 * @param files for directory syncs
	 * @param fsync whether appends are forced to disk
	 * @param size how many commits to keep, at least 1
	 * @param revision the backend's stored revision, the base of a log without segments
	 * @throws StateStorageException when the folder cannot be listed or created
	 */
	HistoryLog(Path directory, Path meta, AtomicFiles files, boolean fsync, int size, long revision) {
		this.directory = directory;
		this.folder = meta.resolve(DIRECTORY);
		this.files = files;
		this.fsync = fsync;
		this.size = size;
		this.base = revision;
		try {
			Files.createDirectories(this.folder);
			List<Path> found = new ArrayList<>();
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.folder)) {
				for (Path file : stream) {
					if (SEGMENT.matcher(file.getFileName().toString()).matches() && Files.isRegularFile(file)) {
						found.add(file);
					}
				}
			}
			Collections.sort(found);
			for (int i = 0; i < found.size(); i++) {
				Segment segment = index(found.get(i), i == found.size() - 1);
				if (segment != null) {
					this.segments.add(segment);
					this.total += segment.count;
				}
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot open the history " + relative(this.folder) + " of state directory "
					+ this.directory + ": " + ex.getClass().getSimpleName(), ex);
		}
		if (!this.segments.isEmpty()) {
			this.base = this.segments.get(0).after;
		}
	}

	/**
	 * Indexes one segment's records; the newest segment's torn tail is cut off, and the newest
	 * segment is dropped when it never got its header.
	 */
	private @Nullable Segment index(Path file, boolean newest) throws IOException {
		long after = Long.parseLong(file.getFileName().toString().substring(0, 20));
		Segment segment = new Segment(file, after);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			long length = channel.size();
			ByteBuffer header = ByteBuffer.allocate(HEADER);
			if (length < HEADER || !readFully(channel, header, 0) || header.getInt(0) != MAGIC
					|| header.getInt(4) != VERSION) {
				if (newest && (length < HEADER || zeroFrom(channel, 0, length))) {
					channel.close();
					Files.delete(file);
					logger.info("Removed the history segment {} a crash left without its header", relative(file));
					return null;
				}
				logger.error("The history segment {} of state directory {} does not start with the StateTree history header;"
						+ " its commits are not read", relative(file), this.directory);
				segment.damaged = true;
				return segment;
			}
			long position = HEADER;
			ByteBuffer frame = ByteBuffer.allocate(HistoryRecord.FRAME);
			long lastRevision = after;
			while (position < length) {
				frame.clear();
				boolean whole = readFully(channel, frame, position);
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
							cutTornTail(channel, file, position, length);
							break;
						}
					}
					segment.add(revision, position);
					lastRevision = revision;
					position = end;
					continue;
				}
				if (newest && (!whole || !sound && zeroFrom(channel, position, length) || sound && end > length)) {
					cutTornTail(channel, file, position, length);
				}
				else {
					logger.error("The history segment {} of state directory {} is damaged at byte {}; the commits"
							+ " from there on are not read", relative(file), this.directory, position);
					segment.damaged = true;
				}
				break;
			}
			segment.end = position;
		}
		return segment;
	}

	private void cutTornTail(FileChannel channel, Path file, long position, long length) throws IOException {
		channel.truncate(position);
		channel.force(true);
		logger.info("Cut a history record a crash left incomplete off {} ({} bytes)", relative(file), length - position);
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

	// ---- appending (under the backend's write lock) ----

	/**
	 * A record written but not yet published.
	 * @param commit the commit
	 * @param segment the segment it went to
	 * @param position where it starts
	 * @param length its length, frame included
	 * @param created whether the segment was created for it
	 */
	record Pending(Commit commit, Segment segment, long position, int length, boolean created) {
	}

	/**
	 * Appends a commit's record, forced to disk when fsync is on; readers do not see it yet.
	 * @param commit the commit, its revision above every logged one
	 * @param causedBy the causing revision
	 * @return the pending record, for {@link #published} or {@link #abandon}
	 * @throws StateStorageException naming the segment when it cannot be written; then the log is
	 * as it was
	 */
	Pending append(Commit commit, long causedBy) {
		byte[] record = HistoryRecord.encode(commit, causedBy);
		Segment segment = this.segments.isEmpty() ? null : this.segments.get(this.segments.size() - 1);
		boolean created = false;
		Path file = null;
		try {
			if (segment == null || segment.damaged || segment.count >= this.size || this.appender == null) {
				if (segment != null && !segment.damaged && segment.count < this.size) {
					this.appender = FileChannel.open(segment.file, StandardOpenOption.WRITE);
				}
				else {
					// a damaged segment may hide records: the new one follows the revision before this commit
					long after = (segment == null) ? this.base
							: segment.damaged ? Math.max(segment.lastRevision(), commit.revision() - 1) : segment.lastRevision();
					file = this.folder.resolve(String.format("%020d", after) + SUFFIX);
					closeAppender();
					FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
					created = true;
					this.appender = channel;
					ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(VERSION).flip();
					write(channel, header, 0);
					this.files.syncDirectory(this.folder);
					segment = new Segment(file, after);
					segment.end = HEADER;
				}
			}
			FileChannel channel = this.appender;
			write(channel, ByteBuffer.wrap(record), segment.end);
			if (this.fsync) {
				channel.force(false);
			}
		}
		catch (IOException | RuntimeException ex) {
			closeAppender();
			if (created) {
				deleteQuietly(file);
			}
			else if (segment != null && file == null) {
				truncateQuietly(segment.file, segment.end);
			}
			throw new StateStorageException("Cannot append to the history " + relative(this.folder) + " of state directory "
					+ this.directory + "; nothing was written: " + ex.getClass().getSimpleName(), ex);
		}
		return new Pending(commit, segment, segment.end, record.length, created);
	}

	private static void write(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			at += channel.write(buffer, at);
		}
	}

	/**
	 * Makes a pending record readable (its commit's files are in place), then deletes segments
	 * that fell out of the last {@code size} commits. Never throws: a segment that cannot be
	 * deleted is logged and tried again at the next rotation.
	 * @param pending the record
	 */
	void published(Pending pending) {
		List<Segment> dropped = null;
		this.lock.writeLock().lock();
		try {
			Segment segment = pending.segment();
			if (pending.created()) {
				this.segments.add(segment);
			}
			segment.add(pending.commit().revision(), pending.position());
			segment.end = pending.position() + pending.length();
			this.total++;
			this.recent.addLast(pending.commit());
			if (this.recent.size() > CACHED) {
				this.recent.removeFirst();
			}
			if (pending.created()) {
				while (this.segments.size() > 1 && this.total - this.segments.get(0).count >= this.size) {
					Segment oldest = this.segments.remove(0);
					this.total -= oldest.count;
					this.base = this.segments.get(0).after;
					if (dropped == null) {
						dropped = new ArrayList<>(1);
					}
					dropped.add(oldest);
				}
			}
		}
		finally {
			this.lock.writeLock().unlock();
		}
		if (dropped != null) {
			for (Segment segment : dropped) {
				try {
					Files.deleteIfExists(segment.file);
				}
				catch (IOException | RuntimeException ex) {
					logger.warn("Cannot delete the old history segment {} of state directory {}: {}", relative(segment.file),
							this.directory, ex.toString());
				}
			}
		}
	}

	/**
	 * Takes back a pending record whose commit wrote nothing. Never throws: when the record cannot
	 * be cut off, it is logged, and the check at the next open decides.
	 * @param pending the record
	 */
	void abandon(Pending pending) {
		closeAppender();
		if (pending.created()) {
			deleteQuietly(pending.segment().file);
		}
		else {
			truncateQuietly(pending.segment().file, pending.position());
		}
	}

	/**
	 * Returns the newest record, for the check at open.
	 * @return the newest commit, or {@code null} when the log holds none
	 * @throws StateStorageException when it cannot be read
	 */
	@Nullable Commit last() {
		this.lock.readLock().lock();
		try {
			for (int i = this.segments.size() - 1; i >= 0; i--) {
				Segment segment = this.segments.get(i);
				if (segment.count > 0) {
					return read(segment, segment.count - 1);
				}
			}
			return null;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Cuts the newest record off, at open, when its commit's files never got in.
	 */
	void dropLast() {
		for (int i = this.segments.size() - 1; i >= 0; i--) {
			Segment segment = this.segments.get(i);
			if (segment.count > 0) {
				long position = segment.offsets[segment.count - 1];
				try (FileChannel channel = FileChannel.open(segment.file, StandardOpenOption.WRITE)) {
					channel.truncate(position);
					if (this.fsync) {
						channel.force(true);
					}
				}
				catch (IOException ex) {
					throw new StateStorageException("Cannot cut the record of a commit a crash interrupted off the history"
							+ " segment " + relative(segment.file) + " of state directory " + this.directory + ": "
							+ ex.getClass().getSimpleName(), ex);
				}
				segment.count--;
				segment.end = position;
				this.total--;
				return;
			}
		}
	}

	/**
	 * The revision of the newest record.
	 * @return it, or 0 when the log holds none
	 */
	long lastRevision() {
		this.lock.readLock().lock();
		try {
			for (int i = this.segments.size() - 1; i >= 0; i--) {
				Segment segment = this.segments.get(i);
				if (segment.count > 0) {
					return segment.lastRevision();
				}
			}
			return 0;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Whether a damaged segment hides records after the indexed ones, so the newest revision
	 * may be higher than {@link #lastRevision()}.
	 * @return whether the newest segment is damaged
	 */
	boolean newestDamaged() {
		return !this.segments.isEmpty() && this.segments.get(this.segments.size() - 1).damaged;
	}

	// ---- reading ----

	@Override
	public List<Commit> after(long afterRevision, int limit) {
		if (afterRevision < 0) {
			throw new IllegalArgumentException("afterRevision must not be negative, got " + afterRevision);
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		this.lock.readLock().lock();
		try {
			long skip = Math.max(0, this.total - this.size);
			List<Commit> result = new ArrayList<>((int) Math.min(limit, Math.min(this.total, 1024)));
			long seen = 0;
			for (int s = 0; s < this.segments.size(); s++) {
				Segment segment = this.segments.get(s);
				if (result.size() >= limit) {
					break;
				}
				long first = Math.max(0, skip - seen);
				seen += segment.count;
				if (first >= segment.count && !segment.damaged) {
					continue;
				}
				if (segment.count > 0 && segment.lastRevision() <= afterRevision && !segment.damaged) {
					continue;
				}
				int from = Math.max((int) first, segment.firstAbove(afterRevision));
				for (int i = from; i < segment.count && result.size() < limit; i++) {
					result.add(cachedOr(segment, i));
				}
				long hiddenUpTo = (s + 1 < this.segments.size()) ? this.segments.get(s + 1).after : Long.MAX_VALUE;
				if (segment.damaged && result.size() < limit && afterRevision < hiddenUpTo) {
					throw damaged(segment.file, "it is damaged after its " + segment.count + " readable commits", null);
				}
			}
			return result;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private Commit cachedOr(Segment segment, int index) {
		long revision = segment.revisions[index];
		Commit oldest = this.recent.peekFirst();
		if (oldest != null && revision >= oldest.revision()) {
			for (Commit commit : this.recent) {
				if (commit.revision() == revision) {
					return commit;
				}
			}
		}
		return read(segment, index);
	}

	private Commit read(Segment segment, int index) {
		long position = segment.offsets[index];
		try (FileChannel channel = FileChannel.open(segment.file, StandardOpenOption.READ)) {
			ByteBuffer frame = ByteBuffer.allocate(HistoryRecord.FRAME);
			if (!readFully(channel, frame, position)) {
				throw damaged(segment.file, "it ends inside a record", null);
			}
			int length = frame.getInt(0);
			long revision = frame.getLong(4);
			if (!HistoryRecord.soundFrame(frame) || revision != segment.revisions[index]
					|| position + HistoryRecord.FRAME + length > channel.size()) {
				throw damaged(segment.file, "the record at byte " + position + " has a damaged frame", null);
			}
			ByteBuffer body = ByteBuffer.allocate(length);
			if (!readFully(channel, body, position + HistoryRecord.FRAME)) {
				throw damaged(segment.file, "it ends inside a record", null);
			}
			if (HistoryRecord.checksum(body.array(), 0, length) != frame.getInt(12)) {
				throw damaged(segment.file, "the checksum of the record at byte " + position + " does not match", null);
			}
			try {
				return HistoryRecord.decode(revision, body.array());
			}
			catch (IllegalArgumentException ex) {
				throw damaged(segment.file, "the record at byte " + position + " cannot be decoded: " + ex.getMessage(), null);
			}
		}
		catch (IOException ex) {
			throw damaged(segment.file, "it cannot be read (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	private StateStorageException damaged(Path file, String why, @Nullable Exception cause) {
		String message = "Cannot read the history segment " + relative(file) + " of state directory " + this.directory
				+ ": " + why;
		return (cause != null) ? new StateStorageException(message, cause) : new StateStorageException(message);
	}

	@Override
	public long retainedAfter() {
		this.lock.readLock().lock();
		try {
			if (this.total <= this.size) {
				return this.base;
			}
			long index = this.total - this.size - 1;
			for (Segment segment : this.segments) {
				if (index < segment.count) {
					return segment.revisions[(int) index];
				}
				index -= segment.count;
			}
			return this.base;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Closes the append channel. Idempotent.
	 */
	void close() {
		closeAppender();
	}

	private void closeAppender() {
		FileChannel channel = this.appender;
		this.appender = null;
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
		return this.directory.relativize(file).toString().replace('\\', '/');
	}

	/** One segment file and the index of its records. Guarded by the log's lock. */
	static final class Segment {

		final Path file;

		/** The revision its records follow (from its name). */
		final long after;

		long[] revisions = new long[16];

		long[] offsets = new long[16];

		int count;

		/** Where the next record goes. */
		long end;

		boolean damaged;

		Segment(Path file, long after) {
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

	}

}
