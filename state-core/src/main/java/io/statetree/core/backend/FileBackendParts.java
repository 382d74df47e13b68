package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The parts one {@link FileSystemBackend} keeps its directory with, opened in order when the
 * backend is made and closed in order by {@link #close()}: the atomic file writes, the reader,
 * the intent log ({@link AtomicCommit}), the revision file, the directory lock, the lifetimes, the
 * history log, the commits and the consumer groups. The arguments are the builder's, checked
 * there. The parts themselves are thread-safe.
 */
final class FileBackendParts {

	final AtomicFiles files;

	final FileTreeReader reader;

	final AtomicCommit atomicCommit;

	final RevisionFile revisionFile;

	final DirectoryLock directoryLock;

	final FileLifetimes lifetimes;

	final @Nullable HistoryLog history;

	/** Makes the commits (in groups, with fsync on). */
	final FileCommits commits;

	/** The durable consumer groups, with a history only (their events are read from it). */
	final @Nullable FileConsumerGroups groups;

	/**
	 * Opens the parts; if one fails, closes the intent log and the directory lock taken so far.
	 * @param backend the backend they serve (its reads, for the lifetimes; its open check, for the commits)
	 * @param lock the backend's lock, which the commits take
	 * @param directory the absolute, normalized directory
	 * @param extension the file extension, checked
	 */
	FileBackendParts(FileSystemBackend backend, ReentrantReadWriteLock lock, Path directory, Serializer serializer,
			String extension, boolean fsync, int maxFileBytes, @Nullable Boolean caseInsensitive,
			AtomicCommit.ApplyHook applyHook, int historySize, Clock clock, LongSupplier nanoClock) {
		Path meta = directory.resolve(FileSystemBackend.META);
		this.files = new AtomicFiles(meta, fsync);
		boolean used = DirectoryLock.prepare(directory, meta, this.files);
		FileEntries entries = new FileEntries((caseInsensitive != null) ? caseInsensitive
				: FileEntries.detectCaseInsensitive(directory, FileSystemBackend.META));
		this.reader = new FileTreeReader(directory, serializer, extension, maxFileBytes, entries);
		this.atomicCommit = new AtomicCommit(directory, meta, this.files);
		this.atomicCommit.hook(applyHook);
		this.revisionFile = new RevisionFile(directory, meta, this.files);
		this.directoryLock = DirectoryLock.acquire(directory, meta);
		try {
			DirectoryLock.refuseInsideOther(directory);
			if (used) {
				DirectoryLock.refuseHoldingOther(directory, meta);
			}
			this.atomicCommit.recover();
			this.lifetimes = FileLifetimes.open(meta, clock, nanoClock, backend::read);
			long stored = this.revisionFile.read();
			this.history = (historySize > 0) ? HistoryRecovery.open(directory, meta, this.files, fsync, historySize,
					stored, this.reader) : null;
			this.commits = new FileCommits(backend, lock, directory, meta, this.reader, entries, serializer,
					maxFileBytes, this.files, this.atomicCommit, this.revisionFile, this.history, this.lifetimes, clock,
					(this.history != null) ? this.history.revisionAtOpen(stored) : stored);
			this.groups = (this.history != null) ? new FileConsumerGroups(directory, meta, this.files, nanoClock)
					: null;
			if (this.groups != null) {
				this.history.holdFor(this.groups);
			}
		}
		catch (RuntimeException ex) {
			this.atomicCommit.close();
			this.directoryLock.close();
			throw ex;
		}
	}

	/**
	 * Closes the parts in order: the intent log, then stores the exact revision, then closes the
	 * history log and the consumer groups, and releases the directory lock last. Called once, under
	 * the backend's write lock.
	 */
	void close() {
		this.atomicCommit.close();
		this.revisionFile.storeExact(this.commits.revision());
		if (this.history != null) {
			this.history.close();
		}
		if (this.groups != null) {
			this.groups.close();
		}
		this.directoryLock.close();
	}

}
