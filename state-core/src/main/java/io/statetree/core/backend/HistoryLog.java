package io.statetree.core.backend;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * records follow; see {@link HistorySegment}). When the newest segment holds {@code size}
 * records the next append starts a new one, and segments whose records all fall outside the last
 * {@code size} are deleted, so at most about twice {@code size} records are on disk and
 * {@link #after} serves exactly the last {@code size}. The commits a consumer group of the
 * directory has not handled yet ({@link #holdFor}) are kept and served beyond those, up to
 * {@link #heldLimit()} commits in all; past that the oldest go, with a warning naming the groups
 * behind (their events in those commits are lost: the groups go on from what is left).
 * <p>
 * The backend appends a commit's record (fsynced with the backend's fsync setting) before any of
 * its files, and publishes it to readers ({@link #published}) once its files are in place. At
 * open, a torn last record (a crash during its append) is cut off; {@link HistoryRecovery} then
 * drops the last record if its commit's files never got in. A damaged record makes {@link #after}
 * fail for the pages that reach it, naming the file; after a damaged frame in the newest segment,
 * appends go on in a new one.
 * <p>
 * The segment files are written by its {@link HistoryAppender}; the log keeps the index of what
 * was published, decides what is kept and serves the reads.
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

	static final Pattern SEGMENT = Pattern.compile("[0-9]{20}\\.log");

	/** How many of the newest commits are kept decoded in memory. */
	static final int CACHED = 64;

	private final Path directory;

	private final Path folder;

	private final AtomicFiles files;

	private final boolean fsync;

	private final int size;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/** Oldest first; the last one takes appends unless it is damaged. */
	private final List<HistorySegment> segments = new ArrayList<>();

	/** The newest commits, oldest first, contiguous with the end of the log. */
	private final ArrayDeque<Commit> recent = new ArrayDeque<>();

	/** Records in all segments. */
	private long total;

	/** The revision the oldest segment follows; with no segment, the backend's revision at open. */
	private long base;

	private final HistoryAppender appender;

	private volatile boolean closed;

	/** The consumer groups whose unhandled commits the log keeps, if any. */
	private volatile @Nullable FileConsumerGroups groups;

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
		this.appender = new HistoryAppender(directory, this.folder, files, fsync);
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
				HistorySegment segment = HistorySegment.open(found.get(i), i == found.size() - 1, this.directory);
				if (segment != null) {
					this.segments.add(segment);
					this.total += segment.count;
				}
				else if (!this.segments.isEmpty()) {
					// the newest never got its header: the one before it was the newest at the crash
					HistorySegment before = this.segments.remove(this.segments.size() - 1);
					this.total -= before.count;
					HistorySegment again = HistorySegment.open(before.file, true, this.directory);
					if (again != null) {
						this.segments.add(again);
						this.total += again.count;
					}
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
	 * The folder of the segments.
	 * @return {@code .statetree/history}
	 */
	Path folder() {
		return this.folder;
	}

	/**
	 * The backend's revision at open: the history records every commit before its files, so its
	 * last revision is the last commit's; the revision file holds what was stored at a clean
	 * close or reserved by a backend in front. A damaged newest segment may hide records, so the
	 * revision then skips the most one segment holds.
	 * @param stored the revision file's revision
	 * @return the revision to go on from
	 */
	long revisionAtOpen(long stored) {
		long revision = Math.max(stored, lastRevision());
		return newestDamaged() ? revision + this.size : revision;
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
	record Pending(Commit commit, HistorySegment segment, long position, int length, boolean created) {
	}

	/**
	 * Appends a commit's record, forced to disk when fsync is on; readers do not see it yet.
	 * @param commit the commit, its revision above every logged one
	 * @return the pending record, for {@link #published} or {@link #abandon}
	 * @throws StateStorageException naming the segment when it cannot be written; then the log is
	 * as it was
	 */
	Pending append(Commit commit) {
		return appendAll(List.of(commit)).get(0);
	}

	/**
	 * Appends the records of a group of commits in one write, forced to disk once when fsync is on
	 * (group commit); readers do not see them yet. They go to one segment, which may so hold a few
	 * more than {@code size} records.
	 * @param commits the commits, in revision order, each above every logged one
	 * @return the pending records in the same order, to be {@link #published} in that order or
	 * {@link #abandon abandoned} in the reverse order
	 * @throws StateStorageException naming the segment when they cannot be written; then the log
	 * is as it was
	 */
	List<Pending> appendAll(List<Commit> commits) {
		HistorySegment newest = this.segments.isEmpty() ? null : this.segments.get(this.segments.size() - 1);
		return this.appender.append(commits, newest, this.base, this.size);
	}

	/**
	 * Makes a pending record readable (its commit's files are in place), then deletes segments
	 * that fell out of the last {@code size} commits. Never throws: a segment that cannot be
	 * deleted is logged and tried again at the next rotation.
	 * @param pending the record
	 */
	void published(Pending pending) {
		List<HistorySegment> dropped = null;
		this.lock.writeLock().lock();
		try {
			HistorySegment segment = pending.segment();
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
				long held = heldAfter();
				while (this.segments.size() > 1 && this.total - this.segments.get(0).count >= this.size) {
					HistorySegment oldest = this.segments.get(0);
					if (oldest.lastRevision() > held) {
						if (this.total - oldest.count < heldLimit()) {
							break; // a consumer group has not handled all of it yet
						}
						warnDropped(oldest, held);
					}
					this.segments.remove(0);
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
			for (HistorySegment segment : dropped) {
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
		this.appender.takeBack(pending);
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
				HistorySegment segment = this.segments.get(i);
				if (segment.count > 0) {
					try (FileChannel channel = segment.openForReading(this.directory)) {
						return segment.read(channel, segment.count - 1, this.directory);
					}
					catch (IOException ex) {
						throw HistorySegment.damaged(this.directory, segment.file, "it cannot be closed", ex);
					}
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
			HistorySegment segment = this.segments.get(i);
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
				HistorySegment segment = this.segments.get(i);
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
			if (this.closed) {
				throw new IllegalStateException("The history of state directory " + this.directory + " is closed");
			}
			long skip = Math.min(Math.max(0, this.total - this.size), atOrBelow(heldAfter()));
			List<Commit> result = new ArrayList<>((int) Math.min(limit, Math.min(this.total, 1024)));
			long seen = 0;
			for (int s = 0; s < this.segments.size(); s++) {
				HistorySegment segment = this.segments.get(s);
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
				readInto(segment, from, limit, result);
				long hiddenUpTo = (s + 1 < this.segments.size()) ? this.segments.get(s + 1).after : Long.MAX_VALUE;
				if (segment.damaged && result.size() < limit && afterRevision < hiddenUpTo) {
					throw HistorySegment.damaged(this.directory, segment.file,
							"it is damaged after its " + segment.count + " readable commits", null);
				}
			}
			return result;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Adds a segment's records from an index on, decoded ones from memory, the rest through one channel. */
	private void readInto(HistorySegment segment, int from, int limit, List<Commit> result) {
		FileChannel channel = null;
		try {
			for (int i = from; i < segment.count && result.size() < limit; i++) {
				Commit commit = cached(segment.revisions[i]);
				if (commit == null) {
					if (channel == null) {
						channel = segment.openForReading(this.directory);
					}
					commit = segment.read(channel, i, this.directory);
				}
				result.add(commit);
			}
		}
		finally {
			if (channel != null) {
				try {
					channel.close();
				}
				catch (IOException ex) {
					logger.debug("Cannot close a history segment", ex);
				}
			}
		}
	}

	private @Nullable Commit cached(long revision) {
		Commit oldest = this.recent.peekFirst();
		if (oldest != null && revision >= oldest.revision()) {
			for (Commit commit : this.recent) {
				if (commit.revision() == revision) {
					return commit;
				}
			}
		}
		return null;
	}

	@Override
	public long retainedAfter() {
		this.lock.readLock().lock();
		try {
			if (this.total <= this.size) {
				return this.base;
			}
			long held = heldAfter();
			if (held < Long.MAX_VALUE && atOrBelow(held) < this.total - this.size) {
				return Math.max(this.base, held);
			}
			long index = this.total - this.size - 1;
			for (HistorySegment segment : this.segments) {
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

	// ---- retention for consumer groups ----

	/**
	 * Keeps the commits the consumer groups of the state directory have not handled yet, beyond
	 * the last {@code size}, up to {@link #heldLimit()} commits in all.
	 * @param groups the groups
	 */
	void holdFor(FileConsumerGroups groups) {
		this.groups = groups;
	}

	private long heldAfter() {
		FileConsumerGroups groups = this.groups;
		return (groups != null) ? groups.heldAfter() : Long.MAX_VALUE;
	}

	/**
	 * The most commits the log keeps for consumer groups behind: ten times its size, at most
	 * {@link FileSystemBackend#MAX_HISTORY_SIZE}.
	 * @return the bound
	 */
	long heldLimit() {
		return Math.max(this.size, Math.min(FileSystemBackend.MAX_HISTORY_SIZE, 10L * this.size));
	}

	/** How many records have a revision at or below one. */
	private long atOrBelow(long revision) {
		long count = 0;
		for (HistorySegment segment : this.segments) {
			if (segment.count == 0) {
				continue;
			}
			if (segment.lastRevision() <= revision) {
				count += segment.count;
			}
			else {
				count += segment.firstAbove(revision);
				break;
			}
		}
		return count;
	}

	private void warnDropped(HistorySegment segment, long held) {
		FileConsumerGroups groups = this.groups;
		List<String> behind = (groups != null) ? groups.behind(segment.lastRevision()) : List.of();
		logger.warn("The history of state directory {} drops the commits after revision {} through {} although the"
				+ " consumer groups {} have not handled them (more than {} commits behind): their events are lost"
				+ " for those groups", this.directory, Math.max(held, segment.after), segment.lastRevision(), behind,
				heldLimit());
	}

	/**
	 * Closes the append channel. Idempotent.
	 */
	void close() {
		this.lock.writeLock().lock();
		try {
			this.closed = true;
		}
		finally {
			this.lock.writeLock().unlock();
		}
		this.appender.close();
		HistoryRecovery.noteCleanClose(this.files, this.folder, lastRevision(), this.directory);
	}

	private String relative(Path file) {
		return HistorySegment.relative(this.directory, file);
	}

}
